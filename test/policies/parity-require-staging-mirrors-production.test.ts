import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parse, stringify } from "yaml";
import { planVercelEnv } from "../../components/lib/env-plan";
import type { StackConfig } from "../../components/lib/stack-config";
import { readStackFile, type ShapeConfig, shapeConfigOf } from "../../policies/lib/parity";
import {
  PROJECT_ROOT,
  parityRequireStagingMirrorsProduction as rule,
} from "../../policies/rules/parity-require-staging-mirrors-production";
import { envVar, NOW, neonProject, postgresRole, vercelProject } from "./fixtures";
import { type Res, U, urnOf, validateStack } from "./harness";

const PRODUCTION = "Pulumi.production.yaml";
const CONFIG = { productionStackFile: PRODUCTION };

beforeEach(() => {
  vi.stubEnv("PORTAL_CLOCK", NOW);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function stagingConfig(): ShapeConfig {
  return shapeConfigOf("staging", readStackFile(path.join(PROJECT_ROOT, "Pulumi.staging.yaml")));
}

/** What the staging program registers (components/portal.ts), reduced to what parity reads. */
function stagingResources(config = stagingConfig()): Res[] {
  const prefix = config.database.rolePrefix;
  return [
    ...(config.vercel?.projects ?? []).map((p) =>
      vercelProject({ resourceConfig: { functionDefaultRegions: [...(config.vercel?.regions ?? [])] } }, p.name),
    ),
    ...planVercelEnv(config as StackConfig).map((v) => envVar(v.key, v.target)),
    neonProject({ regionId: config.neon?.region }),
    ...["app_a", "app_b", "migrations", "readonly_a", "readonly_b"].map((r) => postgresRole(`${prefix}_${r}`)),
  ];
}

async function violations(resources: readonly Res[], config: Record<string, unknown> = CONFIG) {
  return (await validateStack(rule, resources, { config })).violations;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "parity-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Production's stack file with `change` applied to its config; returns the path and how messages show it. */
function productionVariant(
  name: string,
  change: (config: Record<string, unknown>) => void,
): { file: string; shown: string } {
  const doc = parse(fs.readFileSync(path.join(PROJECT_ROOT, PRODUCTION), "utf8")) as {
    config: Record<string, unknown>;
  };
  change(doc.config);
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, stringify(doc));
  return { file, shown: path.relative(PROJECT_ROOT, file) };
}

describe("parity-require-staging-mirrors-production: compliant baseline", () => {
  it("the committed staging stack mirrors the committed production stack", async () => {
    expect(await violations(stagingResources())).toEqual([]);
  });

  it("a staging stack that names no Neon region inherits production's project region", async () => {
    const resources = stagingResources().filter((r) => r.name !== "neon-project");
    expect(await violations(resources)).toEqual([]);
  });

  it("does not apply where the policy config names no production stack file (every stack but staging)", async () => {
    const outcome = await validateStack(rule, stagingResources(), { config: {} });
    expect(outcome).toEqual({
      violations: [],
      urns: [],
      notApplicable: "no `productionStackFile` in the policy config: only staging mirrors production",
    });
  });

  it("is configured on staging only, with the committed production stack file", () => {
    const read = (stack: string) =>
      JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "policies", "config", `${stack}.json`), "utf8"));
    expect(read("staging")[rule.name]).toEqual({ enforcementLevel: "mandatory", productionStackFile: PRODUCTION });
    for (const stack of ["local", "dev", "production"]) expect(read(stack)[rule.name]).toBe("disabled");
  });
});

describe("parity-require-staging-mirrors-production: variables per target", () => {
  it("reports a key production has and staging lacks", async () => {
    const resources = stagingResources().filter((r) => r.props.key !== "SENTRY_AUTH_TOKEN");
    expect(await violations(resources)).toEqual([
      "staging lacks `SENTRY_AUTH_TOKEN` on Vercel target `production`, which production (`Pulumi.production.yaml`) has: add them, so staging tests what production runs",
    ]);
  });

  it("reports a key staging has and production does not", async () => {
    const resources = [...stagingResources(), envVar("FEATURE_FLAG_SECRET", "production")];
    expect(await violations(resources)).toEqual([
      "staging has `FEATURE_FLAG_SECRET` on Vercel target `production`, which production (`Pulumi.production.yaml`) does not: remove them, or add them to production first",
    ]);
  });

  it("reports a target production has and staging lacks", async () => {
    const { file, shown } = productionVariant("preview-target", (c) => {
      const vercel = c["portal-infra:vercel"] as { projects: { targets: string[] }[] };
      vercel.projects[0]?.targets.push("preview");
    });
    const keys = [...new Set(planVercelEnv(stagingConfig() as StackConfig).map((v) => v.key))].sort();
    expect(await violations(stagingResources(), { productionStackFile: file })).toEqual([
      `staging lacks ${keys.map((k) => `\`${k}\``).join(", ")} on Vercel target \`preview\`, which production (\`${shown}\`) has: add them, so staging tests what production runs`,
    ]);
  });

  it("reports a key unknown during preview, naming the resource", async () => {
    const resources = stagingResources();
    const variable = resources.find((r) => r.props.key === "CLERK_SECRET_KEY") as Res;
    variable.props.key = U.string;
    const outcome = await validateStack(rule, resources, { config: CONFIG });
    expect(outcome.violations).toEqual([
      "`mm-portal-clerk-secret-key-production`: `key` is unknown during preview, so staging's parity with production can't be verified: set it as a literal",
      "staging lacks `CLERK_SECRET_KEY` on Vercel target `production`, which production (`Pulumi.production.yaml`) has: add them, so staging tests what production runs",
    ]);
    expect(outcome.urns[0]).toBe(urnOf("staging", variable));
  });

  it("reports targets unknown during preview", async () => {
    const resources = stagingResources();
    const variable = resources.find((r) => r.props.key === "MUX_TOKEN_ID") as Res;
    variable.props.targets = U.array;
    expect((await violations(resources))[0]).toBe(
      "`mm-portal-mux-token-id-production`: `targets` is unknown during preview, so staging's parity with production can't be verified: set it as a literal",
    );
  });
});

describe("parity-require-staging-mirrors-production: regions", () => {
  it("reports Vercel function regions that differ", async () => {
    const resources = stagingResources().map((r) =>
      r.type === "vercel:index/project:Project"
        ? vercelProject({ resourceConfig: { functionDefaultRegions: ["syd1", "iad1"] } }, r.name)
        : r,
    );
    expect(await violations(resources)).toEqual([
      "staging runs Vercel functions in [iad1, syd1] but production (`Pulumi.production.yaml`) in [syd1]: use the same regions",
    ]);
  });

  it("reports a staging stack without a Vercel project", async () => {
    const resources = stagingResources().filter((r) => r.type !== "vercel:index/project:Project");
    expect(await violations(resources)).toEqual([
      "staging runs Vercel functions in [] but production (`Pulumi.production.yaml`) in [syd1]: use the same regions",
    ]);
  });

  it("reports a Neon region that differs", async () => {
    const resources = stagingResources().map((r) =>
      r.name === "neon-project" ? neonProject({ regionId: "aws-us-east-2" }) : r,
    );
    expect(await violations(resources)).toEqual([
      "staging's Neon resources are in [aws-us-east-2] but production (`Pulumi.production.yaml`) is in [aws-ap-southeast-2]: use the same region",
    ]);
  });

  it("reports function regions unknown during preview", async () => {
    const resources = stagingResources().map((r) =>
      r.type === "vercel:index/project:Project"
        ? vercelProject({ resourceConfig: { functionDefaultRegions: U.array } }, r.name)
        : r,
    );
    expect(await violations(resources)).toEqual([
      "`mm-portal-staging`: `resourceConfig.functionDefaultRegions` is unknown during preview, so staging's parity with production can't be verified: set it as a literal",
      "staging runs Vercel functions in [] but production (`Pulumi.production.yaml`) in [syd1]: use the same regions",
    ]);
  });
});

describe("parity-require-staging-mirrors-production: database roles", () => {
  it("reports a role production has and staging lacks", async () => {
    const resources = stagingResources().filter((r) => r.props.name !== "portal_readonly_b");
    expect(await violations(resources)).toEqual([
      "staging lacks database role(s) `portal_readonly_b`, which production (`Pulumi.production.yaml`) has: use the same `database.rolePrefix`",
    ]);
  });

  it("reports a role staging has and production does not", async () => {
    const resources = [...stagingResources(), postgresRole("portal_reporting")];
    expect(await violations(resources)).toEqual([
      "staging has database role(s) `portal_reporting`, which production (`Pulumi.production.yaml`) does not: use the same `database.rolePrefix`",
    ]);
  });

  it("reports a different role prefix in production", async () => {
    const { file, shown } = productionVariant("role-prefix", (c) => {
      (c["portal-infra:database"] as { rolePrefix: string }).rolePrefix = "mm";
    });
    expect(await violations(stagingResources(), { productionStackFile: file })).toEqual([
      `staging lacks database role(s) \`mm_app_a\`, \`mm_app_b\`, \`mm_migrations\`, \`mm_readonly_a\`, \`mm_readonly_b\`, which production (\`${shown}\`) has: use the same \`database.rolePrefix\``,
      `staging has database role(s) \`portal_app_a\`, \`portal_app_b\`, \`portal_migrations\`, \`portal_readonly_a\`, \`portal_readonly_b\`, which production (\`${shown}\`) does not: use the same \`database.rolePrefix\``,
    ]);
  });

  it("reports a role name unknown during preview", async () => {
    const resources = stagingResources();
    const role = resources.find((r) => r.props.name === "portal_app_b") as Res;
    role.props.name = U.string;
    expect(await violations(resources)).toEqual([
      "`neon-portal-app-b`: `name` is unknown during preview, so staging's parity with production can't be verified: set it as a literal",
      "staging lacks database role(s) `portal_app_b`, which production (`Pulumi.production.yaml`) has: use the same `database.rolePrefix`",
    ]);
  });
});

describe("parity-require-staging-mirrors-production: production's stack file", () => {
  it("reports a missing file", async () => {
    expect(await violations(stagingResources(), { productionStackFile: "Pulumi.prod.yaml" })).toEqual([
      "production's shape can't be computed from `Pulumi.prod.yaml`, so parity can't be verified: the file does not exist; fix `productionStackFile` in the policy config",
    ]);
  });

  it("reports a production config whose shape can't be read, without decrypting or showing a secret", async () => {
    const { file, shown } = productionVariant("bad-shape", (c) => {
      (c["portal-infra:vercel"] as { regions: unknown }).regions = "syd1";
      (c["portal-infra:neon"] as { region: unknown }).region = { secure: "v1:abc" };
    });
    const found = await violations(stagingResources(), { productionStackFile: file });
    expect(found).toEqual([
      `production's shape can't be computed from \`${shown}\`, so parity can't be verified: stack \`production\`: \`vercel.regions\` is not a list of regions`,
    ]);
    expect(found.join("\n")).not.toMatch(/v1:/);
  });

  it("reports a production region that differs from staging's", async () => {
    const { file, shown } = productionVariant("us-region", (c) => {
      (c["portal-infra:neon"] as { region: string }).region = "aws-us-east-1";
    });
    expect(await violations(stagingResources(), { productionStackFile: file })).toEqual([
      `staging's Neon resources are in [aws-ap-southeast-2] but production (\`${shown}\`) is in [aws-us-east-1]: use the same region`,
    ]);
  });
});
