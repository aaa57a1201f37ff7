import { describe, expect, it } from "vitest";
import { diffRole, type PostgresRoleOutputs, roleInputFailures, UNKNOWN } from "../../components/lib/role-inputs";
import { appRoleInputs } from "../support/roles";

const role: PostgresRoleOutputs = { ...appRoleInputs(), host: "h", port: 5432 };

describe("roleInputFailures", () => {
  it("accepts a least-privilege role", () => expect(roleInputFailures(role)).toEqual([]));

  it("names every problem, with the field", () => {
    const failures = roleInputFailures({
      ...role,
      name: "pg_x",
      schema: "public",
      kind: "owner",
      superuser: true,
      bypassRls: "yes",
      inRoles: ["neon_superuser"],
      password: "weak",
      onDeleteOwned: "drop",
      admin: { host: "h" },
    });
    expect(failures.map((f) => f.property)).toEqual([
      "name",
      "schema",
      "kind",
      "superuser",
      "bypassRls",
      "inRoles[0]",
      "password",
      "onDeleteOwned",
      "admin",
    ]);
  });

  it("the migrations role names itself and can only refuse", () => {
    const failures = roleInputFailures({
      ...role,
      name: "portal_migrations",
      kind: "migrations",
      migrationsRole: "other",
      onDeleteOwned: "reassign",
    });
    expect(failures.map((f) => f.reason)).toEqual([
      "the migrations role `portal_migrations` must name itself as `migrationsRole`",
      "the migrations role `portal_migrations` owns the schema: deleting it can only `refuse`",
    ]);
  });

  it("skips values not known yet (preview)", () => {
    expect(roleInputFailures({ ...role, password: UNKNOWN, name: UNKNOWN, admin: UNKNOWN })).toEqual([]);
  });
});

describe("diffRole", () => {
  it.each([
    [{}, { changes: false, replaces: [], deleteBeforeReplace: false }],
    [
      { password: "Other0password0Zq7xK2mP9wL4vB8nR3tY6hJ1" },
      { changes: true, replaces: [], deleteBeforeReplace: false },
    ],
    [{ inRoles: ["reporting"] }, { changes: true, replaces: [], deleteBeforeReplace: false }],
    [{ admin: { url: "postgresql://o:new@h/portal" } }, { changes: true, replaces: [], deleteBeforeReplace: false }],
    [{ name: "portal_app_c" }, { changes: true, replaces: ["name"], deleteBeforeReplace: false }],
    [{ kind: "readonly" }, { changes: true, replaces: ["kind"], deleteBeforeReplace: true }],
    [
      { database: "other", schema: "x" },
      { changes: true, replaces: ["database", "schema"], deleteBeforeReplace: true },
    ],
  ])("%j -> %j", (change, result) => {
    expect(diffRole(role, { ...role, ...change })).toEqual(result);
  });
});
