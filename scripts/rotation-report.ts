/**
 * `npm run rotation:report -- --stack <name> [--out DIR] [--no-files]`
 * Prints the rotation evidence of a stack as a table and writes it as Markdown and JSON (default
 * reports/rotation-<stack>.{md,json}). Reads `pulumi stack export` (secrets stay encrypted) and the
 * stack's outputs; never a value. Replaces the seed's hand-kept rotation log.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { clockFromEnv } from "../components/lib/clock";
import type { ScheduleRow } from "../components/lib/env-plan";
import { parseCliArgs, requireStack } from "./lib/cli";
import { buildEvidence, renderMarkdown, renderTable, type StateResource } from "./lib/rotation-evidence";

function pulumiJson(stack: string, args: string[]): unknown {
  try {
    return JSON.parse(execFileSync("pulumi", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "");
    if (/no stack named|unable to open state directory/.test(stderr)) {
      throw new Error(
        `stack \`${stack}\` has no state here yet: run \`pulumi up --stack ${stack}\` first (for local: npm run up:local)`,
      );
    }
    throw new Error(`\`pulumi ${args.join(" ")}\` failed: ${stderr.trim().split("\n").at(-1) ?? ""}`);
  }
}

function main(): void {
  const args = parseCliArgs(process.argv.slice(2), { values: ["stack", "out"], flags: ["no-files"] });
  const stack = requireStack(args.values.stack);
  const outputs = pulumiJson(stack, ["stack", "output", "--stack", stack, "--json"]) as {
    rotationSchedule?: ScheduleRow[];
  };
  if (!outputs.rotationSchedule) {
    throw new Error(`stack \`${stack}\` has no rotationSchedule output yet: run \`pulumi up --stack ${stack}\` first`);
  }
  const exported = pulumiJson(stack, ["stack", "export", "--stack", stack]) as {
    deployment?: { resources?: StateResource[] };
  };
  const evidence = buildEvidence(
    stack,
    outputs.rotationSchedule,
    exported.deployment?.resources ?? [],
    clockFromEnv().now(),
  );

  console.log(renderTable(evidence));
  if (args.flags.has("no-files")) return;
  const dir = path.resolve(args.values.out ?? "reports");
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `rotation-${stack}`);
  fs.writeFileSync(`${base}.md`, renderMarkdown(evidence));
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(evidence, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), base)}.md and .json`);
}

try {
  main();
} catch (err) {
  console.error(`rotation:report: ${(err as Error).message}`);
  process.exit(1);
}
