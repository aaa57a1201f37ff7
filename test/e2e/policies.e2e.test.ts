/**
 * The policy pack in the real engine: the Pulumi CLI, language host and dynamic-provider plugin that
 * scripts/toolchain.sh builds into .tools/, running `pulumi preview --policy-pack policies` on fixture
 * programs (test/e2e/fixtures/policies/). Each violating fixture must be blocked (non-zero exit) with
 * a message naming the resource and the rule; the compliant one must pass under mandatory enforcement.
 *
 * Fixtures use dynamic resources and `random` (the toolchain's random plugin). The Vercel provider
 * can't be built offline (its module is not served by the proxy), so the Vercel branches of
 * residency-require-au-region (function regions, failover) and all of secrets-require-sensitive (it
 * reads Vercel variables only) are proven by test/policies alone.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EngineRun, engineEnv, requireToolchain, run, TOOLS } from "../support/engine";
import { ROOT } from "../support/stacks";

const FIXTURES = path.join(__dirname, "fixtures", "policies");
const PACK = path.join(ROOT, "policies");
const config = (stack: string) => path.join(PACK, "config", `${stack}.json`);

/** The clock every fixture runs at (PORTAL_CLOCK reaches the pack through the engine). */
const NOW = "2026-12-03T00:00:00Z";

let work = "";
let runs = 0;

beforeAll(() => {
  requireToolchain();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "policy-e2e-"));
  // Fixture copies live outside the work tree (stack init writes files), with the project's packages.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(work, "node_modules"));
  fs.copyFileSync(path.join(FIXTURES, "fixture.ts"), path.join(work, "fixture.ts"));
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Runs the CLI in a fixture copy, with that copy's own file backend (one stack per copy). */
function pulumi(cwd: string, args: string[], clock: string): Promise<EngineRun> {
  const env = engineEnv(cwd, "fixture-only-not-a-secret", { PORTAL_CLOCK: clock });
  return run(path.join(TOOLS, "bin", "pulumi"), args, cwd, env);
}

/** `pulumi preview` of a fresh copy of a fixture with the pack and the given policy config. */
async function preview(fixture: string, policyConfig: string, clock = NOW): Promise<EngineRun> {
  const dir = path.join(work, `${fixture}-${++runs}`);
  fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, ".pulumi-state"));
  const init = await pulumi(dir, ["stack", "init", "e2e", "--non-interactive"], clock);
  if (init.code !== 0) throw new Error(`pulumi stack init failed:\n${init.output}`);
  return pulumi(
    dir,
    [
      "preview",
      "--stack",
      "e2e",
      "--non-interactive",
      "--color",
      "never",
      "--policy-pack",
      PACK,
      "--policy-pack-config",
      policyConfig,
    ],
    clock,
  );
}

/** The line the engine prints for a violation: level, rule, then the resource it names. */
function heading(level: "mandatory" | "advisory", rule: string, resource: string): RegExp {
  const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\[${level}\\] \\[severity: \\w+\\]\\s+${escaped(rule)}\\s+\\(${escaped(resource)}\\)`);
}

describe("policy pack in the real engine", () => {
  it("lets a compliant program through under mandatory enforcement", async () => {
    const run = await preview("compliant", config("production"));
    expect(run.output).not.toMatch(/\[(mandatory|advisory)\]/);
    expect(run.output).toContain("portal-infra@v0.1.0");
    expect(run.code, run.output).toBe(0);
  });

  it("blocks a Neon project outside Australia", async () => {
    const run = await preview("neon-abroad", config("production"));
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      heading("mandatory", "residency-require-au-region", "pulumi-nodejs:dynamic:Resource: neon-project"),
    );
    expect(run.output).toContain(
      "Neon project `neon-project` has `regionId` `aws-us-east-2`; data must stay in Australia: use `aws-ap-southeast-2`",
    );
  });

  it("blocks a region that is unknown during preview instead of letting it pass as advisory", async () => {
    const run = await preview("region-unknown", config("production"));
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      heading("mandatory", "residency-require-au-region", "pulumi-nodejs:dynamic:Resource: neon-project"),
    );
    expect(run.output).toContain(
      "Neon project `neon-project`: `regionId` is unknown during preview, so its region can't be verified: set it to a literal Australian value, not another resource's output",
    );
    expect(run.output).not.toContain("can't run policy");
  });

  it("blocks an overdue vendor-issued secret, naming key, resource and days overdue", async () => {
    const run = await preview("vendor-overdue", config("production"));
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      heading("mandatory", "rotation-enforce-cadence", "pulumi-nodejs:dynamic:Resource: env-local"),
    );
    expect(run.output).toContain(
      "`RESEND_API_KEY` (`env-local`) was last rotated 2026-06-01 on a 90-day cadence, so it was due 2026-08-30: rotation is 95 days overdue; rotate it in Resend dashboard > API keys, then set `secrets.RESEND_API_KEY.rotatedAt`",
    );
  });

  it("blocks a generated secret left in an old rotation window", async () => {
    const run = await preview("generated-stale", config("production"));
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      heading("mandatory", "rotation-enforce-cadence", "random:index:RandomPassword: neon-migrations-url"),
    );
    expect(run.output).toContain(
      "`NEON_MIGRATIONS_URL` (`neon-migrations-url`) is still in window 2, but the current window is 3: rotation is 62 days overdue; run `pulumi up` to replace it",
    );
  });

  it("blocks a privileged database role", async () => {
    const run = await preview("privileged-role", config("production"));
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      heading("mandatory", "database-disallow-privileged-roles", "pulumi-nodejs:dynamic:Resource: role-admin"),
    );
    expect(run.output).toContain(
      "Postgres role `portal_admin` (`role-admin`) asks for SUPERUSER: app roles are least-privilege; set `superuser: false`",
    );
    expect(run.output).toContain(
      "Postgres role `portal_admin` (`role-admin`) is a member of `neon_superuser`, which grants CREATEROLE, CREATEDB, BYPASSRLS and pg_read_all_data: remove it from `inRoles`",
    );
  });

  it("blocks a staging stack that no longer mirrors production", async () => {
    const run = await preview("staging-drift", path.join(FIXTURES, "staging-drift", "policy-config.json"));
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      heading(
        "mandatory",
        "parity-require-staging-mirrors-production",
        "pulumi:pulumi:Stack: policy-fixture-staging-drift-e2e",
      ),
    );
    expect(run.output).toContain(
      "staging has database role(s) `stage_app_a`, `stage_app_b`, `stage_migrations`, `stage_readonly_a`, `stage_readonly_b`, which production (`test/e2e/fixtures/policies/staging-drift/Pulumi.production.yaml`) does not: use the same `database.rolePrefix`",
    );
  });

  it("only warns on local, where the policy config is advisory", async () => {
    const run = await preview("neon-abroad", config("local"));
    expect(run.output).toMatch(
      heading("advisory", "residency-require-au-region", "pulumi-nodejs:dynamic:Resource: neon-project"),
    );
    expect(run.code, run.output).toBe(0);
  });

  it("reads now from PORTAL_CLOCK: the compliant program turns overdue when the clock moves on", async () => {
    const run = await preview("compliant", config("production"), "2027-06-01T00:00:00Z");
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(
      heading("mandatory", "rotation-enforce-cadence", "pulumi-nodejs:dynamic:Resource: env-local"),
    );
    expect(run.output).toContain(
      "`CLERK_SECRET_KEY` (`env-local`) was last rotated 2026-11-20 on a 180-day cadence, so it was due 2027-05-19: rotation is 13 days overdue",
    );
  });
});
