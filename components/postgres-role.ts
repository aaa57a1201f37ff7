/**
 * `portal:postgres:Role`: one least-privilege login role, made with SQL (never with Neon's role API,
 * whose roles join `neon_superuser`). A dynamic provider; the SQL comes from lib/postgres-grants.ts.
 *
 * Create and update converge (applying twice changes nothing); delete never drops data: a role that
 * still owns objects is refused, or its objects are reassigned to the migrations role, and the error
 * or log line says which. Every apply runs in one transaction under an advisory lock, so a bad input
 * or a failed statement changes nothing and sibling roles applied in parallel don't race on the same
 * catalog rows.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Client } from "pg";
import { quoteIdent } from "./lib/identifiers";
import {
  type AdminConnection,
  connectAdmin,
  describeConnection,
  type PostgresAdmin,
  PostgresAdminError,
  resolveAdmin,
  scrub,
} from "./lib/postgres-admin";
import {
  allowSetRoleStatement,
  alterRoleStatement,
  createRoleStatement,
  grantMembershipStatement,
  grantPlan,
  revokeMembershipStatement,
  revokePlan,
} from "./lib/postgres-grants";
import { roleVerifier } from "./lib/postgres-scram";
import { KIND } from "./lib/resource-kinds";
import {
  diffRole,
  type PostgresRoleInputs,
  type PostgresRoleOutputs,
  ROLE_SECRET_OUTPUTS,
  roleInputFailures,
} from "./lib/role-inputs";

export type { PostgresRoleInputs, PostgresRoleOutputs } from "./lib/role-inputs";

export class PostgresRoleError extends Error {
  constructor(message: string) {
    super(message);
    // Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`, which sets no
    // message: without this line, errors thrown in the provider process would arrive empty.
    this.message = message;
    this.name = "PostgresRoleError";
  }
}

/** Thrown when deleting a role that owns objects is refused. */
export class RoleOwnsObjectsError extends PostgresRoleError {
  constructor(
    message: string,
    readonly objects: readonly string[],
  ) {
    super(message);
    this.name = "RoleOwnsObjectsError";
  }
}

/** What a delete did, for logs and tests. */
export interface DropOutcome {
  readonly dropped: boolean;
  /** Objects whose ownership moved to the migrations role (described as Postgres does). */
  readonly reassigned: readonly string[];
}

// Serialises role changes on a cluster: sibling roles are applied in parallel by the engine and touch
// the same rows (default privileges, table ACLs), which Postgres would fail with "tuple concurrently updated".
const LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('portal-infra:postgres-roles'))";
const SQLSTATE_DEPENDENT_OBJECTS = "2BP01";

function assertValid(inputs: PostgresRoleInputs): void {
  const failures = roleInputFailures(inputs);
  if (failures.length > 0) {
    throw new PostgresRoleError(
      `role \`${inputs.name}\` has invalid inputs, nothing was changed:\n${failures.map((f) => `  - ${f.reason}`).join("\n")}`,
    );
  }
}

async function exec(
  client: Client,
  conn: AdminConnection,
  database: string,
  sql: string,
  what: string,
  secrets: string[] = [],
): Promise<void> {
  try {
    await client.query(sql);
  } catch (err) {
    // The statement itself is not echoed: it may hold a password verifier.
    const message = scrub((err as Error).message, conn.password, ...secrets);
    throw new PostgresRoleError(
      `${what} failed at ${describeConnection(conn, database)}: ${message}; nothing was changed`,
    );
  }
}

async function inTransaction<T>(client: Client, body: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query(LOCK_SQL);
    const result = await body();
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

async function ensureDatabase(conn: AdminConnection, database: string): Promise<void> {
  if (database === conn.database) return;
  const client = await connectAdmin(conn, conn.database);
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0)
      await exec(
        client,
        conn,
        conn.database,
        `CREATE DATABASE ${quoteIdent(database)}`,
        `creating database "${database}"`,
      );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withAdmin<T>(
  inputs: PostgresRoleInputs,
  body: (client: Client, conn: AdminConnection) => Promise<T>,
): Promise<T> {
  let conn: AdminConnection;
  try {
    conn = resolveAdmin(inputs.admin);
  } catch (err) {
    throw new PostgresRoleError(`role \`${inputs.name}\`: ${(err as Error).message}`);
  }
  if (inputs.createDatabase) await ensureDatabase(conn, inputs.database);
  const client = await connectAdmin(conn, inputs.database);
  try {
    return await body(client, conn);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function scalar<T>(client: Client, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const result = await client.query(sql, params);
  return result.rows[0] ? (Object.values(result.rows[0])[0] as T) : undefined;
}

async function roleExists(client: Client, role: string): Promise<boolean> {
  return (await scalar<number>(client, "SELECT 1 FROM pg_roles WHERE rolname = $1", [role])) === 1;
}

/** Lets a non-superuser administrator SET ROLE to the migrations role (Neon's owner is not superuser). */
async function ensureCanSetRole(client: Client, conn: AdminConnection, database: string, role: string): Promise<void> {
  const superuser = await scalar<boolean>(client, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
  if (superuser) return;
  const canSet = await scalar<boolean>(client, "SELECT pg_has_role(current_user, $1, 'SET')", [role]);
  if (!canSet)
    await exec(client, conn, database, allowSetRoleStatement(role), `letting the administrator act as "${role}"`);
}

async function currentMemberships(client: Client, role: string): Promise<string[]> {
  const result = await client.query<{ rolname: string }>(
    `SELECT g.rolname FROM pg_auth_members m
       JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
      WHERE r.rolname = $1 ORDER BY 1`,
    [role],
  );
  return [...new Set(result.rows.map((r) => r.rolname))];
}

/** Creates or converges the role; returns the outputs. Exported for the integration tests. */
export async function applyRole(inputs: PostgresRoleInputs): Promise<PostgresRoleOutputs> {
  assertValid(inputs);
  return withAdmin(inputs, async (client, conn) => {
    const db = inputs.database;
    await inTransaction(client, async () => {
      const version = Number(await scalar<string>(client, "SHOW server_version_num"));
      const verifier = roleVerifier(inputs.name, inputs.password);
      const exists = await roleExists(client, inputs.name);
      const statement = exists ? alterRoleStatement(inputs.name, verifier) : createRoleStatement(inputs.name, verifier);
      await exec(client, conn, db, statement, `${exists ? "altering" : "creating"} role "${inputs.name}"`, [verifier]);

      if (inputs.kind !== "migrations") {
        if (!(await roleExists(client, inputs.migrationsRole))) {
          throw new PostgresRoleError(
            `role \`${inputs.name}\` needs the migrations role \`${inputs.migrationsRole}\`, which does not exist at ${describeConnection(conn, db)}: create it first; nothing was changed`,
          );
        }
        const schema = await scalar<number>(client, "SELECT 1 FROM pg_namespace WHERE nspname = $1", [inputs.schema]);
        if (schema !== 1) {
          throw new PostgresRoleError(
            `role \`${inputs.name}\` needs schema \`${inputs.schema}\`, which does not exist at ${describeConnection(conn, db)}: the migrations role creates it; nothing was changed`,
          );
        }
      }
      await ensureCanSetRole(client, conn, db, inputs.migrationsRole);
      const plan = grantPlan({ ...inputs, role: inputs.name, serverVersionNum: version });
      for (const sql of plan.asAdmin) await exec(client, conn, db, sql, `granting to "${inputs.name}"`);
      await exec(
        client,
        conn,
        db,
        `SET LOCAL ROLE ${quoteIdent(inputs.migrationsRole)}`,
        `acting as "${inputs.migrationsRole}"`,
      );
      for (const sql of plan.asSchemaOwner) await exec(client, conn, db, sql, `granting to "${inputs.name}"`);
      await exec(client, conn, db, "RESET ROLE", "resetting the role");

      const wanted = [...new Set(inputs.inRoles)];
      const have = await currentMemberships(client, inputs.name);
      for (const group of have.filter((g) => !wanted.includes(g))) {
        await exec(
          client,
          conn,
          db,
          revokeMembershipStatement(group, inputs.name),
          `revoking "${group}" from "${inputs.name}"`,
        );
      }
      for (const group of wanted.filter((g) => !have.includes(g))) {
        await exec(
          client,
          conn,
          db,
          grantMembershipStatement(group, inputs.name),
          `granting "${group}" to "${inputs.name}"`,
        );
      }
      await verifyRole(client, conn, inputs);
    });
    return { ...inputs, host: conn.host, port: conn.port };
  });
}

/** Post-condition: the flags and memberships are what the inputs say, whatever else happened before. */
async function verifyRole(client: Client, conn: AdminConnection, inputs: PostgresRoleInputs): Promise<void> {
  const flags = await client.query<Record<string, boolean>>(
    "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1",
    [inputs.name],
  );
  const row = flags.rows[0];
  const raised = row ? Object.entries(row).filter(([k, v]) => k !== "rolcanlogin" && v === true) : [];
  const memberships = await currentMemberships(client, inputs.name);
  const extra = memberships.filter((g) => !inputs.inRoles.includes(g));
  if (!row?.rolcanlogin || raised.length > 0 || extra.length > 0) {
    throw new PostgresRoleError(
      `role \`${inputs.name}\` at ${describeConnection(conn, inputs.database)} still has ${[...raised.map(([k]) => k), ...extra.map((g) => `membership in ${g}`)].join(", ") || "no LOGIN"} after the change (granted by another role?): revoke it by hand; nothing was changed`,
    );
  }
}

interface OwnedObject {
  readonly database: string | null;
  readonly description: string | null;
}

async function ownedObjects(client: Client, role: string): Promise<OwnedObject[]> {
  // pg_shdepend is shared: it sees objects in every database. Only objects in this database (or shared
  // ones) can be described from here.
  const result = await client.query<OwnedObject>(
    `SELECT d.datname AS database,
            CASE WHEN s.dbid = 0 OR d.datname = current_database()
                 THEN pg_describe_object(s.classid, s.objid, s.objsubid) END AS description
       FROM pg_shdepend s
       JOIN pg_roles r ON r.oid = s.refobjid AND s.refclassid = 'pg_authid'::regclass
       LEFT JOIN pg_database d ON d.oid = s.dbid
      WHERE r.rolname = $1 AND s.deptype = 'o'
      ORDER BY 1, 2`,
    [role],
  );
  return result.rows;
}

function describeOwned(objects: readonly OwnedObject[], here: string): string[] {
  return objects.map((o) =>
    o.description
      ? `${o.description}${o.database && o.database !== here ? ` (database ${o.database})` : ""}`
      : `an object in database ${o.database}`,
  );
}

/**
 * The migrations role owns the app schema this provider created. When that schema is all it owns and
 * holds nothing, dropping it loses nothing, so a destroy can finish; `RESTRICT` makes Postgres itself
 * refuse if anything is in it, and then the role is kept and the usual refusal names what it owns.
 */
async function dropEmptyAppSchema(client: Client, schema: string, owned: readonly OwnedObject[]): Promise<boolean> {
  if (owned.length !== 1 || owned[0].description !== `schema ${schema}`) return false;
  await client.query("SAVEPOINT drop_app_schema");
  try {
    await client.query(`DROP SCHEMA ${quoteIdent(schema)} RESTRICT`);
    await client.query("RELEASE SAVEPOINT drop_app_schema");
    return true;
  } catch (err) {
    if ((err as { code?: string }).code !== SQLSTATE_DEPENDENT_OBJECTS) throw err;
    await client.query("ROLLBACK TO SAVEPOINT drop_app_schema");
    return false;
  }
}

/** Drops the role if it exists, never dropping data. Exported for the integration tests. */
export async function dropRole(props: PostgresRoleOutputs): Promise<DropOutcome> {
  return withAdmin({ ...props, createDatabase: false }, async (client, conn) => {
    const db = props.database;
    return inTransaction(client, async () => {
      if (!(await roleExists(client, props.name))) return { dropped: false, reassigned: [] };
      let owned = await ownedObjects(client, props.name);
      if (props.kind === "migrations" && (await dropEmptyAppSchema(client, props.schema, owned))) {
        owned = await ownedObjects(client, props.name);
      }
      const described = describeOwned(owned, db);
      const elsewhere = owned.filter((o) => o.database !== db);
      let reassigned: string[] = [];
      if (owned.length > 0) {
        const listed =
          described.slice(0, 10).join("; ") + (described.length > 10 ? `; and ${described.length - 10} more` : "");
        if (props.onDeleteOwned === "refuse" || props.kind === "migrations") {
          throw new RoleOwnsObjectsError(
            `refusing to drop role \`${props.name}\` at ${describeConnection(conn, db)}: it owns ${owned.length} object(s) (${listed}), and dropping them would lose data. Reassign them (REASSIGN OWNED BY ${quoteIdent(props.name)} TO <role>) or drop them yourself, then retry; nothing was changed`,
            described,
          );
        }
        if (elsewhere.length > 0) {
          throw new RoleOwnsObjectsError(
            `refusing to drop role \`${props.name}\`: it owns object(s) outside database "${db}" (${listed}), which can't be reassigned from here: reassign them in their database, then retry; nothing was changed`,
            described,
          );
        }
        await ensureCanSetRole(client, conn, db, props.migrationsRole);
        await reassignOwned(client, conn, db, props.name, props.migrationsRole);
        reassigned = described;
      }
      const version = Number(await scalar<string>(client, "SHOW server_version_num"));
      const plan = revokePlan({ ...props, role: props.name, serverVersionNum: version });
      for (const sql of plan.asAdmin) await exec(client, conn, db, sql, `revoking from "${props.name}"`);
      const schemaExists =
        (await scalar<number>(client, "SELECT 1 FROM pg_namespace WHERE nspname = $1", [props.schema])) === 1;
      if (plan.asSchemaOwner.length > 0 && schemaExists && (await roleExists(client, props.migrationsRole))) {
        await ensureCanSetRole(client, conn, db, props.migrationsRole);
        await exec(
          client,
          conn,
          db,
          `SET LOCAL ROLE ${quoteIdent(props.migrationsRole)}`,
          `acting as "${props.migrationsRole}"`,
        );
        for (const sql of plan.asSchemaOwner) await exec(client, conn, db, sql, `revoking from "${props.name}"`);
        await exec(client, conn, db, "RESET ROLE", "resetting the role");
      }
      for (const group of await currentMemberships(client, props.name)) {
        await exec(
          client,
          conn,
          db,
          revokeMembershipStatement(group, props.name),
          `revoking "${group}" from "${props.name}"`,
        );
      }
      try {
        await client.query(`DROP ROLE ${quoteIdent(props.name)}`);
      } catch (err) {
        const e = err as Error & { code?: string; detail?: string };
        const detail = e.detail ? `: ${e.detail.replace(/\n/g, "; ")}` : "";
        throw new PostgresRoleError(
          e.code === SQLSTATE_DEPENDENT_OBJECTS
            ? `can't drop role \`${props.name}\` at ${describeConnection(conn, db)}: something still depends on it${detail}. Revoke those privileges (or reassign the objects), then retry; nothing was changed`
            : `dropping role \`${props.name}\` failed at ${describeConnection(conn, db)}: ${scrub(e.message, conn.password)}; nothing was changed`,
        );
      }
      if (reassigned.length > 0) {
        // The engine shows a provider's stderr; `pulumi.log` would capture the whole SDK into the
        // serialised provider, and has no engine connection in the provider process anyway.
        console.warn(
          `warning: role ${props.name} owned ${reassigned.length} object(s); ownership moved to ${props.migrationsRole}, nothing was dropped: ${reassigned.join("; ")}`,
        );
      }
      return { dropped: true, reassigned };
    });
  });
}

/**
 * REASSIGN OWNED needs the privileges of both roles. A non-superuser administrator holds them with SET
 * but without INHERIT, so it is given INHERIT for this transaction only and set back afterwards.
 */
async function reassignOwned(
  client: Client,
  conn: AdminConnection,
  db: string,
  from: string,
  to: string,
): Promise<void> {
  const superuser = await scalar<boolean>(client, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
  const grant = (role: string, inherit: boolean) =>
    exec(
      client,
      conn,
      db,
      `GRANT ${quoteIdent(role)} TO CURRENT_USER WITH INHERIT ${inherit ? "TRUE" : "FALSE"}, SET TRUE`,
      `letting the administrator act as "${role}"`,
    );
  const inherited: string[] = [];
  if (!superuser) {
    for (const role of [from, to]) {
      if (!(await scalar<boolean>(client, "SELECT pg_has_role(current_user, $1, 'USAGE')", [role]))) {
        await grant(role, true);
        inherited.push(role);
      }
    }
  }
  await exec(
    client,
    conn,
    db,
    `REASSIGN OWNED BY ${quoteIdent(from)} TO ${quoteIdent(to)}`,
    `reassigning objects of "${from}" to "${to}"`,
  );
  for (const role of inherited) if (role === to) await grant(role, false);
}

function normalise(inputs: PostgresRoleInputs): PostgresRoleInputs {
  return { ...inputs, inRoles: [...(inputs.inRoles ?? [])] };
}

/** The dynamic provider. Holds no credentials: the administrator's come from the inputs (secret) or the sandbox file. */
export function postgresRoleProvider(): pulumi.dynamic.ResourceProvider<PostgresRoleInputs, PostgresRoleOutputs> {
  return {
    async check(_olds, news) {
      return { inputs: news, failures: roleInputFailures(news) };
    },
    async diff(_id, olds, news) {
      const result = diffRole(olds, news);
      return { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: result.deleteBeforeReplace };
    },
    async create(inputs) {
      const outs = await applyRole(normalise(inputs));
      return { id: `${outs.database}/${outs.name}`, outs };
    },
    async update(_id, _olds, news) {
      return { outs: await applyRole(normalise(news)) };
    },
    async delete(_id, props) {
      await dropRole(props);
    },
  };
}

/** A URL administrator is a secret; a sandbox file path is not (the file is read by the provider). */
export function secretAdmin(admin: pulumi.Input<PostgresAdmin>): pulumi.Input<PostgresAdmin> {
  const isSandbox =
    typeof admin === "object" &&
    admin !== null &&
    !pulumi.Output.isInstance(admin) &&
    typeof (admin as { sandboxFile?: unknown }).sandboxFile === "string";
  return isSandbox ? admin : pulumi.secret(admin);
}

/** Arguments of {@link PostgresRole}: the policy-visible flags are fixed to false here, not by callers. */
export interface PostgresRoleArgs {
  readonly name: pulumi.Input<string>;
  readonly kind: pulumi.Input<PostgresRoleInputs["kind"]>;
  readonly database: pulumi.Input<string>;
  readonly schema: pulumi.Input<string>;
  readonly migrationsRole: pulumi.Input<string>;
  /** Wrapped in `pulumi.secret` here whatever the caller passes. */
  readonly password: pulumi.Input<string>;
  /** A URL is wrapped in `pulumi.secret`. */
  readonly admin: pulumi.Input<PostgresRoleInputs["admin"]>;
  /** @default false */
  readonly createDatabase?: pulumi.Input<boolean>;
  /** @default "refuse" */
  readonly onDeleteOwned?: pulumi.Input<PostgresRoleInputs["onDeleteOwned"]>;
  /** @default [] */
  readonly inRoles?: pulumi.Input<pulumi.Input<string>[]>;
}

export class PostgresRole extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly host: pulumi.Output<string>;
  declare readonly port: pulumi.Output<number>;
  declare readonly database: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;

  constructor(name: string, args: PostgresRoleArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props: Record<keyof PostgresRoleInputs, unknown> & { host: undefined; port: undefined } = {
      resourceKind: KIND.postgresRole,
      name: args.name,
      superuser: false,
      createRole: false,
      createDb: false,
      replication: false,
      bypassRls: false,
      inRoles: args.inRoles ?? [],
      kind: args.kind,
      database: args.database,
      schema: args.schema,
      migrationsRole: args.migrationsRole,
      password: pulumi.secret(args.password),
      admin: secretAdmin(args.admin),
      createDatabase: args.createDatabase ?? false,
      onDeleteOwned: args.onDeleteOwned ?? "refuse",
      host: undefined,
      port: undefined,
    };
    super(postgresRoleProvider(), name, props, {
      ...opts,
      additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...ROLE_SECRET_OUTPUTS],
    });
  }
}

export { PostgresAdminError };
