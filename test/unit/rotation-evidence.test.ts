import { describe, expect, it } from "vitest";
import type { ScheduleRow } from "../../components/lib/env-plan";
import { buildEvidence, renderMarkdown, renderTable, type StateResource } from "../../scripts/lib/rotation-evidence";

const NOW = new Date("2027-01-10T00:00:00Z");

const schedule: ScheduleRow[] = [
  {
    key: "NEON_DATABASE_URL",
    source: "generated",
    strategy: "alternating-users",
    cadenceDays: 90,
    maxCadenceDays: 90,
    windowStart: "2026-10-02T00:00:00.000Z",
    window: 3,
    generation: 1,
    generationReason: "2026-12-03: URL pasted in chat",
    nextDue: "2026-12-31T00:00:00.000Z",
    consumers: ["local:.env.local/NEON_DATABASE_URL", "postgres:role/portal_app_a", "postgres:role/portal_app_b"],
  },
  {
    key: "CLERK_SECRET_KEY",
    source: "vendor",
    strategy: "vendor-console",
    cadenceDays: 180,
    maxCadenceDays: 180,
    rotatedAt: "2026-10-20T00:00:00.000Z",
    nextDue: "2027-04-18T00:00:00.000Z",
    consumers: ["vercel:mm-portal/production/CLERK_SECRET_KEY"],
  },
];

const password = (slot: string, window: string, created: string): StateResource => ({
  urn: `urn:pulumi:local::portal-infra::random:index/randomPassword:RandomPassword::neon-database-url-${slot}`,
  type: "random:index/randomPassword:RandomPassword",
  inputs: { keepers: { secret: "NEON_DATABASE_URL", slot, window, generation: "1" } },
  outputs: { result: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" } },
  created,
  modified: created,
});

const state: StateResource[] = [
  password("a", "2", "2026-12-03T10:00:00Z"),
  password("b", "3", "2026-12-03T10:00:01Z"),
  {
    urn: "u1",
    type: "pulumi-nodejs:dynamic:Resource",
    inputs: { resourceKind: "portal:local:EnvFile" },
    modified: "2026-12-03T10:00:05Z",
  },
  {
    urn: "u2",
    type: "pulumi-nodejs:dynamic:Resource",
    inputs: { resourceKind: "portal:postgres:Role", name: "portal_app_a" },
    modified: "2026-12-03T10:00:03Z",
  },
  {
    urn: "u3",
    type: "pulumi-nodejs:dynamic:Resource",
    inputs: { resourceKind: "portal:postgres:Role", name: "portal_app_b" },
    modified: "2026-11-01T00:00:00Z",
  },
  {
    urn: "u4",
    type: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
    inputs: { key: "CLERK_SECRET_KEY", targets: ["production"] },
    modified: "2026-10-21T00:00:00Z",
  },
];

describe("rotation evidence", () => {
  const evidence = buildEvidence("local", schedule, state, NOW);

  it("dates a generated secret by the slot turned last, counts days overdue and checks each consumer", () => {
    expect(evidence.rows[0]).toEqual({
      key: "NEON_DATABASE_URL",
      source: "generated",
      strategy: "alternating-users",
      cadenceDays: 90,
      lastRotated: "2026-12-03T10:00:01Z",
      window: 3,
      generation: 1,
      nextDue: "2026-12-31T00:00:00.000Z",
      daysOverdue: 10,
      reason: "2026-12-03: URL pasted in chat",
      consumers: [
        { consumer: "local:.env.local/NEON_DATABASE_URL", modified: "2026-12-03T10:00:05Z", updated: true },
        { consumer: "postgres:role/portal_app_a", modified: "2026-12-03T10:00:03Z", updated: true },
        { consumer: "postgres:role/portal_app_b", modified: "2026-11-01T00:00:00Z", updated: false },
      ],
    });
    expect(evidence.rows[1]).toMatchObject({ lastRotated: "2026-10-20T00:00:00.000Z", daysOverdue: 0 });
    expect(evidence.rows[1].consumers).toEqual([
      { consumer: "vercel:mm-portal/production/CLERK_SECRET_KEY", modified: "2026-10-21T00:00:00Z", updated: true },
    ]);
  });

  it("renders a table and Markdown without any state value", () => {
    const table = renderTable(evidence);
    expect(table.split("\n")[2]).toMatch(
      /^NEON_DATABASE_URL\s+generated\s+90d\s+2026-12-03 10:00:01\s+3 \(g1\)\s+2026-12-31\s+10 days\s+2\/3\s+2026-12-03: URL pasted in chat$/,
    );
    const markdown = renderMarkdown(evidence);
    expect(markdown).toContain("- NOT updated since the rotation: `postgres:role/portal_app_b` (2026-11-01T00:00:00Z)");
    expect(markdown).toContain("### CLERK_SECRET_KEY (rotated in Clerk dashboard > API keys)");
    for (const text of [table, markdown, JSON.stringify(evidence)]) expect(text).not.toContain("v1:abc");
  });
});
