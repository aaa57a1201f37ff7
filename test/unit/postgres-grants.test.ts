import { describe, expect, it } from "vitest";
import {
  allTablePrivileges,
  alterRoleStatement,
  createRoleStatement,
  grantPlan,
  type RolePlanInput,
  revokePlan,
  roleNames,
} from "../../components/lib/postgres-grants";

const base: Omit<RolePlanInput, "role" | "kind"> = {
  database: "portal",
  schema: "app",
  migrationsRole: "portal_migrations",
  serverVersionNum: 170004,
};

describe("roleNames", () => {
  it("derives every name from the prefix", () => {
    expect(roleNames("portal")).toEqual({
      migrations: "portal_migrations",
      app: { a: "portal_app_a", b: "portal_app_b" },
      readonly: { a: "portal_readonly_a", b: "portal_readonly_b" },
      owner: "portal_owner",
    });
  });
});

describe("role statements", () => {
  it("creates and alters with every privileged attribute off and a verifier, never a plaintext", () => {
    expect(createRoleStatement("portal_app_a", "SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2Vy")).toBe(
      `CREATE ROLE "portal_app_a" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2Vy'`,
    );
    expect(alterRoleStatement("portal_app_a", "v")).toBe(
      `ALTER ROLE "portal_app_a" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS PASSWORD 'v'`,
    );
  });
});

describe("grantPlan", () => {
  it("migrations: owns the app schema, no CREATE in public or on the database", () => {
    expect(grantPlan({ ...base, role: "portal_migrations", kind: "migrations" })).toEqual({
      asAdmin: [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        'REVOKE CREATE ON DATABASE "portal" FROM "portal_migrations"',
        'GRANT CONNECT ON DATABASE "portal" TO "portal_migrations"',
        'CREATE SCHEMA IF NOT EXISTS "app" AUTHORIZATION "portal_migrations"',
        'ALTER SCHEMA "app" OWNER TO "portal_migrations"',
      ],
      asSchemaOwner: ['REVOKE ALL ON SCHEMA "app" FROM PUBLIC'],
    });
  });

  it("app: CONNECT, USAGE, SELECT/INSERT/UPDATE/DELETE on tables, USAGE on sequences, also by default FOR ROLE migrations", () => {
    const d = 'ALTER DEFAULT PRIVILEGES FOR ROLE "portal_migrations" IN SCHEMA "app"';
    expect(grantPlan({ ...base, role: "portal_app_a", kind: "app" })).toEqual({
      asAdmin: [
        'REVOKE CREATE ON DATABASE "portal" FROM "portal_app_a"',
        'GRANT CONNECT ON DATABASE "portal" TO "portal_app_a"',
      ],
      asSchemaOwner: [
        'REVOKE CREATE ON SCHEMA "app" FROM "portal_app_a"',
        'GRANT USAGE ON SCHEMA "app" TO "portal_app_a"',
        'REVOKE TRUNCATE, REFERENCES, TRIGGER, MAINTAIN ON ALL TABLES IN SCHEMA "app" FROM "portal_app_a"',
        'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "app" TO "portal_app_a"',
        'REVOKE SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "app" FROM "portal_app_a"',
        'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "app" TO "portal_app_a"',
        `${d} REVOKE TRUNCATE, REFERENCES, TRIGGER, MAINTAIN ON TABLES FROM "portal_app_a"`,
        `${d} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "portal_app_a"`,
        `${d} REVOKE SELECT, UPDATE ON SEQUENCES FROM "portal_app_a"`,
        `${d} GRANT USAGE ON SEQUENCES TO "portal_app_a"`,
      ],
    });
  });

  it("readonly: CONNECT, USAGE, SELECT and nothing on sequences", () => {
    const plan = grantPlan({ ...base, role: "portal_readonly_a", kind: "readonly" });
    const grants = plan.asSchemaOwner.filter((s) => s.includes(" GRANT ") || s.startsWith("GRANT "));
    expect(grants).toEqual([
      'GRANT USAGE ON SCHEMA "app" TO "portal_readonly_a"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "app" TO "portal_readonly_a"',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "portal_migrations" IN SCHEMA "app" GRANT SELECT ON TABLES TO "portal_readonly_a"',
    ]);
    expect(plan.asSchemaOwner).toContain(
      'REVOKE USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "app" FROM "portal_readonly_a"',
    );
  });

  it("never grants to PUBLIC, never grants membership, and quotes every identifier", () => {
    for (const kind of ["migrations", "app", "readonly"] as const) {
      const plan = grantPlan({ ...base, role: "r", kind });
      for (const sql of [...plan.asAdmin, ...plan.asSchemaOwner]) {
        expect(sql).not.toMatch(/GRANT .* TO PUBLIC/);
        expect(sql).not.toMatch(/SUPERUSER|CREATEROLE|BYPASSRLS|neon_superuser|pg_read_all/);
        expect(sql.replace(/"[^"]*"/g, "")).not.toMatch(/\b(r|portal|app|portal_migrations)\b/);
      }
    }
  });

  it("leaves out MAINTAIN before Postgres 17", () => {
    expect(allTablePrivileges(160004)).not.toContain("MAINTAIN");
    expect(allTablePrivileges(170000)).toContain("MAINTAIN");
  });
});

describe("revokePlan", () => {
  it("takes back grants and default privileges and drops nothing", () => {
    const plan = revokePlan({ ...base, role: "portal_app_b", kind: "app" });
    expect(plan.asAdmin).toEqual(['REVOKE ALL ON DATABASE "portal" FROM "portal_app_b"']);
    expect(plan.asSchemaOwner).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR ROLE "portal_migrations" IN SCHEMA "app" REVOKE ALL ON TABLES FROM "portal_app_b"',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "portal_migrations" IN SCHEMA "app" REVOKE ALL ON SEQUENCES FROM "portal_app_b"',
      'REVOKE ALL ON ALL TABLES IN SCHEMA "app" FROM "portal_app_b"',
      'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "app" FROM "portal_app_b"',
      'REVOKE ALL ON SCHEMA "app" FROM "portal_app_b"',
    ]);
    for (const kind of ["migrations", "app", "readonly"] as const) {
      const all = Object.values(revokePlan({ ...base, role: "x", kind })).flat();
      expect(all.filter((s) => /\b(DROP|TRUNCATE|DELETE)\b/.test(s.replace(/REVOKE ALL/g, "")))).toEqual([]);
    }
  });
});
