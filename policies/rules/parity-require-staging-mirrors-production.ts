import * as fs from "node:fs";
import * as path from "node:path";
import type { StackValidationPolicy } from "@pulumi/policy";
import { difference, type ShapeResource, shapeOfResources, shapeOfStackFile } from "../lib/parity";

/** The project root: policy config names stack files relative to it. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export interface ParityConfig {
  /** Production's stack file, relative to the project root (or absolute). Unset: the rule does not apply. */
  readonly productionStackFile?: string;
}

/**
 * Staging mirrors production (DESIGN.md, "Tiers"). A stack's preview only sees its own resources, so
 * production's shape comes from production's committed stack file, run through the program's own pure
 * plan (`planVercelEnv`, `roleNames` of components/lib/postgres-grants.ts): the same variable keys per Vercel
 * target, the same function and data regions, the same database roles. A change to either stack file
 * that breaks the mirror fails staging's preview in the PR that makes it. The rule applies where the
 * policy config names `productionStackFile`, i.e. only on staging (policies/config/staging.json).
 * Neon regions are compared when staging names any: a branch inherits its project's region.
 */
export const parityRequireStagingMirrorsProduction: StackValidationPolicy = {
  name: "parity-require-staging-mirrors-production",
  description:
    "Staging mirrors production: the same variable keys per Vercel target, the same regions and the same database roles.",
  severity: "medium",
  configSchema: {
    properties: {
      productionStackFile: {
        type: "string",
        description: "Production's stack file, relative to the project root, e.g. Pulumi.production.yaml.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { productionStackFile } = args.getConfig<ParityConfig>();
    if (!productionStackFile) {
      return args.notApplicable("no `productionStackFile` in the policy config: only staging mirrors production");
    }
    const file = path.resolve(PROJECT_ROOT, productionStackFile);
    const shown = path.relative(PROJECT_ROOT, file);

    if (!fs.existsSync(file)) {
      reportViolation(
        `production's shape can't be computed from \`${shown}\`, so parity can't be verified: the file does not exist; fix \`productionStackFile\` in the policy config`,
      );
      return;
    }
    let expected: ReturnType<typeof shapeOfStackFile>;
    try {
      expected = shapeOfStackFile(file, "production");
    } catch (err) {
      reportViolation(
        `production's shape can't be computed from \`${shown}\`, so parity can't be verified: ${(err as Error).message}`,
      );
      return;
    }

    const { shape: actual, unknown } = shapeOfResources(args.resources as readonly ShapeResource[]);
    for (const { resource, field } of unknown) {
      reportViolation(
        `\`${resource.name}\`: \`${field}\` is unknown during preview, so staging's parity with production can't be verified: set it as a literal`,
        resource.urn,
      );
    }

    const list = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(", ");
    const targets = [...new Set([...Object.keys(expected.envKeys), ...Object.keys(actual.envKeys)])].sort();
    for (const target of targets) {
      const { missing, extra } = difference(expected.envKeys[target] ?? [], actual.envKeys[target] ?? []);
      if (missing.length > 0) {
        reportViolation(
          `staging lacks ${list(missing)} on Vercel target \`${target}\`, which production (\`${shown}\`) has: add them, so staging tests what production runs`,
        );
      }
      if (extra.length > 0) {
        reportViolation(
          `staging has ${list(extra)} on Vercel target \`${target}\`, which production (\`${shown}\`) does not: remove them, or add them to production first`,
        );
      }
    }

    const regions = (r: readonly string[]) => `[${r.join(", ")}]`;
    if (regions(expected.vercelRegions) !== regions(actual.vercelRegions)) {
      reportViolation(
        `staging runs Vercel functions in ${regions(actual.vercelRegions)} but production (\`${shown}\`) in ${regions(expected.vercelRegions)}: use the same regions`,
      );
    }
    if (actual.neonRegions.length > 0 && regions(expected.neonRegions) !== regions(actual.neonRegions)) {
      reportViolation(
        `staging's Neon resources are in ${regions(actual.neonRegions)} but production (\`${shown}\`) is in ${regions(expected.neonRegions)}: use the same region`,
      );
    }

    const roles = difference(expected.roles, actual.roles);
    if (roles.missing.length > 0) {
      reportViolation(
        `staging lacks database role(s) ${list(roles.missing)}, which production (\`${shown}\`) has: use the same \`database.rolePrefix\``,
      );
    }
    if (roles.extra.length > 0) {
      reportViolation(
        `staging has database role(s) ${list(roles.extra)}, which production (\`${shown}\`) does not: use the same \`database.rolePrefix\``,
      );
    }
  },
};
