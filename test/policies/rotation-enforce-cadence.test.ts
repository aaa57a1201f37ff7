import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { KIND } from "../../components/lib/resource-kinds";
import { rotationEnforceCadence as rule } from "../../policies/rules/rotation-enforce-cadence";
import { dynamic, envFile, envVar, FRESH, generatedComment, NOW, randomPassword, vendorComment } from "./fixtures";
import { type Res, U, validateResource } from "./harness";

async function violations(res: Res): Promise<string[]> {
  return (await validateResource(rule, res)).violations;
}

beforeEach(() => {
  vi.stubEnv("PORTAL_CLOCK", NOW);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const REPLACE = "run `pulumi up` to replace it";

describe("rotation-enforce-cadence: compliant baselines", () => {
  it.each<[string, Res]>([
    ["single-slot RandomPassword in its current window", randomPassword("NEON_MIGRATIONS_URL")],
    ["two-slot RandomPassword, slot a", randomPassword("NEON_DATABASE_URL", { slot: "a" })],
    ["two-slot RandomPassword, slot b", randomPassword("NEON_DATABASE_URL", { slot: "b" })],
    [
      "two-slot secret whose slot b has not turned yet (window -1)",
      randomPassword("SHARE_LINK_HASH_SALT", { slot: "b" }),
    ],
    ["two-slot slot one window behind (still valid)", randomPassword("NEON_READONLY_URL", { slot: "a", window: 2 })],
    ["a shorter cadence than the catalogue's maximum", randomPassword("RESIDENCY_REPORT_SECRET", { cadenceDays: 30 })],
    [
      "RandomString that is no catalogue secret",
      { type: "random:index/randomString:RandomString", name: "suffix", props: { length: 6 } },
    ],
    ["vendor secret on production, recently rotated", envVar("CLERK_SECRET_KEY", "production")],
    ["vendor secret on preview, recently rotated", envVar("SENTRY_AUTH_TOKEN", "preview")],
    ["vendor secret's sample on development, no comment", envVar("RESEND_API_KEY", "development", { comment: "" })],
    [
      "generated secret's variable",
      envVar("NEON_DATABASE_URL", "production", { comment: generatedComment("NEON_DATABASE_URL") }),
    ],
    ["variable outside the catalogue", envVar("NEXT_PUBLIC_APP_NAME", "production", { comment: "" })],
    [
      "local env file with fresh comments",
      envFile({
        CLERK_SECRET_KEY: vendorComment("CLERK_SECRET_KEY", FRESH),
        NEON_DATABASE_URL: generatedComment("NEON_DATABASE_URL"),
      }),
    ],
    [
      "rotated exactly one cadence ago (due now, not yet overdue)",
      envVar("RESEND_API_KEY", "production", { comment: vendorComment("RESEND_API_KEY", "2026-09-04T00:00:00Z") }),
    ],
  ])("%s: no violations", async (_, res) => {
    expect(await violations(res)).toEqual([]);
  });
});

describe("rotation-enforce-cadence: generated secrets", () => {
  it("reports a cadence beyond the catalogue's maximum", async () => {
    expect(await violations(randomPassword("NEON_MIGRATIONS_URL", { cadenceDays: 120 }))).toEqual([
      "`NEON_MIGRATIONS_URL` (`neon-migrations-url`) rotates every 120 days; the catalogue allows at most 90 days: set `secrets.NEON_MIGRATIONS_URL.cadenceDays` to 90 or less",
    ]);
  });

  it("reports a single-slot secret left in an old window, with the days overdue", async () => {
    // Window 2 ended 2026-10-02 (anchor 2026-01-05 + 3 x 90 days); now is 2026-12-03.
    expect(await violations(randomPassword("NEON_MIGRATIONS_URL", { window: 2 }))).toEqual([
      `\`NEON_MIGRATIONS_URL\` (\`neon-migrations-url\`) is still in window 2, but the current window is 3: rotation is 62 days overdue; ${REPLACE}`,
    ]);
  });

  it("reports a slot of a two-slot secret more than one window behind", async () => {
    // Slot a turned in window 0, stayed valid through window 1, expired 2026-07-04.
    expect(await violations(randomPassword("NEON_DATABASE_URL", { slot: "a", window: 0 }))).toEqual([
      `\`NEON_DATABASE_URL\` slot a (\`neon-database-url-a\`) last turned in window 0, but the current window is 3 and a slot stays valid for one window after its turn: rotation is 152 days overdue; ${REPLACE}`,
    ]);
  });

  it("reports a window ahead of now", async () => {
    expect(await violations(randomPassword("NEON_MIGRATIONS_URL", { window: 4 }))).toEqual([
      "`NEON_MIGRATIONS_URL` (`neon-migrations-url`) is in window 4, ahead of the current window 3 at 2026-12-03T00:00:00.000Z: check `secrets.NEON_MIGRATIONS_URL.anchor` and PORTAL_CLOCK",
    ]);
  });

  it("reports an anchor after now", async () => {
    const res = randomPassword("NEON_MIGRATIONS_URL", { keepers: { anchor: "2027-01-01T00:00:00.000Z" } });
    expect(await violations(res)).toEqual([
      "`NEON_MIGRATIONS_URL` (`neon-migrations-url`) has keeper `anchor` 2027-01-01T00:00:00.000Z, after now (2026-12-03T00:00:00.000Z): windows count from a past instant; check `secrets.NEON_MIGRATIONS_URL.anchor` and PORTAL_CLOCK",
    ]);
  });

  it.each([
    ["cadenceDays", { cadenceDays: "ninety" }],
    ["cadenceDays", { cadenceDays: "0" }],
    ["anchor", { anchor: "last tuesday" }],
    ["window", { window: "1.5" }],
  ])("reports an invalid keeper `%s`", async (field, keepers) => {
    expect(await violations(randomPassword("NEON_MIGRATIONS_URL", { keepers }))).toEqual([
      `\`NEON_MIGRATIONS_URL\` (\`neon-migrations-url\`) has no valid keeper \`${field}\`: build the keepers with keepersFor() (components/lib/rotation.ts)`,
    ]);
  });

  it("reports a missing keeper", async () => {
    const res = randomPassword("NEON_MIGRATIONS_URL");
    delete (res.props.keepers as Record<string, unknown>).window;
    expect(await violations(res)).toEqual([
      "`NEON_MIGRATIONS_URL` (`neon-migrations-url`) has no valid keeper `window`: build the keepers with keepersFor() (components/lib/rotation.ts)",
    ]);
  });

  it("reports a slot other than a or b", async () => {
    expect(await violations(randomPassword("NEON_DATABASE_URL", { slot: "a", keepers: { slot: "c" } }))).toEqual([
      "`NEON_DATABASE_URL` slot c (`neon-database-url-a`) has no valid keeper `slot`: build the keepers with keepersFor() (components/lib/rotation.ts)",
    ]);
  });

  it.each(["window", "anchor", "cadenceDays", "slot"])("reports keeper `%s` unknown during preview", async (field) => {
    const res = randomPassword("NEON_DATABASE_URL", { slot: "b", keepers: { [field]: U.string } });
    // An unknown slot is not named; nothing else about the secret is claimed.
    const subject = field === "slot" ? "`NEON_DATABASE_URL`" : "`NEON_DATABASE_URL` slot b";
    expect(await violations(res)).toEqual([
      `${subject} (\`neon-database-url-b\`): keeper \`${field}\` is unknown during preview, so its rotation can't be verified: keepers must be plain values known at preview (keepersFor)`,
    ]);
  });

  it("reports keepers unknown during preview", async () => {
    const res: Res = {
      type: "random:index/randomPassword:RandomPassword",
      name: "pw",
      props: { length: 40, keepers: U.object },
    };
    expect(await violations(res)).toEqual([
      "`pw`: keeper `secret` is unknown during preview, so the secret can't be matched to the catalogue: keepers must be plain values (keepersFor)",
    ]);
  });

  it("reports a generated secret outside the catalogue", async () => {
    expect(await violations(randomPassword("NEON_MIGRATIONS_URL", { keepers: { secret: "NEON_ADMIN_URL" } }))).toEqual([
      "`neon-migrations-url` has keeper `secret` `NEON_ADMIN_URL`, which is not in the secret catalogue: fix the spelling, or add it to components/lib/catalogue.ts first",
    ]);
  });

  it("reports a vendor-issued secret made by a random resource", async () => {
    expect(
      await violations(randomPassword("NEON_MIGRATIONS_URL", { keepers: { secret: "CLERK_SECRET_KEY" } })),
    ).toEqual([
      "`neon-migrations-url` generates `CLERK_SECRET_KEY`, which is vendor-issued: rotate it in Clerk dashboard > API keys and record `secrets.CLERK_SECRET_KEY.rotatedAt` instead",
    ]);
  });
});

describe("rotation-enforce-cadence: vendor-issued secrets on Vercel", () => {
  const subject = "`CLERK_SECRET_KEY` (`mm-portal-clerk-secret-key-production`)";
  const clerk = (props: Record<string, unknown>) => envVar("CLERK_SECRET_KEY", "production", props);

  it("reports an overdue secret with the days overdue, never its value", async () => {
    const found = await violations(clerk({ comment: vendorComment("CLERK_SECRET_KEY", "2026-05-01") }));
    expect(found).toEqual([
      `${subject} was last rotated 2026-05-01 on a 180-day cadence, so it was due 2026-10-28: rotation is 36 days overdue; rotate it in Clerk dashboard > API keys, then set \`secrets.CLERK_SECRET_KEY.rotatedAt\``,
    ]);
    expect(found.join("\n")).not.toContain("s3cr3t");
  });

  it("reports an overdue secret on preview too", async () => {
    const res = envVar("MUX_TOKEN_SECRET", "preview", { comment: vendorComment("MUX_TOKEN_SECRET", "2026-08-01") });
    expect(await violations(res)).toEqual([
      "`MUX_TOKEN_SECRET` (`mm-portal-mux-token-secret-preview`) was last rotated 2026-08-01 on a 120-day cadence, so it was due 2026-11-29: rotation is 4 days overdue; rotate it in Mux dashboard > Settings > Access tokens, then set `secrets.MUX_TOKEN_SECRET.rotatedAt`",
    ]);
  });

  it("reports a cadence beyond the maximum, and does not let it buy time", async () => {
    expect(await violations(clerk({ comment: vendorComment("CLERK_SECRET_KEY", "2026-05-01", 365) }))).toEqual([
      `${subject} rotates every 365 days; the catalogue allows at most 180 days: set \`secrets.CLERK_SECRET_KEY.cadenceDays\` to 180 or less`,
      `${subject} was last rotated 2026-05-01 on a 180-day cadence, so it was due 2026-10-28: rotation is 36 days overdue; rotate it in Clerk dashboard > API keys, then set \`secrets.CLERK_SECRET_KEY.rotatedAt\``,
    ]);
  });

  const noComment = `${subject} carries no rotation comment in \`comment\`, so when it was last rotated can't be checked: set it to rotationComment() of \`secrets.CLERK_SECRET_KEY\``;
  it("reports a missing comment", async () => {
    const res = clerk({});
    delete res.props.comment;
    expect(await violations(res)).toEqual([noComment]);
  });

  it("reports a comment that is not rotation metadata", async () => {
    expect(await violations(clerk({ comment: "Clerk server key" }))).toEqual([noComment]);
  });

  it("reports a rotation comment without rotatedAt", async () => {
    expect(
      await violations(clerk({ comment: "rotation source=vendor cadence=180d nextDue=2027-01-01T00:00:00.000Z" })),
    ).toEqual([
      `${subject} has a rotation comment without a valid \`rotatedAt\`: set \`secrets.CLERK_SECRET_KEY.rotatedAt\` to the date of its last rotation in Clerk dashboard > API keys`,
    ]);
  });

  it("reports a rotation comment without cadence", async () => {
    expect(await violations(clerk({ comment: "rotation source=vendor rotatedAt=2026-11-01T00:00:00.000Z" }))).toEqual([
      `${subject} has a rotation comment without a valid \`cadence\`: set \`secrets.CLERK_SECRET_KEY.cadenceDays\` (at most 180)`,
    ]);
  });

  it("reports a rotation date after now", async () => {
    expect(await violations(clerk({ comment: vendorComment("CLERK_SECRET_KEY", "2027-02-01") }))).toEqual([
      `${subject} claims it was rotated 2027-02-01T00:00:00.000Z, after now (2026-12-03T00:00:00.000Z): set \`secrets.CLERK_SECRET_KEY.rotatedAt\` to the real date of its last rotation`,
    ]);
  });

  it("reports a comment unknown during preview", async () => {
    expect(await violations(clerk({ comment: U.string }))).toEqual([
      `${subject}: \`comment\` is unknown during preview, so when it was last rotated can't be verified: set it from rotationComment(), a plain value known at preview`,
    ]);
  });

  it("reports a key unknown during preview", async () => {
    expect(await violations(clerk({ key: U.string }))).toEqual([
      "Vercel variable `mm-portal-clerk-secret-key-production`: `key` is unknown during preview, so it can't be matched to the secret catalogue: set the key as a literal",
    ]);
  });

  it("reports targets unknown during preview", async () => {
    expect(await violations(clerk({ targets: U.array }))).toEqual([
      `${subject}: \`targets\` is unknown during preview, so whether it holds a real secret can't be verified: set the targets as literals`,
    ]);
  });
});

describe("rotation-enforce-cadence: vendor-issued secrets in the local env file", () => {
  it("reports an overdue secret", async () => {
    const res = envFile({ RESEND_API_KEY: vendorComment("RESEND_API_KEY", "2026-06-01") });
    expect(await violations(res)).toEqual([
      "`RESEND_API_KEY` (`env-local`) was last rotated 2026-06-01 on a 90-day cadence, so it was due 2026-08-30: rotation is 95 days overdue; rotate it in Resend dashboard > API keys, then set `secrets.RESEND_API_KEY.rotatedAt`",
    ]);
  });

  it("reports a vendor key written without a comment", async () => {
    const res = envFile({}, { MUX_TOKEN_ID: "sample-mux-token-id-not-a-secret" });
    expect(await violations(res)).toEqual([
      "`MUX_TOKEN_ID` (`env-local`) carries no rotation comment in `comments.MUX_TOKEN_ID`, so when it was last rotated can't be checked: set it to rotationComment() of `secrets.MUX_TOKEN_ID`",
    ]);
  });

  it("reports one comment unknown during preview", async () => {
    expect(await violations(envFile({ SENTRY_AUTH_TOKEN: U.string }))).toEqual([
      "`SENTRY_AUTH_TOKEN` (`env-local`): `comments.SENTRY_AUTH_TOKEN` is unknown during preview, so when it was last rotated can't be verified: set it from rotationComment(), a plain value known at preview",
    ]);
  });

  it("reports all comments unknown during preview", async () => {
    const res = dynamic(KIND.envFile, "env-local", {
      path: "/work/main/.env.local",
      entries: U.object,
      comments: U.object,
    });
    expect(await violations(res)).toEqual([
      "`env-local` (portal:local:EnvFile): `comments` is unknown during preview, so rotation dates can't be verified: pass rotationComment() strings, plain values known at preview",
    ]);
  });
});

describe("rotation-enforce-cadence: the clock", () => {
  it("takes now from PORTAL_CLOCK, so moving the clock turns a fresh secret overdue", async () => {
    const res = envVar("RESEND_API_KEY", "production", { comment: vendorComment("RESEND_API_KEY", FRESH) });
    expect(await violations(res)).toEqual([]);
    vi.stubEnv("PORTAL_CLOCK", "2027-03-01T00:00:00Z");
    expect(await violations(res)).toEqual([
      "`RESEND_API_KEY` (`mm-portal-resend-api-key-production`) was last rotated 2026-11-20 on a 90-day cadence, so it was due 2027-02-18: rotation is 11 days overdue; rotate it in Resend dashboard > API keys, then set `secrets.RESEND_API_KEY.rotatedAt`",
    ]);
  });
});
