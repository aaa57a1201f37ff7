/**
 * NeonDatabase and LocalDatabase under Pulumi mocks: what they register (kinds, names, flags, options),
 * that secrets reach inputs only wrapped, that the Neon key never reaches an input, and the URLs.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { DatabasePasswords } from "../../components/lib/database-urls";
import { KIND } from "../../components/lib/resource-kinds";
import type { DatabaseConfig, NeonConfig } from "../../components/lib/stack-config";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const NEON_KEY = "napi_unit_test_key_must_not_leak_0123456789";
const ENDPOINT_HOST = "ep-cool-night-123456.ap-southeast-2.aws.neon.tech";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  options: { protect: boolean; additionalSecretOutputs: string[]; deleteBeforeReplace: boolean };
}
const recorded: Recorded[] = [];
const passwordsHandedOut: string[] = [];

// The mocks API gives `newResource` the inputs but not the options: read those off the request.
const requestOptions = new Map<string, Recorded["options"]>();
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: { prototype: { registerResource(req: RegisterRequest, callback: unknown): Promise<void> } };
};
interface RegisterRequest {
  getName(): string;
  getProtect(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplace(): boolean;
}
const original = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (req: RegisterRequest, callback: unknown) {
  requestOptions.set(req.getName(), {
    protect: req.getProtect(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
  });
  return original.call(this, req, callback);
};

const isSecret = (v: unknown) => typeof v === "object" && v !== null && SECRET_SIG in (v as object);
function plainStrings(value: unknown): string[] {
  if (isSecret(value)) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(plainStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(plainStrings);
  return [];
}
const promiseOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const settle = () => (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const options = requestOptions.get(args.name) ?? {
          protect: false,
          additionalSecretOutputs: [],
          deleteBeforeReplace: false,
        };
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, options });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") {
          const value = `Mock${args.name.replace(/[^a-z]/gi, "")}Zq7xK2mP9wL4vB8nR3tY6hJ1cF5gD0`;
          passwordsHandedOut.push(value);
          state.result = value;
        }
        // What the providers return.
        if (args.inputs.resourceKind === KIND.neonProject)
          Object.assign(state, { projectId: "proj-1", defaultBranchId: "br-root" });
        if (args.inputs.resourceKind === KIND.neonBranch) Object.assign(state, { branchId: `br-${args.name}` });
        if (args.inputs.resourceKind === KIND.neonEndpoint) {
          Object.assign(state, {
            endpointId: "ep-1",
            host: ENDPOINT_HOST,
            adminUri: `postgresql://portal_owner:OwnerPw@${ENDPOINT_HOST}/portal?sslmode=require`,
          });
        }
        if (args.inputs.resourceKind === KIND.postgresRole) {
          Object.assign(
            state,
            args.name.startsWith("loc") ? { host: "127.0.0.1", port: 54329 } : { host: ENDPOINT_HOST, port: 5432 },
          );
        }
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "portal-infra",
    "production",
    false,
  );
  pulumi.runtime.setAllConfig({ "portal-infra:neonApiKey": NEON_KEY }, ["portal-infra:neonApiKey"]);
});

const database: DatabaseConfig = { name: "portal", schema: "app", rolePrefix: "portal" };
const production: NeonConfig = {
  projectName: "portal",
  region: "aws-ap-southeast-2",
  postgresVersion: 17,
  branch: "production",
  protected: true,
};
const staging: NeonConfig = { ...production, branch: "staging", parent: "production", protected: false };

async function passwords(prefix: string): Promise<DatabasePasswords> {
  const { RotatingSecret } = await import("../../components/rotating-secret");
  const common = { cadenceDays: 90, anchor: new Date("2026-01-05T00:00:00Z"), now: new Date("2026-12-03T00:00:00Z") };
  return {
    app: new RotatingSecret(`${prefix}-app`, { key: "NEON_DATABASE_URL", slots: 2, ...common }),
    readonly: new RotatingSecret(`${prefix}-readonly`, { key: "NEON_READONLY_URL", slots: 2, ...common }),
    migrations: new RotatingSecret(`${prefix}-migrations`, { key: "NEON_MIGRATIONS_URL", slots: 1, ...common }),
  };
}

const mine = (prefix: string) => recorded.filter((r) => r.name.startsWith(prefix));
const byKind = (prefix: string, kind: string) => mine(prefix).filter((r) => r.inputs.resourceKind === kind);

describe("NeonDatabase (production: owns the project)", () => {
  let urls: Record<string, string>;
  let roles: string[];

  beforeAll(async () => {
    const { NeonDatabase } = await import("../../components/neon-database");
    const db = new NeonDatabase("prod", { neon: production, database, passwords: await passwords("prod") });
    urls = {
      NEON_DATABASE_URL: await promiseOf(db.urls.NEON_DATABASE_URL),
      NEON_MIGRATIONS_URL: await promiseOf(db.urls.NEON_MIGRATIONS_URL),
      NEON_READONLY_URL: await promiseOf(db.urls.NEON_READONLY_URL),
    };
    expect(await pulumi.isSecret(db.urls.NEON_DATABASE_URL)).toBe(true);
    expect(await pulumi.isSecret(db.urls.NEON_READONLY_URL)).toBe(true);
    expect(await pulumi.isSecret(db.urls.NEON_MIGRATIONS_URL)).toBe(true);
    roles = db.roles;
    await settle();
  });

  it("registers the project in Australia on Postgres 17, owned and protected (option and input)", () => {
    const [project] = byKind("prod", KIND.neonProject);
    expect(project.type).toBe("pulumi-nodejs:dynamic:Resource");
    expect(project.inputs).toMatchObject({
      name: "portal",
      regionId: "aws-ap-southeast-2",
      pgVersion: 17,
      lifecycle: "owned",
      protected: true,
      rootBranch: "production",
      ownerRole: "portal_owner",
    });
    expect(project.options.protect).toBe(true);
  });

  it("registers the root branch protected, and its compute with the owner URI as a secret output", () => {
    const [branch] = byKind("prod", KIND.neonBranch);
    expect(branch.inputs).toMatchObject({ name: "production", protected: true });
    expect(branch.inputs.parent).toBeUndefined();
    expect(branch.options.protect).toBe(true);
    const [endpoint] = byKind("prod", KIND.neonEndpoint);
    expect(endpoint.inputs).toMatchObject({ type: "read_write", databaseName: "portal", ownerRole: "portal_owner" });
    expect(endpoint.options.additionalSecretOutputs).toEqual(["adminUri"]);
  });

  it("registers five least-privilege roles: every flag false, in no role, passwords and admin only as secrets", () => {
    const roleResources = byKind("prod", KIND.postgresRole);
    expect(roleResources.map((r) => [r.name, r.inputs.name, r.inputs.kind])).toEqual([
      ["prod-roles-migrations-role", "portal_migrations", "migrations"],
      ["prod-roles-app-a-role", "portal_app_a", "app"],
      ["prod-roles-app-b-role", "portal_app_b", "app"],
      ["prod-roles-readonly-a-role", "portal_readonly_a", "readonly"],
      ["prod-roles-readonly-b-role", "portal_readonly_b", "readonly"],
    ]);
    for (const r of roleResources) {
      expect(r.inputs).toMatchObject({
        superuser: false,
        createRole: false,
        createDb: false,
        replication: false,
        bypassRls: false,
        inRoles: [],
      });
      expect(isSecret(r.inputs.password)).toBe(true);
      expect(isSecret(r.inputs.admin)).toBe(true);
      expect(r.options.additionalSecretOutputs).toEqual(["password", "admin"]);
      expect(r.inputs.onDeleteOwned).toBe(r.inputs.kind === "migrations" ? "refuse" : "reassign");
    }
    expect(roles).toEqual([
      "portal_migrations",
      "portal_app_a",
      "portal_app_b",
      "portal_readonly_a",
      "portal_readonly_b",
    ]);
  });

  it("never puts the Neon key, a password or a URI in an input unless wrapped as secret (the serialised providers included)", () => {
    const plain = mine("prod").flatMap((r) => plainStrings(r.inputs));
    expect(plain.some((s) => s.includes(NEON_KEY))).toBe(false);
    expect(plain.filter((s) => passwordsHandedOut.some((p) => s.includes(p)))).toEqual([]);
    // The owner's password reaches the roles only inside the (secret) administrator URL.
    expect(plain.filter((s) => s.includes("OwnerPw"))).toEqual([]);
    // The provider code is in the inputs (__provider) and was checked above too.
    expect(
      mine("prod").every((r) => r.type !== "pulumi-nodejs:dynamic:Resource" || typeof r.inputs.__provider === "string"),
    ).toBe(true);
  });

  it("points NEON_DATABASE_URL at the app role of the current slot, NEON_READONLY_URL likewise, with sslmode=require", () => {
    // Anchor 2026-01-05, 90 days: on 2026-12-03 the window is 3, so slot b turned last.
    expect(urls.NEON_DATABASE_URL).toMatch(
      new RegExp(`^postgresql://portal_app_b:Mockprodappb\\w+@${ENDPOINT_HOST}/portal\\?sslmode=require$`),
    );
    expect(urls.NEON_READONLY_URL).toMatch(
      new RegExp(`^postgresql://portal_readonly_b:Mockprodreadonlyb\\w+@${ENDPOINT_HOST}/portal\\?sslmode=require$`),
    );
    expect(urls.NEON_MIGRATIONS_URL).toMatch(
      new RegExp(`^postgresql://portal_migrations:Mockprodmigrations\\w+@${ENDPOINT_HOST}/portal\\?sslmode=require$`),
    );
  });
});

describe("NeonDatabase (staging: shares the project)", () => {
  beforeAll(async () => {
    const { NeonDatabase } = await import("../../components/neon-database");
    const db = new NeonDatabase("stg", { neon: staging, database, passwords: await passwords("stg") });
    await promiseOf(db.urls.NEON_DATABASE_URL);
    await settle();
  });

  it("looks the project up (shared, not protected) and makes an unprotected child branch of production", () => {
    const [project] = byKind("stg", KIND.neonProject);
    expect(project.inputs).toMatchObject({ lifecycle: "shared", protected: false, regionId: "aws-ap-southeast-2" });
    expect(project.options.protect).toBe(false);
    const [branch] = byKind("stg", KIND.neonBranch);
    expect(branch.inputs).toMatchObject({ name: "staging", parent: "production", protected: false });
    expect(branch.options.protect).toBe(false);
  });
});

describe("LocalDatabase", () => {
  let urls: Record<string, string>;

  beforeAll(async () => {
    const { LocalDatabase } = await import("../../components/local-database");
    const sandboxFile = path.join("/nonexistent", ".sandbox", "postgres.json");
    expect(existsSync(sandboxFile)).toBe(false);
    // No sandbox is running and no file exists: the program still evaluates.
    const db = new LocalDatabase("loc", { database, passwords: await passwords("loc"), sandboxFile });
    urls = { app: await promiseOf(db.urls.NEON_DATABASE_URL), readonly: await promiseOf(db.urls.NEON_READONLY_URL) };
    await settle();
  });

  it("makes the same roles against the sandbox file, whose password never enters the program", () => {
    const roleResources = byKind("loc", KIND.postgresRole);
    expect(roleResources.map((r) => r.inputs.name)).toEqual([
      "portal_migrations",
      "portal_app_a",
      "portal_app_b",
      "portal_readonly_a",
      "portal_readonly_b",
    ]);
    for (const r of roleResources) {
      expect(r.inputs.admin).toEqual({ sandboxFile: "/nonexistent/.sandbox/postgres.json" });
      expect(r.inputs.createDatabase).toBe(true);
      expect(isSecret(r.inputs.password)).toBe(true);
    }
    expect(byKind("loc", KIND.neonProject)).toEqual([]);
  });

  it("gives local URLs without sslmode", () => {
    expect(urls.app).toMatch(/^postgresql:\/\/portal_app_b:Mocklocappb\w+@127\.0\.0\.1:54329\/portal$/);
    expect(urls.readonly).toMatch(/^postgresql:\/\/portal_readonly_b:\w+@127\.0\.0\.1:54329\/portal$/);
  });
});

describe("bad config: a clear error and nothing registered", () => {
  it("refuses a prefix that makes reserved role names", async () => {
    const { LocalDatabase } = await import("../../components/local-database");
    const before = recorded.length;
    expect(
      () =>
        new LocalDatabase("bad", { database: { ...database, rolePrefix: "pg" }, passwords: {} as DatabasePasswords }),
    ).toThrow(
      /role name from `database.rolePrefix` \(pg\)` is `pg_migrations`, which is reserved \(names starting with pg_ are reserved by Postgres\)/,
    );
    expect(
      () =>
        new LocalDatabase("bad2", { database: { ...database, schema: "public" }, passwords: {} as DatabasePasswords }),
    ).toThrow(/`database.schema` is `public`, which is reserved/);
    await settle();
    expect(recorded.slice(before).filter((r) => r.inputs.resourceKind)).toEqual([]);
  });

  it("refuses passwords with the wrong number of slots", async () => {
    const { LocalDatabase } = await import("../../components/local-database");
    const p = await passwords("slots");
    expect(() => new LocalDatabase("slots", { database, passwords: { ...p, app: p.migrations } })).toThrow(
      "`passwords.app` has 1 slot(s); app needs 2 (alternating users): create its RotatingSecret with slots: 2",
    );
  });
});
