/**
 * The database URLs a tier publishes, and how they are built. Pure (type-only imports of Pulumi).
 *
 * `NEON_DATABASE_URL` points at the app role of the slot turned most recently, `NEON_READONLY_URL` at
 * the read-only role of its current slot, `NEON_MIGRATIONS_URL` at the single migrations role
 * (DESIGN.md, "Secret catalogue"). Neon needs TLS (`sslmode=require`); the local sandbox listens on
 * 127.0.0.1 only and has no certificate, so local URLs carry no sslmode.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RotatingSecret } from "../rotating-secret";

export type DatabaseUrlKey = "NEON_DATABASE_URL" | "NEON_MIGRATIONS_URL" | "NEON_READONLY_URL";
export const DATABASE_URL_KEYS: readonly DatabaseUrlKey[] = [
  "NEON_DATABASE_URL",
  "NEON_MIGRATIONS_URL",
  "NEON_READONLY_URL",
];

/** Each URL is a secret Output. */
export type DatabaseUrls = Record<DatabaseUrlKey, pulumi.Output<string>>;

/** Passwords of the database roles: app and readonly have 2 slots (alternating users), migrations 1. */
export interface DatabasePasswords {
  readonly app: RotatingSecret;
  readonly readonly: RotatingSecret;
  readonly migrations: RotatingSecret;
}

export type SslMode = "require" | "disable";

export interface PostgresUrlParts {
  readonly user: string;
  readonly password: string;
  readonly host: string;
  /** Omitted from the URL when 5432. */
  readonly port?: number;
  readonly database: string;
  /** `require` adds `?sslmode=require`; `disable` adds nothing (local). */
  readonly sslmode: SslMode;
}

export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    // Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`, which sets no
    // message: without this line, errors thrown in the provider process would arrive empty.
    this.message = message;
    this.name = "DatabaseUrlError";
  }
}

/** `postgresql://user:password@host[:port]/database[?sslmode=require]`, each part percent-encoded. */
export function postgresUrl(parts: PostgresUrlParts): string {
  if (!parts.host) {
    throw new DatabaseUrlError(
      `role \`${parts.user}\` has no host yet: the role resource returns it once created (under Pulumi mocks, return \`host\` and \`port\` from the mock for portal:postgres:Role)`,
    );
  }
  if (!parts.database) throw new DatabaseUrlError(`role \`${parts.user}\` has no database`);
  const host = parts.host.includes(":") && !parts.host.startsWith("[") ? `[${parts.host}]` : parts.host;
  const port = parts.port === undefined || parts.port === 5432 ? "" : `:${parts.port}`;
  const query = parts.sslmode === "require" ? "?sslmode=require" : "";
  return `postgresql://${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}@${host}${port}/${encodeURIComponent(parts.database)}${query}`;
}

export interface ParsedPostgresUrl {
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly sslmode: string | undefined;
}

/** Parses a `postgres://` or `postgresql://` URL. Errors name the problem, never the password. */
export function parsePostgresUrl(url: string, field = "url"): ParsedPostgresUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError(`\`${field}\` is not a URL: use postgresql://user:password@host/database`);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new DatabaseUrlError(`\`${field}\` has scheme \`${parsed.protocol}\`: use postgresql://`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!parsed.hostname) throw new DatabaseUrlError(`\`${field}\` has no host`);
  if (!database) throw new DatabaseUrlError(`\`${field}\` (host ${parsed.hostname}) has no database`);
  if (!parsed.username)
    throw new DatabaseUrlError(`\`${field}\` (host ${parsed.hostname}, database ${database}) has no user`);
  return {
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port: parsed.port ? Number(parsed.port) : 5432,
    database,
    sslmode: parsed.searchParams.get("sslmode") ?? undefined,
  };
}

/** The URL with its password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparseable url>";
  }
}
