/**
 * Least-privilege roles as SQL (DESIGN.md, "Least privilege on Postgres"). Pure: it returns statements,
 * the role provider runs them in one transaction.
 *
 * - `migrations` owns the app schema and may run DDL there only (no CREATE in `public`, none on the
 *   database);
 * - `app`: CONNECT, USAGE, SELECT/INSERT/UPDATE/DELETE on tables, USAGE on sequences; no DDL;
 * - `readonly`: CONNECT, USAGE, SELECT;
 * - default privileges `FOR ROLE migrations`, so tables the migrations create later are covered;
 * - no role is SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS.
 *
 * Statements converge: privileges outside the wanted set are revoked, the wanted set granted, so a
 * drifted role is put back and applying twice changes nothing (revoking what isn't held is a no-op,
 * and ACL entries keep their order because wanted privileges are never revoked first).
 */
import { quoteIdent, quoteLiteral } from "./identifiers";
import type { Slot } from "./rotation";

export type RoleKind = "migrations" | "app" | "readonly";
export const ROLE_KINDS: readonly RoleKind[] = ["migrations", "app", "readonly"];

/** Role attributes every role gets; the policy pack reads the matching flags (all false). */
export const ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS";

export interface RoleNames {
  readonly migrations: string;
  readonly app: Readonly<Record<Slot, string>>;
  readonly readonly: Readonly<Record<Slot, string>>;
  /** The administrator Neon creates with the project (member of neon_superuser); never used by the app. */
  readonly owner: string;
}

/** Role names for a prefix: `portal` gives `portal_migrations`, `portal_app_a`, `portal_readonly_b`, ... */
export function roleNames(prefix: string): RoleNames {
  return {
    migrations: `${prefix}_migrations`,
    app: { a: `${prefix}_app_a`, b: `${prefix}_app_b` },
    readonly: { a: `${prefix}_readonly_a`, b: `${prefix}_readonly_b` },
    owner: `${prefix}_owner`,
  };
}

/** Postgres 17 added MAINTAIN on tables. */
const PG17 = 170000;

export function allTablePrivileges(serverVersionNum: number): readonly string[] {
  const base = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
  return serverVersionNum >= PG17 ? [...base, "MAINTAIN"] : base;
}
const ALL_SEQUENCE_PRIVILEGES = ["USAGE", "SELECT", "UPDATE"] as const;

/** Privileges on tables and sequences in the app schema, per kind (migrations owns them instead). */
export const TABLE_PRIVILEGES: Readonly<Record<Exclude<RoleKind, "migrations">, readonly string[]>> = {
  app: ["SELECT", "INSERT", "UPDATE", "DELETE"],
  readonly: ["SELECT"],
};
export const SEQUENCE_PRIVILEGES: Readonly<Record<Exclude<RoleKind, "migrations">, readonly string[]>> = {
  app: ["USAGE"],
  readonly: [],
};

export interface RolePlanInput {
  readonly role: string;
  readonly kind: RoleKind;
  readonly database: string;
  readonly schema: string;
  /** The migrations role: owner of the schema and of the default privileges. */
  readonly migrationsRole: string;
  /** `server_version_num` of the server the plan runs on. */
  readonly serverVersionNum: number;
}

/**
 * Statements in the order they run: `asAdmin` as the connecting administrator, then `asSchemaOwner`
 * after `SET ROLE <migrations>` (only the owner of the schema and its tables may grant on them without
 * being superuser, and `ALTER DEFAULT PRIVILEGES FOR ROLE` needs to act as that role).
 */
export interface SqlPlan {
  readonly asAdmin: readonly string[];
  readonly asSchemaOwner: readonly string[];
}

const list = (items: readonly string[]) => items.join(", ");
const minus = (all: readonly string[], keep: readonly string[]) => all.filter((p) => !keep.includes(p));

export function createRoleStatement(role: string, verifier: string): string {
  return `CREATE ROLE ${quoteIdent(role)} WITH ${ROLE_ATTRIBUTES} PASSWORD ${quoteLiteral(verifier)}`;
}

/** Resets every attribute too, so a role that drifted (say, was given CREATEDB by hand) is put back. */
export function alterRoleStatement(role: string, verifier: string): string {
  return `ALTER ROLE ${quoteIdent(role)} WITH ${ROLE_ATTRIBUTES} PASSWORD ${quoteLiteral(verifier)}`;
}

export function grantPlan(input: RolePlanInput): SqlPlan {
  const role = quoteIdent(input.role);
  const db = quoteIdent(input.database);
  const schema = quoteIdent(input.schema);
  const owner = quoteIdent(input.migrationsRole);
  if (input.kind === "migrations") {
    return {
      asAdmin: [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        `REVOKE CREATE ON DATABASE ${db} FROM ${role}`,
        `GRANT CONNECT ON DATABASE ${db} TO ${role}`,
        `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`,
        // No-op when it already owns the schema; takes it over when someone else made it.
        `ALTER SCHEMA ${schema} OWNER TO ${role}`,
      ],
      asSchemaOwner: [`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`],
    };
  }
  const tables = TABLE_PRIVILEGES[input.kind];
  const sequences = SEQUENCE_PRIVILEGES[input.kind];
  const tablesNot = minus(allTablePrivileges(input.serverVersionNum), tables);
  const sequencesNot = minus(ALL_SEQUENCE_PRIVILEGES, sequences);
  const defaults = `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema}`;
  const asSchemaOwner = [
    `REVOKE CREATE ON SCHEMA ${schema} FROM ${role}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `REVOKE ${list(tablesNot)} ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`,
    `GRANT ${list(tables)} ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
    `REVOKE ${list(sequencesNot)} ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${role}`,
    ...(sequences.length > 0 ? [`GRANT ${list(sequences)} ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`] : []),
    `${defaults} REVOKE ${list(tablesNot)} ON TABLES FROM ${role}`,
    `${defaults} GRANT ${list(tables)} ON TABLES TO ${role}`,
    `${defaults} REVOKE ${list(sequencesNot)} ON SEQUENCES FROM ${role}`,
    ...(sequences.length > 0 ? [`${defaults} GRANT ${list(sequences)} ON SEQUENCES TO ${role}`] : []),
  ];
  return {
    asAdmin: [`REVOKE CREATE ON DATABASE ${db} FROM ${role}`, `GRANT CONNECT ON DATABASE ${db} TO ${role}`],
    asSchemaOwner,
  };
}

/**
 * Statements that take every privilege this module granted back, so `DROP ROLE` can succeed. Nothing
 * here drops an object: ownership is dealt with (refused or reassigned) before this runs.
 */
export function revokePlan(input: RolePlanInput): SqlPlan {
  const role = quoteIdent(input.role);
  const db = quoteIdent(input.database);
  const schema = quoteIdent(input.schema);
  const owner = quoteIdent(input.migrationsRole);
  if (input.kind === "migrations") {
    return { asAdmin: [`REVOKE ALL ON DATABASE ${db} FROM ${role}`], asSchemaOwner: [] };
  }
  const defaults = `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema}`;
  return {
    asAdmin: [`REVOKE ALL ON DATABASE ${db} FROM ${role}`],
    asSchemaOwner: [
      `${defaults} REVOKE ALL ON TABLES FROM ${role}`,
      `${defaults} REVOKE ALL ON SEQUENCES FROM ${role}`,
      `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`,
      `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${role}`,
      `REVOKE ALL ON SCHEMA ${schema} FROM ${role}`,
    ],
  };
}

export function grantMembershipStatement(group: string, role: string): string {
  return `GRANT ${quoteIdent(group)} TO ${quoteIdent(role)}`;
}

export function revokeMembershipStatement(group: string, role: string): string {
  return `REVOKE ${quoteIdent(group)} FROM ${quoteIdent(role)}`;
}

/**
 * Lets a non-superuser administrator (Neon's project owner) act as the migrations role: needed to make
 * it own the schema, to grant on its tables and to set its default privileges. SET without INHERIT, so
 * the administrator's own sessions don't silently gain the role's privileges.
 */
export function allowSetRoleStatement(role: string): string {
  return `GRANT ${quoteIdent(role)} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE`;
}
