/**
 * The administrator connection the role provider works through: from a URL (Neon: the project owner's
 * connection URI) or from the local sandbox file (`.sandbox/postgres.json`, written by
 * `scripts/sandbox.ts`). No Pulumi resources. Every error names host and database, never a password.
 */
import { Client, type ClientConfig } from "pg";
import { parsePostgresUrl } from "./database-urls";

/** Where the administrator's credentials come from. */
export type PostgresAdmin =
  /** A connection URL (secret): Neon's owner role on the branch's endpoint. */
  | { readonly url: string }
  /** The sandbox file, read when the provider runs, so programs and mocks never need it. */
  | { readonly sandboxFile: string };

/** Contents of `.sandbox/postgres.json`. */
export interface SandboxConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface AdminConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The database the credentials name (for the sandbox: the maintenance database). */
  readonly database: string;
  readonly ssl: boolean;
}

export class PostgresAdminError extends Error {
  constructor(message: string) {
    super(message);
    // Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`, which sets no
    // message: without this line, errors thrown in the provider process would arrive empty.
    this.message = message;
    this.name = "PostgresAdminError";
  }
}

export function readSandboxFile(file: string): SandboxConnection {
  let text: string;
  try {
    // Required here rather than imported: Pulumi serialises this provider code, and under vitest (the
    // mocks tests) an imported builtin is a module object the serialiser can't turn into `require`.
    const fs: typeof import("node:fs") = require("node:fs");
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PostgresAdminError(
      code === "ENOENT"
        ? `the local Postgres sandbox file ${file} does not exist: start the sandbox with \`npx tsx scripts/sandbox.ts start\``
        : `can't read the local Postgres sandbox file ${file} (${code ?? "error"}): check its owner and mode (0600)`,
    );
  }
  let value: Partial<SandboxConnection>;
  try {
    value = JSON.parse(text) as Partial<SandboxConnection>;
  } catch {
    throw new PostgresAdminError(
      `the local Postgres sandbox file ${file} is not JSON: restart the sandbox to rewrite it`,
    );
  }
  const missing = (["host", "port", "user", "password", "database"] as const).filter(
    (k) => value[k] === undefined || value[k] === "",
  );
  if (missing.length > 0) {
    throw new PostgresAdminError(
      `the local Postgres sandbox file ${file} lacks ${missing.join(", ")}: restart the sandbox to rewrite it`,
    );
  }
  return value as SandboxConnection;
}

export function resolveAdmin(admin: PostgresAdmin): AdminConnection {
  if ("url" in admin) {
    const url = parsePostgresUrl(admin.url, "admin.url");
    return { ...url, ssl: url.sslmode !== undefined && url.sslmode !== "disable" };
  }
  const file = readSandboxFile(admin.sandboxFile);
  return {
    host: file.host,
    port: Number(file.port),
    user: file.user,
    password: file.password,
    database: file.database,
    ssl: false,
  };
}

/** `host:port, database "db"`: how messages name a connection. */
export function describeConnection(conn: Pick<AdminConnection, "host" | "port">, database: string): string {
  return `host ${conn.host}:${conn.port}, database "${database}"`;
}

/** Removes every occurrence of `secret` from `text` (errors from drivers can echo their input). */
export function scrub(text: string, ...secrets: (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("***");
  }
  return out;
}

export function clientConfig(
  conn: AdminConnection,
  database: string,
  overrides: Partial<ClientConfig> = {},
): ClientConfig {
  return {
    host: conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database,
    ssl: conn.ssl ? { rejectUnauthorized: true, servername: conn.host } : false,
    connectionTimeoutMillis: 15_000,
    application_name: "portal-infra",
    ...overrides,
  };
}

/** A connected client on `database` as the administrator; the error names host and database only. */
export async function connectAdmin(conn: AdminConnection, database: string): Promise<Client> {
  const client = new Client(clientConfig(conn, database));
  // A connection dropped while idle emits 'error'; without a listener that would crash the provider.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const reason = scrub(
      err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code || "error" : String(err),
      conn.password,
    );
    throw new PostgresAdminError(
      `can't connect to Postgres at ${describeConnection(conn, database)} as role "${conn.user}": ${reason}. Check that the server is running and reachable and that the administrator credentials are current`,
    );
  }
  return client;
}
