/**
 * `npm run bench [-- --runs N] [-- --skip-preview]`
 * Prints, as medians of several runs in this one process:
 *  1. the program's evaluation time under Pulumi mocks for synthetic catalogues of 10, 100 and 1000
 *     secrets, against a bare program that declares the same resources without our components;
 *  2. `pulumi preview` wall time per stack that can run here, with and without the policy pack.
 * Figures, not assertions: nothing here fails on a slow machine.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as vercel from "@pulumiverse/vercel";
import { keepersFor } from "../components/lib/rotation";
import { RotatingSecret } from "../components/rotating-secret";
import { VercelProject } from "../components/vercel-project";
import { parseCliArgs } from "./lib/cli";
import { PLACEHOLDER_PASSPHRASES } from "./lib/placeholder-passphrases";

const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
const NOW = new Date("2026-12-03T00:00:00Z");
const ANCHOR = new Date("2026-01-05T00:00:00Z");

async function withMocks(declare: () => void): Promise<number> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, result: "x".repeat(40) } }),
      call: (args) => args.inputs,
    },
    "bench",
    "bench",
  );
  const started = process.hrtime.bigint();
  declare();
  await settings.waitForRPCs();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function ours(n: number): void {
  const secrets = Array.from(
    { length: n },
    (_, i) =>
      new RotatingSecret(`secret-${i}`, {
        key: `SYNTHETIC_${i}_SECRET`,
        cadenceDays: 90,
        anchor: ANCHOR,
        now: NOW,
        slots: 2,
      }),
  );
  new VercelProject("bench", {
    project: { name: "bench", framework: "nextjs", targets: ["production"] },
    teamId: "team_bench",
    variables: secrets.map((s) => ({
      plan: {
        project: "bench",
        key: s.key,
        target: "production" as const,
        sensitive: true,
        sample: false,
        entry: {
          key: s.key,
          source: "generated" as const,
          maxCadenceDays: 90,
          strategy: "alternating-users" as const,
          owner: "",
          description: "",
        },
      },
      value: s.current,
      comment: `rotation source=generated cadence=90d`,
    })),
  });
}

function bare(n: number): void {
  const project = new vercel.Project("bench", {
    name: "bench",
    teamId: "team_bench",
    framework: "nextjs",
    resourceConfig: { functionDefaultRegions: ["syd1"] },
    functionFailover: false,
  });
  for (let i = 0; i < n; i++) {
    const key = `SYNTHETIC_${i}_SECRET`;
    const slots = (["a", "b"] as const).map(
      (slot) =>
        new random.RandomPassword(`secret-${i}-${slot}`, {
          length: 40,
          special: false,
          keepers: keepersFor({ key, slot, cadenceDays: 90, anchor: ANCHOR, window: 3, generation: 0 }),
        }),
    );
    new vercel.ProjectEnvironmentVariable(`bench-${i}`, {
      projectId: project.id,
      teamId: "team_bench",
      key,
      value: slots[1].result,
      targets: ["production"],
      sensitive: true,
      comment: "rotation source=generated cadence=90d",
    });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function benchMocks(runs: number): Promise<void> {
  console.log(`\n== program evaluation under mocks (median of ${runs} runs, ms)`);
  console.log("secrets  resources  ours      bare      ratio");
  for (const n of [10, 100, 1000]) {
    await withMocks(() => ours(n)); // warm-up: module loading and JIT
    await withMocks(() => bare(n));
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < runs; r++) {
      a.push(await withMocks(() => ours(n)));
      b.push(await withMocks(() => bare(n)));
    }
    const [ma, mb] = [median(a), median(b)];
    console.log(
      `${String(n).padEnd(9)}${String(3 * n + 1).padEnd(11)}${ma.toFixed(1).padEnd(10)}${mb.toFixed(1).padEnd(10)}${(ma / mb).toFixed(2)}x`,
    );
  }
}

/**
 * The local stack previews against its real state in .pulumi-state. The cloud stacks are previewed
 * from a throwaway backend (a first preview plans every create), with their committed passphrases.
 */
function benchPreview(runs: number): void {
  console.log(`\n== pulumi preview wall time (median of ${runs} runs, s)`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-backend-"));
  try {
    for (const stack of ["local", "dev", "staging", "production"]) {
      const env: NodeJS.ProcessEnv =
        stack === "local"
          ? process.env
          : {
              ...process.env,
              PULUMI_BACKEND_URL: `file://${scratch}`,
              PULUMI_CONFIG_PASSPHRASE: PLACEHOLDER_PASSPHRASES[stack],
            };
      if (stack !== "local")
        spawnSync("pulumi", ["stack", "init", stack, "--non-interactive"], { env, encoding: "utf8" });
      const variants: Array<[string, string[]]> = [
        ["without pack", []],
        ["with pack", ["--policy-pack", "policies", "--policy-pack-config", `policies/config/${stack}.json`]],
      ];
      for (const [label, extra] of variants) {
        const times: number[] = [];
        let failure = "";
        for (let r = 0; r < runs && !failure; r++) {
          const started = Date.now();
          const result = spawnSync("pulumi", ["preview", "--stack", stack, "--non-interactive", ...extra], {
            env,
            encoding: "utf8",
          });
          if (result.status !== 0) failure = firstError(result.stdout + result.stderr);
          times.push((Date.now() - started) / 1000);
        }
        console.log(
          failure
            ? `${stack.padEnd(11)} ${label.padEnd(13)} cannot run here: ${failure}`
            : `${stack.padEnd(11)} ${label.padEnd(13)} ${median(times).toFixed(2)}`,
        );
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The engine's first `error:` line, which names the cause (later ones only count failures). */
function firstError(output: string): string {
  const line = output.split("\n").find((l) => /^\s*error: /.test(l)) ?? output.trim().split("\n").at(-1) ?? "";
  return line.trim().slice(0, 160);
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), { values: ["runs"], flags: ["skip-preview"] });
  const runs = Number(args.values.runs ?? 5);
  await benchMocks(runs);
  if (!args.flags.has("skip-preview")) {
    if (!fs.existsSync(".pulumi-state")) console.log("\n(run `npm run up:local` first so the local stack exists)");
    benchPreview(Math.max(3, Math.min(runs, 5)));
  }
}

main().catch((err) => {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(1);
});
