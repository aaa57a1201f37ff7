/** Small argument parsing shared by the project's scripts; errors name the flag and the fix. */
import * as fs from "node:fs";
import * as path from "node:path";
import { TIERS } from "../../components/lib/catalogue";

export interface CliArgs {
  readonly values: Record<string, string | undefined>;
  readonly flags: ReadonlySet<string>;
}

export function parseCliArgs(argv: readonly string[], spec: { values: string[]; flags: string[] }): CliArgs {
  const values: Record<string, string | undefined> = {};
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.replace(/^--/, "").split("=")[0];
    if (!arg.startsWith("--") || (!spec.values.includes(name) && !spec.flags.includes(name))) {
      throw new Error(
        `unknown argument \`${arg}\`: expected ${[...spec.values.map((v) => `--${v} <value>`), ...spec.flags.map((f) => `--${f}`)].join(", ")}`,
      );
    }
    if (flags.has(name) || name in values) {
      throw new Error(`\`--${name}\` is given more than once: give it once`);
    }
    if (spec.flags.includes(name)) {
      flags.add(name);
    } else if (arg.includes("=")) {
      values[name] = arg.slice(arg.indexOf("=") + 1);
    } else {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new Error(`\`--${name}\` needs a value`);
      values[name] = value;
    }
  }
  return { values, flags };
}

/** The stack named by `--stack`, which must have a Pulumi.<stack>.yaml in `root`. */
export function requireStack(stack: string | undefined, root = process.cwd()): string {
  if (!stack) throw new Error(`\`--stack\` is missing: use one of ${TIERS.join(", ")}`);
  if (!fs.existsSync(path.join(root, `Pulumi.${stack}.yaml`))) {
    throw new Error(`\`--stack\` is \`${stack}\`, which has no Pulumi.${stack}.yaml: use one of ${TIERS.join(", ")}`);
  }
  return stack;
}
