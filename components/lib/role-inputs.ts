/**
 * Inputs of a `portal:postgres:Role`, their validation and the diff rules. Pure.
 *
 * Changing what a role *is* (its name, database, schema, kind or schema owner) replaces it; changing its
 * password, memberships or administrator connection updates it in place (`ALTER ROLE`, `GRANT`).
 */
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { passwordProblem } from "./entropy";
import { identifierProblem } from "./identifiers";
import type { PostgresAdmin } from "./postgres-admin";
import { ROLE_KINDS, type RoleKind } from "./postgres-grants";
import type { KIND, PostgresRolePolicyInputs } from "./resource-kinds";

/** What the engine sends for a value not known yet (preview). */
export const UNKNOWN: string = unknownValue;

export type OnDeleteOwned = "refuse" | "reassign";

export interface PostgresRoleInputs extends PostgresRolePolicyInputs {
  readonly resourceKind: typeof KIND.postgresRole;
  readonly kind: RoleKind;
  readonly database: string;
  readonly schema: string;
  /** The migrations role (for `migrations` itself: its own name). */
  readonly migrationsRole: string;
  /** Secret. */
  readonly password: string;
  /** Secret when it is a URL. */
  readonly admin: PostgresAdmin;
  /** Create the database when missing (local sandbox only; Neon creates it with the project). */
  readonly createDatabase: boolean;
  /**
   * What deleting the role does with objects it still owns: `refuse` (the delete fails and names them)
   * or `reassign` (ownership moves to the migrations role). Never dropped.
   */
  readonly onDeleteOwned: OnDeleteOwned;
}

export interface PostgresRoleOutputs extends PostgresRoleInputs {
  /** Where the role lives: the administrator connection's host and port (not secret). */
  readonly host: string;
  readonly port: number;
}

/** Outputs that must be stored encrypted. */
export const ROLE_SECRET_OUTPUTS = ["password", "admin"] as const;

export interface Failure {
  readonly property: string;
  readonly reason: string;
}

const FLAGS = ["superuser", "createRole", "createDb", "replication", "bypassRls"] as const;

const known = (value: unknown): boolean => value !== UNKNOWN && value !== undefined;

/** Every problem with `inputs`; empty when they are fine. Values not known yet (preview) are skipped. */
export function roleInputFailures(inputs: Partial<Record<keyof PostgresRoleInputs, unknown>>): Failure[] {
  const failures: Failure[] = [];
  const add = (property: string, reason: string | undefined) => {
    if (reason) failures.push({ property, reason });
  };
  const name = typeof inputs.name === "string" ? inputs.name : "<role>";
  if (known(inputs.name)) add("name", identifierProblem("role", "name", inputs.name));
  if (known(inputs.migrationsRole))
    add("migrationsRole", identifierProblem("role", "migrationsRole", inputs.migrationsRole));
  if (known(inputs.database)) add("database", identifierProblem("database", "database", inputs.database));
  if (known(inputs.schema)) add("schema", identifierProblem("schema", "schema", inputs.schema));
  if (known(inputs.kind) && !ROLE_KINDS.includes(inputs.kind as RoleKind)) {
    add("kind", `\`kind\` is ${JSON.stringify(inputs.kind)}: use one of ${ROLE_KINDS.join(", ")}`);
  }
  if (
    inputs.kind === "migrations" &&
    known(inputs.name) &&
    known(inputs.migrationsRole) &&
    inputs.name !== inputs.migrationsRole
  ) {
    add("migrationsRole", `the migrations role \`${name}\` must name itself as \`migrationsRole\``);
  }
  for (const flag of FLAGS) {
    if (known(inputs[flag]) && inputs[flag] !== false) {
      add(
        flag,
        `\`${flag}\` of role \`${name}\` is ${JSON.stringify(inputs[flag])}; least privilege needs it false: remove the grant`,
      );
    }
  }
  if (known(inputs.inRoles)) {
    if (!Array.isArray(inputs.inRoles)) {
      add("inRoles", "`inRoles` must be a list of role names");
    } else {
      inputs.inRoles.forEach((group, i) => {
        if (known(group)) add(`inRoles[${i}]`, identifierProblem("role", `inRoles[${i}]`, group));
      });
    }
  }
  if (known(inputs.password)) add("password", passwordProblem(name, inputs.password));
  if (known(inputs.onDeleteOwned) && inputs.onDeleteOwned !== "refuse" && inputs.onDeleteOwned !== "reassign") {
    add("onDeleteOwned", "`onDeleteOwned` must be `refuse` or `reassign`");
  }
  if (inputs.kind === "migrations" && inputs.onDeleteOwned === "reassign") {
    add("onDeleteOwned", `the migrations role \`${name}\` owns the schema: deleting it can only \`refuse\``);
  }
  if (known(inputs.admin)) {
    const admin = inputs.admin as Partial<Record<string, unknown>> | null;
    const ok =
      admin !== null &&
      typeof admin === "object" &&
      (typeof admin.url === "string" || typeof admin.sandboxFile === "string");
    if (!ok) add("admin", "`admin` must be { url } (secret) or { sandboxFile }");
  }
  return failures;
}

export interface RoleDiff {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
}

const REPLACE_KEYS = ["name", "kind", "database", "schema", "migrationsRole"] as const;
const UPDATE_KEYS = ["password", "admin", "inRoles", "createDatabase", "onDeleteOwned", ...FLAGS] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffRole(
  olds: Partial<PostgresRoleOutputs>,
  news: Partial<Record<keyof PostgresRoleInputs, unknown>>,
): RoleDiff {
  const replaces = REPLACE_KEYS.filter((k) => !same(olds[k], news[k]));
  const updates = UPDATE_KEYS.filter((k) => !same(olds[k], news[k]));
  // One role name can't exist twice: when only its place or kind changes, the old one goes first.
  const deleteBeforeReplace = replaces.length > 0 && !replaces.includes("name");
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace };
}
