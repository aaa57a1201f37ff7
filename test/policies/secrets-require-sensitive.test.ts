import { describe, expect, it } from "vitest";
import { sampleValue } from "../../components/lib/env-plan";
import { secretsRequireSensitive as rule } from "../../policies/rules/secrets-require-sensitive";
import { envVar, neonProject, vercelProject } from "./fixtures";
import { type Res, U, validateResource } from "./harness";

async function violations(res: Res): Promise<string[]> {
  return (await validateResource(rule, res)).violations;
}

const SET_SENSITIVE = "but is not sensitive: set `sensitive: true` so Vercel never shows its value again";
// A URL with credentials, shaped like Neon's but on a reserved host so no scanner takes it for a real one.
const CREDENTIALS_URL =
  "postgresql://portal_app_a:hunter2hunter2@ep-calm-sky.ap-southeast-2.aws.example.invalid/portal";

describe("secrets-require-sensitive: compliant baselines", () => {
  it.each<[string, Res]>([
    ["catalogue secret on production, sensitive", envVar("CLERK_SECRET_KEY", "production")],
    ["catalogue secret on preview, sensitive", envVar("NEON_DATABASE_URL", "preview")],
    [
      "generated secret unknown during preview, sensitive",
      envVar("SHARE_LINK_HASH_SALT", "production", { value: U.string }),
    ],
    ["catalogue secret's sample on development", envVar("RESEND_API_KEY", "development")],
    ["previous-value key's sample on development", envVar("SHARE_LINK_HASH_SALT_PREVIOUS", "development")],
    [
      "database URL sample for another database",
      envVar("NEON_READONLY_URL", "development", { value: sampleValue("NEON_READONLY_URL", "portal_test") }),
    ],
    [
      "plain variable on production, not sensitive",
      envVar("NEXT_PUBLIC_APP_NAME", "production", { value: "Portal", sensitive: false }),
    ],
    ["plain variable on development", envVar("NEXT_PUBLIC_APP_NAME", "development", { value: "Portal (dev)" })],
    [
      "URL without credentials, not sensitive",
      envVar("APP_URL", "production", { value: "https://portal.example.com.au", sensitive: false }),
    ],
    [
      "secret on a custom environment, sensitive",
      envVar("MUX_TOKEN_ID", "production", { targets: [], customEnvironmentIds: ["env_staging"] }),
    ],
    ["write-only value, sensitive", envVar("CLERK_SECRET_KEY", "production", { value: undefined, valueWo: U.string })],
    ["Vercel project", vercelProject()],
    ["Neon project", neonProject()],
  ])("%s: no violations", async (_, res) => {
    expect(await violations(res)).toEqual([]);
  });
});

describe("secrets-require-sensitive: preview, production and custom environments", () => {
  it("reports a catalogue secret that is not sensitive", async () => {
    expect(await violations(envVar("CLERK_SECRET_KEY", "production", { sensitive: false }))).toEqual([
      `Vercel variable \`CLERK_SECRET_KEY\` (\`mm-portal-clerk-secret-key-production\`) is in the secret catalogue and targets production, ${SET_SENSITIVE}`,
    ]);
  });

  it("reports a catalogue secret whose sensitivity is left unset", async () => {
    const res = envVar("NEON_DATABASE_URL", "preview");
    delete res.props.sensitive;
    expect(await violations(res)).toEqual([
      `Vercel variable \`NEON_DATABASE_URL\` (\`mm-portal-neon-database-url-preview\`) is in the secret catalogue and targets preview, ${SET_SENSITIVE}`,
    ]);
  });

  it("reports a variable named like a secret, outside the catalogue", async () => {
    expect(await violations(envVar("STRIPE_SECRET_KEY", "preview", { sensitive: false }))).toEqual([
      `Vercel variable \`STRIPE_SECRET_KEY\` (\`mm-portal-stripe-secret-key-preview\`) is named like a secret and targets preview, ${SET_SENSITIVE}`,
    ]);
  });

  it("reports a URL carrying credentials, without showing it", async () => {
    const found = await violations(envVar("DATABASE_URL", "production", { value: CREDENTIALS_URL, sensitive: false }));
    expect(found).toEqual([
      `Vercel variable \`DATABASE_URL\` (\`mm-portal-database-url-production\`) holds a URL carrying credentials and targets production, ${SET_SENSITIVE}`,
    ]);
    expect(found.join("\n")).not.toContain("hunter2");
  });

  it("reports a secret on a custom environment that is not sensitive", async () => {
    const res = envVar("MUX_TOKEN_ID", "production", {
      targets: [],
      customEnvironmentIds: ["env_staging"],
      sensitive: false,
    });
    expect(await violations(res)).toEqual([
      `Vercel variable \`MUX_TOKEN_ID\` (\`mm-portal-mux-token-id-production\`) is in the secret catalogue and targets custom environments, ${SET_SENSITIVE}`,
    ]);
  });

  it("reports sensitivity unknown during preview", async () => {
    expect(await violations(envVar("CLERK_SECRET_KEY", "production", { sensitive: U.boolean }))).toEqual([
      "Vercel variable `CLERK_SECRET_KEY` (`mm-portal-clerk-secret-key-production`): `sensitive` is unknown during preview, so whether its value is write-only can't be verified: set `sensitive: true` as a literal",
    ]);
  });

  it("reports a plain-named variable whose value is unknown during preview and not sensitive", async () => {
    expect(await violations(envVar("DATABASE_URL", "production", { value: U.string, sensitive: false }))).toEqual([
      "Vercel variable `DATABASE_URL` (`mm-portal-database-url-production`): `value` is unknown during preview, so whether it carries credentials can't be verified: set `sensitive: true`, or give `DATABASE_URL` a literal value",
    ]);
  });

  it("reports a key unknown during preview", async () => {
    expect(await violations(envVar("CLERK_SECRET_KEY", "production", { key: U.string }))).toEqual([
      "Vercel variable `mm-portal-clerk-secret-key-production`: `key` is unknown during preview, so whether it holds a secret can't be verified: set the key as a literal",
    ]);
  });

  it("reports targets unknown during preview", async () => {
    expect(await violations(envVar("CLERK_SECRET_KEY", "production", { targets: U.array }))).toEqual([
      "Vercel variable `CLERK_SECRET_KEY` (`mm-portal-clerk-secret-key-production`): `targets` is unknown during preview, so where its value goes can't be verified: set the targets as literals",
    ]);
  });

  it("reports one target unknown during preview", async () => {
    expect(await violations(envVar("CLERK_SECRET_KEY", "production", { targets: ["production", U.string] }))).toEqual([
      "Vercel variable `CLERK_SECRET_KEY` (`mm-portal-clerk-secret-key-production`): `targets` is unknown during preview, so where its value goes can't be verified: set the targets as literals",
    ]);
  });

  it("reports custom environments unknown during preview", async () => {
    expect(await violations(envVar("CLERK_SECRET_KEY", "production", { customEnvironmentIds: U.array }))).toEqual([
      "Vercel variable `CLERK_SECRET_KEY` (`mm-portal-clerk-secret-key-production`): `customEnvironmentIds` is unknown during preview, so where its value goes can't be verified: set the targets as literals",
    ]);
  });
});

describe("secrets-require-sensitive: development holds samples only", () => {
  const samplesOnly = "development gets sample values only";

  it("reports a catalogue secret on development with a real value, without showing it", async () => {
    const found = await violations(envVar("CLERK_SECRET_KEY", "development", { value: "sk_live_abc123" }));
    expect(found).toEqual([
      `Vercel variable \`CLERK_SECRET_KEY\` (\`mm-portal-clerk-secret-key-development\`) targets development with a value that is not its sample: ${samplesOnly}; use \`sampleValue("CLERK_SECRET_KEY")\``,
    ]);
    expect(found.join("\n")).not.toContain("sk_live");
  });

  it("reports a previous value of a catalogue secret on development with a real value", async () => {
    expect(
      await violations(envVar("SHARE_LINK_HASH_SALT_PREVIOUS", "development", { value: "previous-real-salt" })),
    ).toEqual([
      `Vercel variable \`SHARE_LINK_HASH_SALT_PREVIOUS\` (\`mm-portal-share-link-hash-salt-previous-development\`) targets development with a value that is not its sample: ${samplesOnly}; use \`sampleValue("SHARE_LINK_HASH_SALT_PREVIOUS")\``,
    ]);
  });

  it("reports the production database URL on development", async () => {
    expect(await violations(envVar("NEON_DATABASE_URL", "development", { value: CREDENTIALS_URL }))).toEqual([
      `Vercel variable \`NEON_DATABASE_URL\` (\`mm-portal-neon-database-url-development\`) targets development with a value that is not its sample: ${samplesOnly}; use \`sampleValue("NEON_DATABASE_URL")\``,
    ]);
  });

  it("reports a catalogue secret on development whose value is another resource's output", async () => {
    expect(await violations(envVar("SHARE_LINK_HASH_SALT", "development", { value: U.string }))).toEqual([
      `Vercel variable \`SHARE_LINK_HASH_SALT\` (\`mm-portal-share-link-hash-salt-development\`) targets development and its \`value\` is unknown during preview, i.e. another resource's output, likely a real secret: ${samplesOnly}; use \`sampleValue("SHARE_LINK_HASH_SALT")\``,
    ]);
  });

  it("reports a secret-named variable on development whose value is another resource's output", async () => {
    expect(await violations(envVar("STRIPE_SECRET_KEY", "development", { value: U.string }))).toEqual([
      `Vercel variable \`STRIPE_SECRET_KEY\` (\`mm-portal-stripe-secret-key-development\`) targets development and its \`value\` is unknown during preview, i.e. another resource's output, likely a real secret: ${samplesOnly}; use a sample value`,
    ]);
  });

  it("reports a URL carrying credentials on development", async () => {
    expect(
      await violations(envVar("REDIS_URL", "development", { value: "redis://default:hunter2@cache.internal:6379" })),
    ).toEqual([
      `Vercel variable \`REDIS_URL\` (\`mm-portal-redis-url-development\`) targets development with a URL carrying credentials: ${samplesOnly}; use a sample value`,
    ]);
  });

  it("reports a plain-named variable on development whose value is unknown during preview", async () => {
    expect(await violations(envVar("APP_URL", "development", { value: U.string }))).toEqual([
      `Vercel variable \`APP_URL\` (\`mm-portal-app-url-development\`): \`value\` is unknown during preview, so whether it carries credentials can't be verified: ${samplesOnly}: give it a literal value`,
    ]);
  });

  it("reports one secret shared between development and production", async () => {
    const res = envVar("RESEND_API_KEY", "production", { targets: ["development", "production"], sensitive: false });
    expect(await violations(res)).toEqual([
      `Vercel variable \`RESEND_API_KEY\` (\`mm-portal-resend-api-key-production\`) is in the secret catalogue and targets production, ${SET_SENSITIVE}`,
      "Vercel variable `RESEND_API_KEY` (`mm-portal-resend-api-key-production`) is in the secret catalogue and shares one value between development and production, so a real secret would reach development: declare one variable per target",
    ]);
  });
});
