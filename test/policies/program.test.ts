/**
 * The pack against the real program: every stack's resources, as the program registers them under
 * Pulumi mocks (test/support/program.ts), pass every rule. A rule that disagrees with the program's
 * contract (resource kinds, keeper fields, rotation comments, sample values) fails here rather than on
 * a shared stack's preview. Secrets are unwrapped first, as the policy SDK does.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ResourceValidationPolicy, StackValidationPolicy } from "../../policies/node_modules/@pulumi/policy";
import { RULES } from "../../policies/rules";
import { parityRequireStagingMirrorsProduction as parity } from "../../policies/rules/parity-require-staging-mirrors-production";
import { type ProgramRun, runProgram, unwrapSecrets } from "../support/program";
import { NOW } from "./fixtures";
import { type Res, validateResource, validateStack } from "./harness";

const STACKS = ["local", "dev", "staging", "production"] as const;
const runs = new Map<string, ProgramRun>();

beforeAll(async () => {
  vi.stubEnv("PORTAL_CLOCK", NOW);
  for (const stack of STACKS) runs.set(stack, await runProgram(stack, { now: new Date(NOW) }));
}, 120_000);
afterAll(() => {
  vi.unstubAllEnvs();
});

function resourcesOf(stack: string): Res[] {
  const run = runs.get(stack);
  if (!run) throw new Error(`no run of ${stack}`);
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    props: unwrapSecrets(r.inputs) as Record<string, unknown>,
  }));
}

const resourceRules = RULES.filter((r): r is ResourceValidationPolicy => "validateResource" in r);

describe.each(STACKS)("the %s stack's program", (stack) => {
  it("registers the resources the rules look at", () => {
    const types = new Set(resourcesOf(stack).map((r) => r.type));
    expect(types).toContain("random:index/randomPassword:RandomPassword");
    expect(types).toContain("pulumi-nodejs:dynamic:Resource");
    if (stack !== "local") {
      expect(types).toContain("vercel:index/project:Project");
      expect(types).toContain("vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable");
    }
  });

  it.each(resourceRules.map((r) => [r.name, r] as const))("passes %s", async (_, rule) => {
    const found: string[] = [];
    for (const res of resourcesOf(stack)) found.push(...(await validateResource(rule, res, { stack })).violations);
    expect(found).toEqual([]);
  });
});

it("staging's program mirrors production's stack file", async () => {
  const outcome = await validateStack(parity as StackValidationPolicy, resourcesOf("staging"), {
    config: { productionStackFile: "Pulumi.production.yaml" },
  });
  expect(outcome.violations).toEqual([]);
  expect(outcome.notApplicable).toBeUndefined();
});
