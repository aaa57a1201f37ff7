/**
 * The role provider against a real Postgres 17: roles made through the provider's own
 * check/create/update/delete, then each role connects and the privilege matrix is checked.
 */
import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KIND } from "../../components/lib/resource-kinds";
import type { PostgresRoleInputs, PostgresRoleOutputs } from "../../components/postgres-role";
import { dropRole, postgresRoleProvider, RoleOwnsObjectsError } from "../../components/postgres-role";
import { startTestPostgres, type TestPostgres } from "../support/postgres";

const DB = "portal";
const SCHEMA = "app";
const M = "portal_migrations";
const APP_A = "portal_app_a";
const APP_B = "portal_app_b";
const RO_A = "portal_readonly_a";
const RO_B = "portal_readonly_b";

// 40 alphanumeric characters, like RotatingSecret's.
const pw = (seed: string) => `${seed}${"Zq7xK2mP9wL4vB8nR3tY6hJ1cF5gD0sA".repeat(2)}`.slice(0, 40);
const passwords: Record<string, string> = {
  [M]: pw("Mig"),
  [APP_A]: pw("AppA"),
  [APP_B]: pw("AppB"),
  [RO_A]: pw("RoA"),
  [RO_B]: pw("RoB"),
};

let pg: TestPostgres;
let sandboxFile: string;
const provider = postgresRoleProvider();
const outs = new Map<string, PostgresRoleOutputs>();

function inputs(
  name: string,
  kind: PostgresRoleInputs["kind"],
  overrides: Partial<PostgresRoleInputs> = {},
): PostgresRoleInputs {
  return {
    resourceKind: KIND.postgresRole,
    name,
    superuser: false,
    createRole: false,
    createDb: false,
    replication: false,
    bypassRls: false,
    inRoles: [],
    kind,
    database: DB,
    schema: SCHEMA,
    migrationsRole: M,
    password: passwords[name] ?? pw("X"),
    admin: { sandboxFile },
    createDatabase: true,
    onDeleteOwned: kind === "migrations" ? "refuse" : "reassign",
    ...overrides,
  };
}

/** Runs the provider as the engine would: check, then create. */
async function create(input: PostgresRoleInputs): Promise<PostgresRoleOutputs> {
  const checked = await provider.check?.({} as PostgresRoleInputs, input);
  expect(checked?.failures ?? []).toEqual([]);
  const result = await provider.create(checked?.inputs ?? input);
  outs.set(input.name, result.outs as PostgresRoleOutputs);
  return result.outs as PostgresRoleOutputs;
}

async function connectAs(user: string, password = passwords[user]): Promise<Client> {
  return pg.connect({ database: DB, user, password });
}

async function canLogin(user: string, password: string): Promise<boolean> {
  try {
    const c = await connectAs(user, password);
    await c.end();
    return true;
  } catch (err) {
    expect((err as Error).message).toMatch(/password authentication failed/);
    return false;
  }
}

/** Everything the roles change in the catalog, to compare before and after a re-apply. */
async function catalogSnapshot(): Promise<unknown> {
  const q = (sql: string) => pg.query(sql, [], DB);
  return {
    roles: await q(
      "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolpassword FROM pg_authid WHERE rolname LIKE 'portal%' ORDER BY 1",
    ),
    members: await q(
      "SELECT roleid::regrole::text, member::regrole::text, admin_option, inherit_option, set_option FROM pg_auth_members ORDER BY 1, 2",
    ),
    schemas: await q(
      "SELECT nspname, nspowner::regrole::text, nspacl::text FROM pg_namespace WHERE nspname IN ('app', 'public') ORDER BY 1",
    ),
    tables: await q(
      "SELECT relname, relowner::regrole::text, relacl::text FROM pg_class WHERE relnamespace = 'app'::regnamespace ORDER BY 1",
    ),
    defaults: await q(
      "SELECT defaclrole::regrole::text, defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY 1, 2",
    ),
    database: await q("SELECT datacl::text FROM pg_database WHERE datname = 'portal'"),
  };
}

beforeAll(async () => {
  pg = await startTestPostgres();
  sandboxFile = pg.sandboxFile();
  await create(inputs(M, "migrations"));
  // A table made before the app roles exist: covered by GRANT ... ON ALL TABLES.
  const m = await connectAs(M);
  await m.query("CREATE TABLE app.early (id serial PRIMARY KEY, note text)");
  await m.query("INSERT INTO app.early (note) VALUES ('before the app roles')");
  await m.end();
  // Siblings in parallel, as the engine runs them: the advisory lock keeps them from racing.
  await Promise.all([
    create(inputs(APP_A, "app")),
    create(inputs(APP_B, "app")),
    create(inputs(RO_A, "readonly")),
    create(inputs(RO_B, "readonly")),
  ]);
  // A table made after: covered only by the default privileges FOR ROLE migrations.
  const m2 = await connectAs(M);
  await m2.query("CREATE TABLE app.orders (id serial PRIMARY KEY, note text)");
  await m2.query("INSERT INTO app.orders (note) VALUES ('first')");
  await m2.end();
});

afterAll(async () => {
  await pg?.stop();
});

type Kind = "migrations" | "app" | "readonly";
type Action =
  | "CREATE TABLE in app"
  | "CREATE in public"
  | "SELECT"
  | "INSERT"
  | "UPDATE"
  | "DELETE"
  | "CREATE ROLE"
  | "CREATE DATABASE"
  | "SELECT pg_authid";

const SQL: Record<Action, string> = {
  "CREATE TABLE in app": "CREATE TABLE app.probe (id int)",
  "CREATE in public": "CREATE TABLE public.probe (id int)",
  SELECT: "SELECT count(*) FROM app.orders",
  INSERT: "INSERT INTO app.orders (note) VALUES ('probe')",
  UPDATE: "UPDATE app.orders SET note = 'probed'",
  DELETE: "DELETE FROM app.orders",
  "CREATE ROLE": "CREATE ROLE probe_role",
  "CREATE DATABASE": "CREATE DATABASE probe_db",
  "SELECT pg_authid": "SELECT rolpassword FROM pg_authid LIMIT 1",
};

// The expected privilege matrix (DESIGN.md, "Least privilege on Postgres"): true = allowed.
const MATRIX: Record<Action, Record<Kind, boolean>> = {
  "CREATE TABLE in app": { migrations: true, app: false, readonly: false },
  "CREATE in public": { migrations: false, app: false, readonly: false },
  SELECT: { migrations: true, app: true, readonly: true },
  INSERT: { migrations: true, app: true, readonly: false },
  UPDATE: { migrations: true, app: true, readonly: false },
  DELETE: { migrations: true, app: true, readonly: false },
  "CREATE ROLE": { migrations: false, app: false, readonly: false },
  "CREATE DATABASE": { migrations: false, app: false, readonly: false },
  "SELECT pg_authid": { migrations: false, app: false, readonly: false },
};

const ROLE_OF: Record<Kind, string> = { migrations: M, app: APP_A, readonly: RO_A };

/** Whether `role` may run `sql`; changes are rolled back (CREATE DATABASE can't run in a transaction). */
async function allowed(role: string, action: Action): Promise<boolean> {
  const client = await connectAs(role);
  try {
    const transactional = action !== "CREATE DATABASE";
    if (transactional) await client.query("BEGIN");
    try {
      await client.query(SQL[action]);
      if (!transactional) await pg.query("DROP DATABASE IF EXISTS probe_db");
      return true;
    } catch (err) {
      expect((err as { code?: string }).code, `${role} ${action}: ${(err as Error).message}`).toBe("42501"); // insufficient_privilege
      return false;
    } finally {
      if (transactional) await client.query("ROLLBACK");
    }
  } finally {
    await client.end();
  }
}

describe("privilege matrix", () => {
  it("each role can do exactly what the matrix says", async () => {
    const actual: Record<string, Record<string, boolean>> = {};
    for (const action of Object.keys(MATRIX) as Action[]) {
      actual[action] = {};
      for (const kind of ["migrations", "app", "readonly"] as Kind[])
        actual[action][kind] = await allowed(ROLE_OF[kind], action);
    }
    expect(actual).toEqual(MATRIX);
  });

  it("the alternating partners have the same privileges as their slot a", async () => {
    expect(await allowed(APP_B, "INSERT")).toBe(true);
    expect(await allowed(APP_B, "CREATE TABLE in app")).toBe(false);
    expect(await allowed(RO_B, "SELECT")).toBe(true);
    expect(await allowed(RO_B, "DELETE")).toBe(false);
  });

  it("tables made before the app roles are covered too (GRANT ... ON ALL TABLES), and sequences are usable", async () => {
    const app = await connectAs(APP_A);
    await app.query("BEGIN");
    await expect(app.query("INSERT INTO app.early (note) VALUES ('by app') RETURNING id")).resolves.toMatchObject({
      rowCount: 1,
    });
    await app.query("ROLLBACK");
    await app.end();
    const ro = await connectAs(RO_A);
    expect((await ro.query("SELECT note FROM app.early")).rows).toEqual([{ note: "before the app roles" }]);
    await ro.end();
  });

  it("no role is superuser, createrole, createdb, replication or bypassrls, and none is a member of anything", async () => {
    const rows = await pg.query(
      "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname LIKE 'portal%' ORDER BY 1",
    );
    expect(rows).toHaveLength(5);
    for (const row of rows)
      expect(row).toMatchObject({
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
      });
    const members = await pg.query(
      "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname LIKE 'portal%'",
    );
    expect(members).toEqual([]);
  });

  it("the migrations role owns the app schema; PUBLIC can't create in public", async () => {
    const [row] = await pg.query<{ owner: string; public_create: boolean }>(
      "SELECT nspowner::regrole::text AS owner, has_schema_privilege('public', 'public', 'CREATE') AS public_create FROM pg_namespace WHERE nspname = 'app'",
      [],
      DB,
    );
    expect(row).toEqual({ owner: M, public_create: false });
  });

  it("stores a SCRAM verifier, never the plaintext", async () => {
    const rows = await pg.query<{ rolpassword: string }>(
      "SELECT rolpassword FROM pg_authid WHERE rolname LIKE 'portal%'",
    );
    for (const { rolpassword } of rows) {
      expect(rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
      for (const password of Object.values(passwords)) expect(rolpassword).not.toContain(password);
    }
  });
});

describe("rotation and idempotency", () => {
  it("applying every role again changes nothing, and diff reports no change", async () => {
    const before = await catalogSnapshot();
    for (const [name, kind] of [
      [M, "migrations"],
      [APP_A, "app"],
      [APP_B, "app"],
      [RO_A, "readonly"],
      [RO_B, "readonly"],
    ] as const) {
      const old = outs.get(name) as PostgresRoleOutputs;
      const same = inputs(name, kind);
      expect(await provider.diff?.(`${DB}/${name}`, old, same)).toMatchObject({ changes: false, replaces: [] });
      await provider.update?.(`${DB}/${name}`, old, same); // update with the same inputs
      await provider.create(same); // and create on an existing role
    }
    expect(await catalogSnapshot()).toEqual(before);
  });

  it("after a password rotation the old password fails, the new one works, and the partner keeps working", async () => {
    const old = outs.get(APP_A) as PostgresRoleOutputs;
    const rotated = inputs(APP_A, "app", { password: pw("Rotated") });
    expect(await provider.diff?.(`${DB}/${APP_A}`, old, rotated)).toMatchObject({ changes: true, replaces: [] });
    const result = await provider.update?.(`${DB}/${APP_A}`, old, rotated);
    expect(await canLogin(APP_A, passwords[APP_A])).toBe(false);
    expect(await canLogin(APP_A, pw("Rotated"))).toBe(true);
    expect(await canLogin(APP_B, passwords[APP_B])).toBe(true);
    passwords[APP_A] = pw("Rotated");
    outs.set(APP_A, result?.outs as PostgresRoleOutputs);
    // The rotated role keeps its privileges.
    expect(await allowed(APP_A, "INSERT")).toBe(true);
  });

  it("puts back a role that drifted (an attribute, a membership, an extra privilege)", async () => {
    await pg.query(`ALTER ROLE ${RO_B} CREATEDB`);
    await pg.query(`GRANT pg_read_all_data TO ${RO_B}`);
    await pg.query(`GRANT TRUNCATE ON app.orders TO ${RO_B}`, [], DB);
    await provider.update?.(`${DB}/${RO_B}`, outs.get(RO_B) as PostgresRoleOutputs, inputs(RO_B, "readonly"));
    const [flags] = await pg.query(`SELECT rolcreatedb FROM pg_roles WHERE rolname = '${RO_B}'`);
    expect(flags).toEqual({ rolcreatedb: false });
    expect(
      await pg.query(`SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = '${RO_B}'`),
    ).toEqual([]);
    const [truncate] = await pg.query(`SELECT has_table_privilege('${RO_B}', 'app.orders', 'TRUNCATE') AS t`, [], DB);
    expect(truncate).toEqual({ t: false });
  });
});

describe("bad input: a clear error and nothing changed", () => {
  const attempts: [string, RegExp][] = [
    ["pg_evil", /reserved \(names starting with pg_ are reserved by Postgres\)/],
    ["neon_superuser", /reserved \(it is Neon's privileged role/],
    ["neon_admin", /reserved \(names starting with neon_ are reserved by Neon\)/],
    ["public", /reserved \(it is the pseudo-role/],
    ["postgres", /reserved \(it is the bootstrap superuser\)/],
    ["cloud_admin", /reserved \(it is Neon's internal administrator\)/],
    ['x"; DROP ROLE portal_migrations; --', /not a valid role name/],
    ["x'); DROP TABLE app.orders; --", /not a valid role name/],
    ["Portal_App", /not a valid role name/],
    ["a".repeat(64), /not a valid role name/],
  ];

  it.each(attempts)("refuses role name %j", async (name, message) => {
    const before = await catalogSnapshot();
    const bad = inputs(name, "app");
    const checked = await provider.check?.({} as PostgresRoleInputs, bad);
    expect(checked?.failures).toEqual([
      expect.objectContaining({ property: "name", reason: expect.stringMatching(message) }),
    ]);
    await expect(provider.create(bad)).rejects.toThrow(message);
    expect(await catalogSnapshot()).toEqual(before);
  });

  it("refuses reserved names for inRoles, schema and database", async () => {
    const bad = inputs(APP_B, "app", { inRoles: ["neon_superuser"], schema: "public", database: "template1" });
    const failures = (await provider.check?.({} as PostgresRoleInputs, bad))?.failures ?? [];
    expect(failures.map((f) => f.property).sort()).toEqual(["database", "inRoles[0]", "schema"]);
  });

  it("refuses any privileged flag", async () => {
    const before = await catalogSnapshot();
    const bad = inputs(APP_B, "app", { superuser: true, createRole: true, bypassRls: true });
    const failures = (await provider.check?.({} as PostgresRoleInputs, bad))?.failures ?? [];
    expect(failures.map((f) => f.property)).toEqual(["superuser", "createRole", "bypassRls"]);
    expect(failures[0].reason).toBe(
      "`superuser` of role `portal_app_b` is true; least privilege needs it false: remove the grant",
    );
    await expect(provider.update?.(`${DB}/${APP_B}`, outs.get(APP_B) as PostgresRoleOutputs, bad)).rejects.toThrow(
      /least privilege needs it false/,
    );
    expect(await catalogSnapshot()).toEqual(before);
  });

  it("refuses a password under 60 bits of entropy, without echoing it, and keeps the old one", async () => {
    const before = await catalogSnapshot();
    for (const weak of [
      "hunter2hunter2",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "abcabcabcabcabcabcabc",
      "Tr0ub4dor",
    ]) {
      const bad = inputs(APP_B, "app", { password: weak });
      const [failure] = (await provider.check?.({} as PostgresRoleInputs, bad))?.failures ?? [];
      expect(failure).toMatchObject({
        property: "password",
        reason: expect.stringMatching(/bits of entropy; at least 60 are required/),
      });
      expect(failure.reason).not.toContain(weak);
      const error = await provider
        .update?.(`${DB}/${APP_B}`, outs.get(APP_B) as PostgresRoleOutputs, bad)
        .catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).not.toContain(weak);
    }
    expect(await catalogSnapshot()).toEqual(before);
    expect(await canLogin(APP_B, passwords[APP_B])).toBe(true);
  });

  it("an admin URL that can't connect names host and database, never the password", async () => {
    const secret = "Sup3rSecretAdminPassw0rdThatMustNotLeak";
    const unreachable = inputs("portal_app_c", "app", {
      admin: { url: `postgresql://admin:${secret}@127.0.0.1:1/portal` },
      createDatabase: false,
    });
    const error = (await provider.create(unreachable).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(
      /can't connect to Postgres at host 127\.0\.0\.1:1, database "portal" as role "admin"/,
    );
    expect(error.message).not.toContain(secret);

    const wrongPassword = inputs("portal_app_c", "app", {
      admin: { url: `postgresql://postgres:${secret}@${pg.host}:${pg.port}/portal` },
      createDatabase: false,
    });
    const error2 = (await provider.create(wrongPassword).catch((e: Error) => e)) as Error;
    expect(error2.message).toContain(`host ${pg.host}:${pg.port}, database "portal"`);
    expect(error2.message).toMatch(/password authentication failed/);
    expect(error2.message).not.toContain(secret);
    expect(await pg.query("SELECT 1 FROM pg_roles WHERE rolname = 'portal_app_c'")).toEqual([]);
  });

  it("a missing sandbox file says how to start the sandbox", async () => {
    const missing = inputs("portal_app_c", "app", { admin: { sandboxFile: "/nonexistent/.sandbox/postgres.json" } });
    await expect(provider.create(missing)).rejects.toThrow(
      /start the sandbox with `npx tsx scripts\/sandbox.ts start`/,
    );
  });

  it("an app role is refused until its migrations role and schema exist", async () => {
    const orphan = inputs("portal_app_c", "app", { migrationsRole: "other_migrations", schema: "other" });
    await expect(provider.create(orphan)).rejects.toThrow(
      /needs the migrations role `other_migrations`, which does not exist/,
    );
    expect(await pg.query("SELECT 1 FROM pg_roles WHERE rolname = 'portal_app_c'")).toEqual([]);
  });
});

describe("delete never drops data", () => {
  it("refuses to drop the migrations role while it owns the schema and tables, and says which", async () => {
    const before = await catalogSnapshot();
    const error = (await provider
      .delete?.(`${DB}/${M}`, outs.get(M) as PostgresRoleOutputs)
      .catch((e: Error) => e)) as RoleOwnsObjectsError;
    expect(error).toBeInstanceOf(RoleOwnsObjectsError);
    expect(error.message).toMatch(
      /^refusing to drop role `portal_migrations` at host 127\.0\.0\.1:\d+, database "portal": it owns \d+ object\(s\)/,
    );
    expect(error.objects).toEqual(expect.arrayContaining(["schema app", "table app.orders", "table app.early"]));
    expect(await catalogSnapshot()).toEqual(before);
    expect(await pg.query("SELECT note FROM app.orders", [], DB)).toEqual([{ note: "first" }]);
  });

  it("drops a migrations role whose only object is its empty schema: a destroy that loses nothing finishes", async () => {
    const spare = await create(
      inputs("spare_migrations", "migrations", {
        schema: "spare",
        migrationsRole: "spare_migrations",
        password: pw("S"),
      }),
    );
    expect(await pg.query("SELECT 1 AS present FROM pg_namespace WHERE nspname = 'spare'", [], DB)).toEqual([
      { present: 1 },
    ]);
    await provider.delete?.(`${DB}/spare_migrations`, spare);
    expect(await pg.query("SELECT 1 FROM pg_roles WHERE rolname = 'spare_migrations'")).toEqual([]);
    expect(await pg.query("SELECT 1 FROM pg_namespace WHERE nspname = 'spare'", [], DB)).toEqual([]);
  });

  it("refuses to drop an app role that owns objects when told to refuse", async () => {
    await pg.query(
      `CREATE TABLE app.kept (v text); INSERT INTO app.kept VALUES ('keep me'); ALTER TABLE app.kept OWNER TO ${APP_B}`,
      [],
      DB,
    );
    const refuse = { ...(outs.get(APP_B) as PostgresRoleOutputs), onDeleteOwned: "refuse" as const };
    await expect(provider.delete?.(`${DB}/${APP_B}`, refuse)).rejects.toThrow(
      /refusing to drop role `portal_app_b`.*table app\.kept/,
    );
    expect(await pg.query("SELECT v FROM app.kept", [], DB)).toEqual([{ v: "keep me" }]);
    expect(await pg.query(`SELECT 1 AS present FROM pg_roles WHERE rolname = '${APP_B}'`)).toEqual([{ present: 1 }]);
  });

  it("reassigns an app role's objects to the migrations role, says which, then drops it; a second delete is a no-op", async () => {
    const outcome = await dropRole(outs.get(APP_B) as PostgresRoleOutputs);
    expect(outcome).toEqual({ dropped: true, reassigned: ["table app.kept"] });
    expect(
      await pg.query(
        "SELECT v, (SELECT relowner::regrole::text FROM pg_class WHERE oid = 'app.kept'::regclass) AS owner FROM app.kept",
        [],
        DB,
      ),
    ).toEqual([{ v: "keep me", owner: M }]);
    expect(await pg.query(`SELECT 1 FROM pg_roles WHERE rolname = '${APP_B}'`)).toEqual([]);
    expect(await dropRole(outs.get(APP_B) as PostgresRoleOutputs)).toEqual({ dropped: false, reassigned: [] });
    await expect(provider.delete?.(`${DB}/${APP_B}`, outs.get(APP_B) as PostgresRoleOutputs)).resolves.toBeUndefined();
  });

  it("drops a role that owns nothing, with its grants and default privileges", async () => {
    await provider.delete?.(`${DB}/${RO_B}`, outs.get(RO_B) as PostgresRoleOutputs);
    expect(await pg.query(`SELECT 1 FROM pg_roles WHERE rolname = '${RO_B}'`)).toEqual([]);
    const defaults = await pg.query<{ acl: string }>("SELECT defaclacl::text AS acl FROM pg_default_acl", [], DB);
    for (const { acl } of defaults) expect(acl).not.toContain(RO_B);
    // The others are untouched.
    expect(await allowed(RO_A, "SELECT")).toBe(true);
  });
});

describe("as a non-superuser administrator (like Neon's project owner)", () => {
  const OWNER = "neonlike_owner";
  const ownerPassword = pw("Owner");
  const NEON_DB = "neonlike";

  it("makes, uses and drops the roles without superuser", async () => {
    await pg.query(`CREATE ROLE ${OWNER} LOGIN CREATEROLE CREATEDB PASSWORD '${ownerPassword}'`);
    await pg.query(`CREATE DATABASE ${NEON_DB} OWNER ${OWNER}`);
    const url = `postgresql://${OWNER}:${ownerPassword}@${pg.host}:${pg.port}/${NEON_DB}`;
    const as = (name: string, kind: Kind, onDeleteOwned: "refuse" | "reassign" = "reassign") =>
      inputs(name, kind, {
        name,
        database: NEON_DB,
        migrationsRole: "nl_migrations",
        admin: { url },
        createDatabase: false,
        onDeleteOwned,
        password: pw(name),
      });
    const m = await create(as("nl_migrations", "migrations", "refuse"));
    const a = await create(as("nl_app_a", "app"));
    await create(as("nl_readonly_a", "readonly"));

    const mig = await pg.connect({ database: NEON_DB, user: "nl_migrations", password: pw("nl_migrations") });
    await mig.query("CREATE TABLE app.t (id serial PRIMARY KEY, v text)");
    await mig.end();
    const app = await pg.connect({ database: NEON_DB, user: "nl_app_a", password: pw("nl_app_a") });
    await app.query("INSERT INTO app.t (v) VALUES ('x')");
    await expect(app.query("CREATE TABLE app.u (id int)")).rejects.toThrow(/permission denied/);
    await app.end();
    const ro = await pg.connect({ database: NEON_DB, user: "nl_readonly_a", password: pw("nl_readonly_a") });
    expect((await ro.query("SELECT v FROM app.t")).rows).toEqual([{ v: "x" }]);
    await expect(ro.query("DELETE FROM app.t")).rejects.toThrow(/permission denied/);
    await ro.end();

    // The administrator can act as the migrations role but does not inherit its privileges.
    const [membership] = await pg.query(
      `SELECT inherit_option, set_option FROM pg_auth_members WHERE roleid = 'nl_migrations'::regrole AND member = '${OWNER}'::regrole AND grantor = '${OWNER}'::regrole`,
    );
    expect(membership).toEqual({ inherit_option: false, set_option: true });

    await pg.query("CREATE TABLE app.owned_by_app (v text)", [], NEON_DB);
    await pg.query("ALTER TABLE app.owned_by_app OWNER TO nl_app_a", [], NEON_DB);
    expect(await dropRole(a)).toEqual({ dropped: true, reassigned: ["table app.owned_by_app"] });
    await expect(dropRole(m)).rejects.toThrow(/refusing to drop role `nl_migrations`/);
  });
});
