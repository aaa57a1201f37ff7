/**
 * `scripts/sandbox.ts` as a person runs it (through tsx), in a temporary directory: start, status,
 * idempotent restart, stop, a stale postmaster.pid, and recovery after the server was killed.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxConnection } from "../../components/lib/postgres-admin";

const repo = path.join(__dirname, "..", "..");
const script = path.join(repo, "scripts", "sandbox.ts");
let root: string;
let sandbox: string;

function sandboxCli(command: string): { status: number | null; out: string } {
  // `node --import tsx` is `npx tsx` without npx's start-up time.
  const result = spawnSync(process.execPath, ["--import", "tsx", script, command], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, PORTAL_SANDBOX_DIR: sandbox },
    timeout: 120_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

const connection = (): SandboxConnection =>
  JSON.parse(readFileSync(path.join(sandbox, "postgres.json"), "utf8")) as SandboxConnection;

async function query(sql: string): Promise<unknown[]> {
  const client = new Client({ ...connection(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "portal-sandbox-test-"));
  // As root, the server's OS user must be able to pass through (the repo's own directory normally is).
  chmodSync(root, 0o711);
  sandbox = path.join(root, ".sandbox");
});

afterAll(() => {
  if (sandbox && existsSync(path.join(sandbox, "data"))) sandboxCli("stop");
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("scripts/sandbox.ts", () => {
  it("starts a fresh sandbox on a free 127.0.0.1 port and writes postgres.json with mode 0600, never printing the password", async () => {
    expect(sandboxCli("status")).toMatchObject({ status: 3, out: expect.stringContaining("not initialised") });
    const started = sandboxCli("start");
    expect(started.status, started.out).toBe(0);
    const conn = connection();
    expect(conn).toMatchObject({ host: "127.0.0.1", user: "postgres", database: "postgres" });
    expect(conn.port).toBeGreaterThan(1024);
    expect(conn.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(statSync(path.join(sandbox, "postgres.json")).mode & 0o777).toBe(0o600);
    expect(started.out).toContain(`Postgres on 127.0.0.1:${conn.port}`);
    expect(started.out).not.toContain(conn.password);
    expect(await query("SELECT current_setting('server_version_num')::int >= 170000 AS pg17")).toEqual([
      { pg17: true },
    ]);
    expect(await query("SELECT current_setting('listen_addresses') AS listen")).toEqual([{ listen: "127.0.0.1" }]);
  });

  it("start is idempotent (same port and password) and status reports it", () => {
    const before = connection();
    const again = sandboxCli("start");
    expect(again).toMatchObject({ status: 0, out: expect.stringContaining("already running") });
    expect(connection()).toEqual(before);
    expect(sandboxCli("status")).toMatchObject({
      status: 0,
      out: expect.stringContaining(`on 127.0.0.1:${before.port}`),
    });
  });

  it("stops cleanly; stopping again says it is not running", () => {
    expect(sandboxCli("stop")).toMatchObject({ status: 0, out: expect.stringContaining("stopped the sandbox") });
    expect(sandboxCli("status").status).toBe(3);
    expect(sandboxCli("stop")).toMatchObject({ status: 0, out: expect.stringContaining("is not running") });
  });

  it("starts over a stale postmaster.pid, keeping the password and the data", async () => {
    const before = connection();
    const pidFile = path.join(sandbox, "data", "postmaster.pid");
    // A PID no process has (above the default pid_max), as after a crash or a reboot.
    writeFileSync(pidFile, `4194999\n${path.join(sandbox, "data")}\n1700000000\n${before.port}\n\n127.0.0.1\n`);
    const started = sandboxCli("start");
    expect(started.status, started.out).toBe(0);
    expect(connection().password).toBe(before.password);
    await query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')");
  });

  it("never reports or stops another folder's server through a copied postmaster.pid", () => {
    const pidFile = path.join(sandbox, "data", "postmaster.pid");
    const copy = path.join(root, "copied-sandbox");
    mkdirSync(path.join(copy, "data"), { recursive: true });
    writeFileSync(path.join(copy, "data", "postmaster.pid"), readFileSync(pidFile, "utf8"));
    writeFileSync(path.join(copy, "postgres.json"), readFileSync(path.join(sandbox, "postgres.json"), "utf8"));
    const inCopy = (command: string) =>
      spawnSync(process.execPath, ["--import", "tsx", script, command], {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, PORTAL_SANDBOX_DIR: copy },
      });
    expect(inCopy("status").status).toBe(3);
    expect(inCopy("stop").status).toBe(0);
    expect(sandboxCli("status").status).toBe(0); // the original still runs
  });

  it("recovers after the server is killed: status says stopped, start brings the data back", async () => {
    const pid = Number(readFileSync(path.join(sandbox, "data", "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGKILL");
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(sandboxCli("status").status).toBe(3);
    const started = sandboxCli("start");
    expect(started.status, started.out).toBe(0);
    expect(await query("SELECT v FROM kept")).toEqual([{ v: "survives" }]);
    expect(sandboxCli("stop").status).toBe(0);
  });

  it("rejects an unknown command with usage", () => {
    expect(sandboxCli("destroy")).toMatchObject({
      status: 2,
      out: expect.stringContaining("usage: npx tsx scripts/sandbox.ts start|stop|status"),
    });
  });
});
