/**
 * `npm run rotate -- --stack <name> --secret <KEY> --reason "<text>" [--rotated-at <date>] [--yes]`
 * The one-command leak response. Generated secrets: bumps the secret's generation in the stack file
 * (a reviewable change), previews everything the rotation touches and, with --yes, applies it.
 * Vendor-issued secrets: says which console to rotate it in and refuses to finish until the new value
 * and its date are set. Nothing is changed when a check fails, or when the preview fails.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { clockFromEnv } from "../components/lib/clock";
import { parseCliArgs, requireStack } from "./lib/cli";
import { editForRotation, requireEntry, requireReason } from "./lib/rotation-request";
import { stackLock } from "./lib/stack-lock";

function committedVersion(file: string): string | undefined {
  try {
    return execFileSync("git", ["show", `HEAD:${path.basename(file)}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

function pulumi(args: string[]): number {
  console.log(`[rotate] pulumi ${args.join(" ")}`);
  return spawnSync("pulumi", args, { stdio: "inherit" }).status ?? 1;
}

/** The policy pack runs on every preview and up, as in PR review. */
function policyArgs(stack: string): string[] {
  return ["--policy-pack", "policies", "--policy-pack-config", path.join("policies", "config", `${stack}.json`)];
}

function main(): void {
  const args = parseCliArgs(process.argv.slice(2), {
    values: ["stack", "secret", "reason", "rotated-at"],
    flags: ["yes"],
  });
  const stack = requireStack(args.values.stack);
  requireEntry(args.values.secret);
  requireReason(args.values.reason);
  const lock = stackLock(stack);
  if (lock) {
    throw new Error(
      `stack \`${stack}\` is locked by another update (${lock}): wait for it to finish, then run this again`,
    );
  }

  const file = path.resolve(`Pulumi.${stack}.yaml`);
  const before = fs.readFileSync(file, "utf8");
  const edit = editForRotation(
    before,
    {
      stack,
      key: args.values.secret as string,
      reason: args.values.reason as string,
      rotatedAt: args.values["rotated-at"],
      now: clockFromEnv().now(),
    },
    committedVersion(file),
  );
  fs.writeFileSync(file, edit.text);
  console.log(`[rotate] ${edit.summary}`);

  if (pulumi(["preview", "--stack", stack, "--diff", ...policyArgs(stack)]) !== 0) {
    fs.writeFileSync(file, before);
    throw new Error("the preview failed, so the config change was undone; fix the error above and run this again");
  }
  if (!args.flags.has("yes")) {
    console.log(
      `[rotate] Pulumi.${stack}.yaml now holds the change: commit it for review, or re-run with --yes to apply now`,
    );
    return;
  }
  if (pulumi(["up", "--stack", stack, "--yes", ...policyArgs(stack)]) !== 0) {
    throw new Error(`pulumi up failed; Pulumi.${stack}.yaml keeps the change so a re-run of \`pulumi up\` finishes it`);
  }
  console.log(`[rotate] done: run \`npm run rotation:report -- --stack ${stack}\` for the evidence`);
}

try {
  main();
} catch (err) {
  console.error(`rotate: ${(err as Error).message}`);
  process.exit(1);
}
