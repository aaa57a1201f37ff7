/**
 * The real engine for end-to-end tests: the Pulumi CLI and plugins that scripts/toolchain.sh puts in
 * .tools/, run on a copy of the project in a temporary folder with its own file backend and sandbox,
 * so a test never touches the developer's `.pulumi-state/`, `.sandbox/` or `.env.local`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./stacks";

export const TOOLS = path.join(ROOT, ".tools");

/** What a copy of the project needs to run `pulumi` and the project's scripts. */
const PROJECT_FILES = ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "components", "scripts"];

export interface EngineRun {
  readonly code: number | null;
  readonly output: string;
}

export interface ProjectCopy {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

export function requireToolchain(): void {
  for (const required of [
    path.join(TOOLS, "bin", "pulumi"),
    path.join(ROOT, "policies", "node_modules", "@pulumi", "policy"),
  ]) {
    if (!fs.existsSync(required)) {
      throw new Error(
        `${path.relative(ROOT, required)} is missing: run \`npm run setup\` (toolchain and packages) first`,
      );
    }
  }
}

/** The environment scripts/env.sh sets up, pointed at `dir`'s own backend. */
export function engineEnv(dir: string, passphrase: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [path.join(TOOLS, "bin"), path.join(TOOLS, "node22", "node_modules", ".bin"), process.env.PATH].join(":"),
    PULUMI_HOME: path.join(TOOLS, "pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_BACKEND_URL: `file://${path.join(dir, ".pulumi-state")}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    ...extra,
  };
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return env;
}

/**
 * A copy of the project (program, scripts, the given stack files) in a fresh temporary folder, with
 * the project's packages and policy pack linked in. Readable by all: the sandbox's Postgres runs as an
 * unprivileged OS user when the tests run as root, and must reach its data folder.
 */
export function copyProject(prefix: string, stacks: string[], passphrase: string): ProjectCopy {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.chmodSync(dir, 0o755);
  for (const file of PROJECT_FILES) fs.cpSync(path.join(ROOT, file), path.join(dir, file), { recursive: true });
  for (const stack of stacks)
    fs.copyFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.symlinkSync(path.join(ROOT, "policies"), path.join(dir, "policies"));
  fs.mkdirSync(path.join(dir, ".pulumi-state"));
  return { dir, env: engineEnv(dir, passphrase), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs a command to completion without blocking the test worker (vitest keeps its heartbeat while a
 * `pulumi up` runs for a minute).
 */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<EngineRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, timeout: 600_000 });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", (err) => {
      output += String(err);
    });
    child.on("close", (code) => resolve({ code, output }));
  });
}

export function pulumi(project: ProjectCopy, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<EngineRun> {
  return run(path.join(TOOLS, "bin", "pulumi"), [...args, "--non-interactive", "--color", "never"], project.dir, {
    ...project.env,
    ...extraEnv,
  });
}

/** One of the project's TypeScript scripts, under Node 22 as `npm run` would run it. */
export function script(
  project: ProjectCopy,
  name: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<EngineRun> {
  return run(
    path.join(ROOT, "node_modules", ".bin", "tsx"),
    [path.join(project.dir, "scripts", name), ...args],
    project.dir,
    {
      ...project.env,
      ...extraEnv,
    },
  );
}

/** The policy pack flags for a stack, as `npm run up:local` passes them. */
export function policyPack(stack: string): string[] {
  return [
    "--policy-pack",
    path.join(ROOT, "policies"),
    "--policy-pack-config",
    path.join(ROOT, "policies", "config", `${stack}.json`),
  ];
}
