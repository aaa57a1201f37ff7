import { describe, expect, it } from "vitest";
import { parseStackConfig, type RawConfig, StackConfigError } from "../../components/lib/stack-config";
import { loadStackConfigFile, STACKS } from "../support/stacks";

const NOW = new Date("2026-12-03T00:00:00Z");

function raw(
  stack: string,
  edit: (values: Record<string, string>, secretKeys: Set<string>) => void = () => {},
): RawConfig {
  const loaded = loadStackConfigFile(stack);
  const values = { ...loaded.values };
  const secretKeys = new Set(loaded.secretKeys);
  edit(values, secretKeys);
  return { stack, values, secretKeys };
}

// biome-ignore lint/suspicious/noExplicitAny: the cases reach into arbitrary config JSON to break one field.
type EditableJson = any;

function editJson(values: Record<string, string>, key: string, edit: (obj: EditableJson) => void) {
  const obj = JSON.parse(values[`portal-infra:${key}`]);
  edit(obj);
  values[`portal-infra:${key}`] = JSON.stringify(obj);
}

function problemsOf(config: RawConfig): readonly string[] {
  try {
    parseStackConfig(config, NOW);
  } catch (err) {
    if (err instanceof StackConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("the committed stack files", () => {
  it.each(STACKS)("%s parses with no problems", (stack) => {
    const config = parseStackConfig(raw(stack), NOW);
    expect(config.tier).toBe(stack);
    expect(config.secrets.map((s) => s.entry.key)).toHaveLength(10);
  });
});

describe("bad config fails with one message per problem, naming the field and the fix", () => {
  it("a Neon region outside Australia", () => {
    const problems = problemsOf(raw("production", (v) => editJson(v, "neon", (n) => (n.region = "aws-us-east-1"))));
    expect(problems).toEqual([
      "`neon.region` is `aws-us-east-1`; data must stay in Australia: use `aws-ap-southeast-2`",
    ]);
  });

  it("a Vercel region other than syd1", () => {
    const problems = problemsOf(raw("staging", (v) => editJson(v, "vercel", (c) => (c.regions = ["syd1", "iad1"]))));
    expect(problems).toEqual(["`vercel.regions` includes `iad1`; functions must run in Australia: use [syd1]"]);
  });

  it("a cadence above the catalogue's maximum", () => {
    const problems = problemsOf(raw("dev", (v) => editJson(v, "secrets", (s) => (s.RESEND_API_KEY.cadenceDays = 120))));
    expect(problems).toEqual([
      "`secrets.RESEND_API_KEY.cadenceDays` is 120; the catalogue allows at most 90 days for RESEND_API_KEY: use 90 or less",
    ]);
  });

  it("a vendor secret whose rotatedAt is unparseable", () => {
    const problems = problemsOf(
      raw("production", (v) => editJson(v, "secrets", (s) => (s.CLERK_SECRET_KEY.rotatedAt = "last tuesday"))),
    );
    expect(problems).toEqual([
      "`secrets.CLERK_SECRET_KEY.rotatedAt` is `last tuesday`, which is not an ISO-8601 UTC date: use e.g. `2026-03-01` or `2026-03-01T00:00:00Z`",
    ]);
  });

  it("a vendor secret whose rotatedAt is not a real date", () => {
    const problems = problemsOf(
      raw("production", (v) => editJson(v, "secrets", (s) => (s.MUX_TOKEN_ID.rotatedAt = "2026-02-30"))),
    );
    expect(problems).toEqual([
      "`secrets.MUX_TOKEN_ID.rotatedAt` is `2026-02-30`, which is not a real calendar date: check the day and month",
    ]);
  });

  it("a vendor secret whose rotatedAt is in the future", () => {
    const problems = problemsOf(
      raw("production", (v) => editJson(v, "secrets", (s) => (s.SENTRY_AUTH_TOKEN.rotatedAt = "2027-01-10"))),
    );
    expect(problems).toEqual([
      "`secrets.SENTRY_AUTH_TOKEN.rotatedAt` is 2027-01-10, which is in the future (now is 2026-12-03T00:00:00.000Z): use a date on or before today",
    ]);
  });

  it("an anchor in the future and a non-positive cadence", () => {
    const problems = problemsOf(
      raw("dev", (v) =>
        editJson(v, "secrets", (s) => {
          s.SHARE_LINK_HASH_SALT.anchor = "2027-06-01T00:00:00Z";
          s.RESIDENCY_REPORT_SECRET.cadenceDays = 0;
        }),
      ),
    );
    expect(problems).toEqual([
      "`secrets.RESIDENCY_REPORT_SECRET.cadenceDays` is 0; it must be a positive number of days",
      "`secrets.SHARE_LINK_HASH_SALT.anchor` is 2027-06-01T00:00:00Z, which is in the future (now is 2026-12-03T00:00:00.000Z): use a date on or before today",
    ]);
  });

  it("an unknown secret key, in the catalogue settings and as a top-level key", () => {
    const problems = problemsOf(
      raw("dev", (v, secret) => {
        editJson(v, "secrets", (s) => (s.STRIPE_SECRET_KEY = { cadenceDays: 90, rotatedAt: "2026-11-01" }));
        v["portal-infra:STRIPE_SECRET_KEY"] = "sk_live_should_never_print";
        secret.add("portal-infra:STRIPE_SECRET_KEY");
      }),
    );
    expect(problems).toEqual([
      "`STRIPE_SECRET_KEY` is not in the secret catalogue: fix the spelling, or add it to components/lib/catalogue.ts first",
      "`secrets.STRIPE_SECRET_KEY` is not in the secret catalogue: fix the spelling, or add it to components/lib/catalogue.ts first",
    ]);
    expect(problems.join("\n")).not.toContain("sk_live_should_never_print");
  });

  it("a catalogue secret set in plaintext config instead of --secret, without printing it", () => {
    const problems = problemsOf(
      raw("staging", (v, secret) => {
        v["portal-infra:RESEND_API_KEY"] = "re_plaintext_value_123";
        secret.delete("portal-infra:RESEND_API_KEY");
      }),
    );
    expect(problems).toEqual([
      "`RESEND_API_KEY` is set in plaintext config: run `pulumi config rm RESEND_API_KEY` then `pulumi config set --secret RESEND_API_KEY` (and rotate it in the vendor console, since it was exposed)",
    ]);
    expect(problems.join("\n")).not.toContain("re_plaintext_value_123");
  });

  it("a required production secret missing", () => {
    const problems = problemsOf(raw("production", (v) => delete v["portal-infra:CLERK_SECRET_KEY"]));
    expect(problems).toEqual([
      "`CLERK_SECRET_KEY` is required on the production tier but not set: run `pulumi config set --secret CLERK_SECRET_KEY` with the key from Clerk dashboard > API keys",
    ]);
  });

  it("a vendor secret may be missing on dev, which then uses a sample value", () => {
    expect(problemsOf(raw("dev", (v) => delete v["portal-infra:CLERK_SECRET_KEY"]))).toEqual([]);
  });

  it("lists every problem at once", () => {
    const problems = problemsOf(
      raw("production", (v) => {
        editJson(v, "neon", (n) => (n.region = "aws-eu-central-1"));
        editJson(v, "vercel", (c) => (c.regions = ["fra1"]));
        delete v["portal-infra:SENTRY_AUTH_TOKEN"];
      }),
    );
    expect(problems).toHaveLength(3);
  });

  it("Vercel or Neon settings on the local tier, and their absence on a cloud tier", () => {
    expect(
      problemsOf(raw("local", (v) => (v["portal-infra:vercel"] = raw("dev").values["portal-infra:vercel"]))),
    ).toEqual(["`vercel` is set on the local tier, which never touches Vercel: remove it"]);
    expect(problemsOf(raw("dev", (v) => delete v["portal-infra:neon"]))).toEqual([
      "`neon` is missing on the dev tier: add projectName, region aws-ap-southeast-2 and branch",
    ]);
  });

  it("a typo in a structured field names the field", () => {
    const problems = problemsOf(raw("dev", (v) => editJson(v, "neon", (n) => (n.regoin = n.region))));
    expect(problems).toEqual(["`neon` has unknown field(s) `regoin`: remove them or fix the spelling"]);
  });

  it("the Neon API key in plaintext", () => {
    const problems = problemsOf(raw("dev", (_v, secret) => secret.delete("portal-infra:neonApiKey")));
    expect(problems).toEqual([
      "`neonApiKey` is set in plaintext config: run `pulumi config rm neonApiKey` then `pulumi config set --secret neonApiKey` (and revoke the exposed key)",
    ]);
  });

  it("the error message counts the problems and names the stack", () => {
    expect(() =>
      parseStackConfig(
        raw("dev", (v) => editJson(v, "neon", (n) => (n.region = "aws-us-east-2"))),
        NOW,
      ),
    ).toThrow("stack `dev` has 1 config problem(s):\n  - `neon.region` is `aws-us-east-2`");
  });
});

describe("review findings", () => {
  it("one bad field in one secret is one problem, not every secret missing", () => {
    const problems = problemsOf(
      raw("local", (v) => editJson(v, "secrets", (s) => (s.NEON_DATABASE_URL.cadenceDays = "90"))),
    );
    expect(problems).toEqual([
      "`secrets.NEON_DATABASE_URL.cadenceDays` is invalid: Invalid input: expected number, received string",
    ]);
  });

  it("a date that does not exist is refused whatever its time zone", () => {
    const problems = problemsOf(
      raw("local", (v) => editJson(v, "secrets", (s) => (s.CLERK_SECRET_KEY.rotatedAt = "2026-02-30T09:00:00+10:00"))),
    );
    expect(problems).toEqual([
      "`secrets.CLERK_SECRET_KEY.rotatedAt` is `2026-02-30T09:00:00+10:00`, which is not a real calendar date: check the day and month",
    ]);
    expect(
      problemsOf(
        raw("local", (v) =>
          editJson(v, "secrets", (s) => (s.CLERK_SECRET_KEY.rotatedAt = "2026-10-20T09:00:00+10:00")),
        ),
      ),
    ).toEqual([]);
  });

  it("a Vercel project or target declared twice", () => {
    const problems = problemsOf(
      raw("dev", (v) =>
        editJson(v, "vercel", (c) => {
          c.projects = [c.projects[0], { ...c.projects[0], targets: ["preview", "preview"] }];
        }),
      ),
    );
    expect(problems).toEqual([
      "`vercel.projects` names `mm-portal-dev` more than once: declare each project once",
      "`vercel.projects.1.targets` lists a target more than once: list each once",
    ]);
  });

  it("the error keeps its stack trace: the stack name is not written over it", () => {
    const error = new StackConfigError("local", ["x"]);
    expect(error.stackName).toBe("local");
    expect(error.stack).toMatch(/^StackConfigError: stack `local` has 1 config problem\(s\)/);
  });
});

describe("Neon branches per tier", () => {
  it.each([
    [
      "dev",
      { branch: "production" },
      "`neon.branch` is `production`, the parent branch itself: give the dev tier its own branch",
    ],
    [
      "staging",
      { parent: undefined },
      "`neon.parent` is missing on the staging tier: its branch is a child of production's (`parent: production`)",
    ],
    ["production", { parent: "main" }, "`neon.parent` is set on production, whose branch is the root: remove it"],
    ["production", { protected: false }, "`neon.protected` is false on production: set it to true"],
  ])("%s with %j", (stack, change, message) => {
    const problems = problemsOf(raw(stack, (v) => editJson(v, "neon", (n) => Object.assign(n, change))));
    expect(problems).toEqual([message]);
  });
});
