/**
 * SQL identifiers for roles, schemas and databases: validation and quoting. Pure.
 *
 * Names are validated against a strict pattern before they reach SQL, and quoted anyway when they do
 * (defence in depth: a validated name quoted is the same name). Reserved names are refused because
 * they belong to Postgres (`pg_*`), to Neon (`neon_*`, `neon_superuser`, `cloud_admin`) or to the
 * default setup (`public`, `postgres`): creating or altering them would either fail or hand out
 * privileges nobody meant to grant.
 */

/** Lower-case, unquoted-safe identifier of at most 63 bytes (Postgres' NAMEDATALEN - 1). */
export const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export type IdentifierKind = "role" | "schema" | "database";

/** Exact names refused per kind; each with the reason shown to a person. */
const RESERVED_EXACT: Readonly<Record<IdentifierKind, Readonly<Record<string, string>>>> = {
  role: {
    public: "it is the pseudo-role every role belongs to",
    postgres: "it is the bootstrap superuser",
    neon_superuser: "it is Neon's privileged role (CREATEROLE, BYPASSRLS, pg_read_all_data)",
    cloud_admin: "it is Neon's internal administrator",
    current_user: "it is a role specification keyword",
    current_role: "it is a role specification keyword",
    session_user: "it is a role specification keyword",
    none: "it is a role specification keyword",
    all: "it is a keyword",
  },
  schema: {
    public: "its CREATE privilege is revoked from everyone; the app needs its own schema",
    information_schema: "it belongs to Postgres",
  },
  database: {
    postgres: "it is the maintenance database",
    template0: "it is a template database",
    template1: "it is a template database",
  },
};

const RESERVED_PREFIXES: Readonly<Record<string, string>> = {
  pg_: "names starting with pg_ are reserved by Postgres",
  neon_: "names starting with neon_ are reserved by Neon",
};

export class IdentifierError extends Error {
  constructor(message: string) {
    super(message);
    // Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`, which sets no
    // message: without this line, errors thrown in the provider process would arrive empty.
    this.message = message;
    this.name = "IdentifierError";
  }
}

/**
 * The problem with `value` as a `kind` identifier, or undefined when it is fine. `field` names where
 * the value came from (e.g. `database.rolePrefix`), so the message tells a person what to change.
 */
export function identifierProblem(kind: IdentifierKind, field: string, value: unknown): string | undefined {
  if (typeof value !== "string") return `\`${field}\` must be a ${kind} name (a string), not ${typeof value}`;
  if (!IDENTIFIER_PATTERN.test(value)) {
    return `\`${field}\` is ${JSON.stringify(value)}, which is not a valid ${kind} name: use lower-case a-z, 0-9 and _, starting with a letter or _, at most 63 characters`;
  }
  const exact = RESERVED_EXACT[kind][value];
  if (exact) return `\`${field}\` is \`${value}\`, which is reserved (${exact}): choose another name`;
  for (const [prefix, reason] of Object.entries(RESERVED_PREFIXES)) {
    if (value.startsWith(prefix))
      return `\`${field}\` is \`${value}\`, which is reserved (${reason}): choose another name`;
  }
  return undefined;
}

/** Returns `value` when it is a valid, unreserved identifier; throws {@link IdentifierError} otherwise. */
export function assertIdentifier(kind: IdentifierKind, field: string, value: unknown): string {
  const problem = identifierProblem(kind, field, value);
  if (problem) throw new IdentifierError(problem);
  return value as string;
}

/** Quotes an identifier for SQL (`"name"`, inner quotes doubled). Always used, even after validation. */
export function quoteIdent(name: string): string {
  if (name.includes("\u0000")) throw new IdentifierError("an identifier can't contain a NUL character");
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL with `standard_conforming_strings` on (the default since 9.1). */
export function quoteLiteral(value: string): string {
  if (value.includes("\u0000")) throw new IdentifierError("a literal can't contain a NUL character");
  if (value.includes("\\")) {
    // E'' form so the meaning does not depend on standard_conforming_strings.
    return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  }
  return `'${value.replace(/'/g, "''")}'`;
}
