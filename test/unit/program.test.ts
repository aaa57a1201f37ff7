/**
 * The program per tier, under Pulumi mocks, with each committed stack file loaded as Pulumi would.
 */
import { describe, expect, it } from "vitest";
import { CATALOGUE, envKeysOf } from "../../components/lib/catalogue";
import { sampleValue } from "../../components/lib/env-plan";
import { KIND } from "../../components/lib/resource-kinds";
import { isSecretWrapper, type ProgramRun, plainStrings, runProgram, unwrapSecrets } from "../support/program";
import { loadStackConfigFile } from "../support/stacks";

const NOW = new Date("2026-12-03T00:00:00Z");
const PROJECT = "vercel:index/project:Project";
const ENV_VAR = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const ALL_ENV_KEYS = CATALOGUE.flatMap(envKeysOf);

const runs = new Map<string, Promise<ProgramRun>>();
function run(stack: string): Promise<ProgramRun> {
  if (!runs.has(stack)) runs.set(stack, runProgram(stack, { now: NOW }));
  return runs.get(stack) as Promise<ProgramRun>;
}

function stackVercel(stack: string) {
  return JSON.parse(loadStackConfigFile(stack).values["portal-infra:vercel"]) as {
    projects: Array<{ name: string; targets: string[] }>;
  };
}

describe.each(["local", "dev", "staging", "production"])("the %s stack", (stack) => {
  it("never puts a secret value in an input or output that is not marked secret", async () => {
    const { resources, outputs, secretValues } = await run(stack);
    expect(secretValues.length).toBeGreaterThan(9);
    const leaks = resources.flatMap((r) =>
      plainStrings(r.inputs)
        .filter((s) => secretValues.some((secret) => s.value.includes(secret)))
        .map((s) => `${r.type} ${r.name} ${s.path}`),
    );
    expect(leaks).toEqual([]);
    const outputText = JSON.stringify(outputs);
    expect(secretValues.filter((secret) => outputText.includes(secret))).toEqual([]);
  });

  it("rotates every generated secret by keepers: one random resource per slot, with the current window", async () => {
    const { byType } = await run(stack);
    const keepers = byType(PASSWORD).map((r) => r.inputs.keepers as Record<string, string>);
    const slots = keepers.map((k) => `${k.secret}/${k.slot ?? "-"}/w${k.window}`).sort();
    // Anchor 2026-01-05: on 2026-12-03 the 90-day secrets are in window 3 (slot b turned), the 180-day
    // one in window 1, the 365-day one in window 0 (slot b not yet turned).
    expect(slots).toEqual([
      "NEON_DATABASE_URL/a/w2",
      "NEON_DATABASE_URL/b/w3",
      "NEON_MIGRATIONS_URL/-/w3",
      "NEON_READONLY_URL/a/w2",
      "NEON_READONLY_URL/b/w3",
      "RESIDENCY_REPORT_SECRET/a/w0",
      "RESIDENCY_REPORT_SECRET/b/w1",
      "SHARE_LINK_HASH_SALT/a/w0",
      "SHARE_LINK_HASH_SALT/b/w-1",
    ]);
  });

  it("exports a schedule that matches the catalogue, with no values", async () => {
    const { outputs } = await run(stack);
    const schedule = outputs.schedule as Array<Record<string, unknown>>;
    expect(schedule.map((row) => [row.key, row.source, row.maxCadenceDays])).toEqual(
      CATALOGUE.map((e) => [e.key, e.source, e.maxCadenceDays]),
    );
    const clerk = schedule.find((row) => row.key === "CLERK_SECRET_KEY");
    expect(clerk).toMatchObject({
      cadenceDays: 180,
      rotatedAt: "2026-10-20T00:00:00.000Z",
      nextDue: "2027-04-18T00:00:00.000Z",
    });
    const migrations = schedule.find((row) => row.key === "NEON_MIGRATIONS_URL");
    expect(migrations).toMatchObject({
      cadenceDays: 90,
      window: 3,
      windowStart: "2026-10-02T00:00:00.000Z",
      nextDue: "2026-12-31T00:00:00.000Z",
      consumers: expect.arrayContaining(["postgres:role/portal_migrations"]),
    });
    for (const row of schedule) expect((row.consumers as string[]).length).toBeGreaterThan(0);
    expect(outputs.tier).toBe(stack);
    expect(outputs.regions).toEqual(
      stack === "local" ? { neon: "local", vercel: "none" } : { neon: "aws-ap-southeast-2", vercel: "syd1" },
    );
  });
});

describe("the local stack", () => {
  it("declares no Vercel resource and writes .env.local with every key and its rotation comment", async () => {
    const { resources, byKind } = await run("local");
    expect(resources.filter((r) => r.type.startsWith("vercel:"))).toEqual([]);
    const [envFile] = byKind(KIND.envFile);
    expect(envFile.inputs.path).toMatch(/\/\.env\.local$/);
    expect(isSecretWrapper(envFile.inputs.entries)).toBe(true);
    const entries = (envFile.inputs.entries as { value: Record<string, unknown> }).value;
    expect(Object.keys(entries).sort()).toEqual([...ALL_ENV_KEYS].sort());
    const comments = envFile.inputs.comments as Record<string, string>;
    expect(Object.keys(comments).sort()).toEqual([...ALL_ENV_KEYS].sort());
    expect(comments.CLERK_SECRET_KEY).toBe(
      "rotation source=vendor cadence=180d rotatedAt=2026-10-20T00:00:00.000Z nextDue=2027-04-18T00:00:00.000Z",
    );
    expect(envFile.options.additionalSecretOutputs).toContain("entries");
  });
});

describe.each(["dev", "staging", "production"])("the %s stack on Vercel", (stack) => {
  it("pins each project to syd1 with failover off and no deprecated region field", async () => {
    const { byType } = await run(stack);
    const projects = byType(PROJECT);
    expect(projects.map((p) => p.inputs.name)).toEqual(stackVercel(stack).projects.map((p) => p.name));
    for (const project of projects) {
      expect(project.inputs.resourceConfig).toEqual({ functionDefaultRegions: ["syd1"] });
      expect(project.inputs.functionFailover).toBe(false);
      expect(project.inputs).not.toHaveProperty("serverlessFunctionRegion");
    }
  });

  it("declares one variable per key and target: sensitive secrets, samples on development", async () => {
    const { byType } = await run(stack);
    const vars = byType(ENV_VAR);
    const targets = stackVercel(stack).projects[0].targets;
    expect(vars).toHaveLength(ALL_ENV_KEYS.length * targets.length);
    expect(new Set(vars.map((v) => `${v.inputs.key}/${(v.inputs.targets as string[]).join(",")}`)).size).toBe(
      vars.length,
    );
    for (const v of vars) {
      const [target] = v.inputs.targets as string[];
      expect(v.inputs.targets).toHaveLength(1);
      expect(v.options.deleteBeforeReplace).toBe(true);
      expect(v.inputs.comment).toMatch(/^rotation source=(generated|vendor) cadence=\d+d .*nextDue=/);
      if (target === "development") {
        expect(v.inputs.sensitive).toBe(false);
        // The Vercel SDK marks every `value` secret; what matters is that it is the sample.
        expect(unwrapSecrets(v.inputs.value)).toBe(sampleValue(v.inputs.key as string));
      } else {
        expect(v.inputs.sensitive).toBe(true);
        expect(isSecretWrapper(v.inputs.value)).toBe(true);
      }
    }
  });

  it("never gives the development target a real secret", async () => {
    const { byType, secretValues } = await run(stack);
    const development = byType(ENV_VAR).filter((v) => (v.inputs.targets as string[]).includes("development"));
    expect(development.length).toBe(stack === "dev" ? ALL_ENV_KEYS.length : 0);
    for (const v of development) {
      expect(secretValues.some((secret) => String(unwrapSecrets(v.inputs.value)).includes(secret))).toBe(false);
    }
  });
});

describe("config errors", () => {
  it("stop the program before any resource registers", async () => {
    const loaded = loadStackConfigFile("production");
    const neon = JSON.parse(loaded.values["portal-infra:neon"]);
    const resources: string[] = [];
    await expect(
      runProgram("production", {
        now: NOW,
        config: { "portal-infra:neon": JSON.stringify({ ...neon, region: "aws-us-east-1" }) },
        outputsFor: (r) => {
          resources.push(r.name);
          return {};
        },
      }),
    ).rejects.toThrow("`neon.region` is `aws-us-east-1`; data must stay in Australia: use `aws-ap-southeast-2`");
    expect(resources).toEqual([]);
  });
});

describe("redeploy after rotation and break-glass copies", () => {
  const COMMAND = "command:local:Command";
  const ITEM = "onepassword:index/item:Item";

  it.each(["dev", "staging", "production"])(
    "%s calls each project's deploy hook, triggered by versions only",
    async (stack) => {
      const { byType, secretValues } = await run(stack);
      const [call, ...others] = byType(COMMAND);
      expect(others).toEqual([]);
      expect(call.name).toBe(`${stackVercel(stack).projects[0].name}-redeploy-call`);
      // The hook URL is a credential: nothing in the command's environment is in the clear.
      expect(plainStrings(call.inputs.environment)).toEqual([]);
      const triggers = call.inputs.triggers as string[];
      expect(triggers.map((t) => t.split(":")[0]).sort()).toEqual([...ALL_ENV_KEYS].sort());
      expect(triggers).toContain("NEON_DATABASE_URL:w3.g0");
      expect(triggers).toContain("CLERK_SECRET_KEY:2026-10-20T00:00:00.000Z.g0");
      expect(secretValues.filter((secret) => JSON.stringify(triggers).includes(secret))).toEqual([]);
    },
  );

  it("the triggers change when a window turns and only then", async () => {
    const triggersAt = async (now: string) => {
      const { byType } = await runProgram("dev", { now: new Date(now) });
      return byType(COMMAND)[0].inputs.triggers as string[];
    };
    // One run at a time: the mocks runtime is global.
    const early = await triggersAt("2026-11-05T00:00:00Z");
    const late = await triggersAt("2026-12-30T23:59:59Z");
    const turned = await triggersAt("2026-12-31T00:00:00Z");
    expect(late).toEqual(early);
    expect(turned.filter((t) => !early.includes(t)).sort()).toEqual([
      "NEON_DATABASE_URL:w4.g0",
      "NEON_MIGRATIONS_URL:w4.g0",
      "NEON_READONLY_URL:w4.g0",
      "RESIDENCY_REPORT_SECRET:w2.g0",
      "RESIDENCY_REPORT_SECRET_PREVIOUS:w2.g0",
    ]);
  });

  it("production copies every variable into the break-glass vault, values secret; other tiers copy none", async () => {
    const production = await run("production");
    const items = production.byType(ITEM);
    expect(items.map((i) => i.inputs.title).sort()).toEqual(ALL_ENV_KEYS.map((k) => `portal/production/${k}`).sort());
    for (const item of items) {
      expect(item.inputs.vault).toBe("placeholder-vault-uuid-mmportalbreakglass");
      expect(isSecretWrapper(item.inputs.password)).toBe(true);
      expect(JSON.stringify(item.inputs.sections)).toMatch(/rotation source=/);
    }
    const schedule = production.outputs.schedule as Array<{ key: string; consumers: string[] }>;
    expect(schedule.find((row) => row.key === "SHARE_LINK_HASH_SALT")?.consumers).toEqual([
      "vercel:mm-portal/production/SHARE_LINK_HASH_SALT",
      "vercel:mm-portal/production/SHARE_LINK_HASH_SALT_PREVIOUS",
      "1password:portal/production/SHARE_LINK_HASH_SALT",
      "1password:portal/production/SHARE_LINK_HASH_SALT_PREVIOUS",
    ]);
    for (const stack of ["local", "dev", "staging"]) expect((await run(stack)).byType(ITEM)).toEqual([]);
  });
});

describe.each([
  ["dev", { lifecycle: "shared", protected: false }, { name: "dev", parent: "production", protected: false }],
  ["staging", { lifecycle: "shared", protected: false }, { name: "staging", parent: "production", protected: false }],
  ["production", { lifecycle: "owned", protected: true }, { name: "production", protected: true }],
])("the %s stack on Neon", (stack, project, branch) => {
  it("declares the AU project, its tier's branch and a read-write endpoint; production's are protected", async () => {
    const { byKind } = await run(stack);
    const [neonProject] = byKind(KIND.neonProject);
    expect(neonProject.inputs).toMatchObject({
      name: "mm-portal",
      regionId: "aws-ap-southeast-2",
      pgVersion: 17,
      ...project,
    });
    expect(neonProject.options.protect).toBe(project.protected);
    const [neonBranch, ...moreBranches] = byKind(KIND.neonBranch);
    expect(moreBranches).toEqual([]);
    expect(neonBranch.inputs).toMatchObject(branch);
    if (!("parent" in branch)) expect(neonBranch.inputs).not.toHaveProperty("parent");
    expect(neonBranch.options.protect).toBe(branch.protected);
    const [endpoint] = byKind(KIND.neonEndpoint);
    expect(endpoint.inputs.type).toBe("read_write");
    expect(endpoint.options.additionalSecretOutputs).toEqual(["adminUri"]);
  });

  it("creates the roles with SQL, never through Neon's role API, none privileged", async () => {
    const { resources, byKind } = await run(stack);
    expect(resources.filter((r) => r.type.startsWith("neon:"))).toEqual([]);
    const roles = byKind(KIND.postgresRole);
    expect(roles.map((r) => r.inputs.name).sort()).toEqual([
      "portal_app_a",
      "portal_app_b",
      "portal_migrations",
      "portal_readonly_a",
      "portal_readonly_b",
    ]);
    for (const role of roles) {
      expect(role.inputs).toMatchObject({
        superuser: false,
        createRole: false,
        createDb: false,
        replication: false,
        bypassRls: false,
        inRoles: [],
      });
    }
  });
});
