/**
 * The local tier in the real engine (issue 4 and 6): `pulumi up` with the policy pack against the
 * local Postgres 17 sandbox, `pulumi preview --expect-no-changes`, rotation by moving the injectable
 * clock, alternating users under a load loop through three rotations, the leak-response command, the
 * rotation report, an export of the state, and destroy. One project copy, steps in order.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  copyProject,
  type EngineRun,
  type ProjectCopy,
  policyPack,
  pulumi,
  requireToolchain,
  script,
} from "../support/engine";
import { PASSPHRASES } from "../support/stacks";

// 90-day windows from the anchor 2026-01-05: window 3 starts 2026-10-02, then every 90 days.
const WINDOW = {
  3: "2026-12-03T00:00:00Z",
  4: "2026-12-31T00:00:00Z",
  5: "2027-03-31T00:00:00Z",
  6: "2027-06-29T00:00:00Z",
  7: "2027-09-27T00:00:00Z",
};

let project: ProjectCopy;

function envFile(): Record<string, string> {
  const text = fs.readFileSync(path.join(project.dir, ".env.local"), "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), JSON.parse(line.slice(line.indexOf("=") + 1)) as string]),
  );
}

/** Connects with a URL and returns the role it is, or the server's error. */
async function whoAmI(url: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows } = await client.query("select current_user");
    return rows[0].current_user as string;
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin<T>(query: (client: Client) => Promise<T>): Promise<T> {
  const conn = JSON.parse(fs.readFileSync(path.join(project.dir, ".sandbox", "postgres.json"), "utf8"));
  const client = new Client({
    host: conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database: "postgres",
  });
  await client.connect();
  try {
    return await query(client);
  } finally {
    await client.end();
  }
}

async function portalRoles(): Promise<string[]> {
  return admin(async (c) =>
    (await c.query("select rolname from pg_roles where rolname like 'portal%' order by 1")).rows.map((r) => r.rolname),
  );
}

/** Whether a process is alive; a zombie (exited, not yet reaped by init) is not. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function up(clock: string): Promise<EngineRun> {
  return pulumi(project, ["up", "--stack", "local", "--yes", ...policyPack("local")], { PORTAL_CLOCK: clock });
}

function expectOk(result: EngineRun): void {
  expect(result.code, result.output.slice(-4000)).toBe(0);
}

beforeAll(async () => {
  requireToolchain();
  project = copyProject("local-e2e", ["local"], PASSPHRASES.local);
  expectOk(await script(project, "sandbox.ts", ["start"]));
  expectOk(await pulumi(project, ["stack", "init", "local"]));
});

afterAll(async () => {
  if (!project) return;
  await script(project, "sandbox.ts", ["stop"]);
  project.remove();
});

describe("the local stack in the real engine", () => {
  it("pulumi up creates the roles and a 0600 .env.local whose URLs connect as those roles", async () => {
    expectOk(await up(WINDOW[3]));
    expect(await portalRoles()).toEqual([
      "portal_app_a",
      "portal_app_b",
      "portal_migrations",
      "portal_readonly_a",
      "portal_readonly_b",
    ]);
    expect(fs.statSync(path.join(project.dir, ".env.local")).mode & 0o777).toBe(0o600);
    const env = envFile();
    // Window 3 is odd: slot b turned last, so the URLs point at the b roles.
    expect(await whoAmI(env.NEON_DATABASE_URL)).toBe("portal_app_b");
    expect(await whoAmI(env.NEON_READONLY_URL)).toBe("portal_readonly_b");
    expect(await whoAmI(env.NEON_MIGRATIONS_URL)).toBe("portal_migrations");
  });

  it("a second run changes nothing: pulumi preview --expect-no-changes", async () => {
    expectOk(
      await pulumi(project, ["preview", "--stack", "local", "--expect-no-changes", ...policyPack("local")], {
        PORTAL_CLOCK: WINDOW[3],
      }),
    );
  });

  it("moving the clock past a window previews exactly the rotating secrets replaced and their consumers updated", async () => {
    const result = await pulumi(project, ["preview", "--stack", "local", "--json"], { PORTAL_CLOCK: WINDOW[4] });
    expectOk(result);
    const steps = (JSON.parse(result.output).steps as Array<{ op: string; urn: string }>).filter(
      (s) => s.op !== "same",
    );
    const changes = steps.map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort();
    // 2026-12-31: the 90-day secrets enter window 4 (slot a turns; migrations has one slot) and the
    // 180-day RESIDENCY_REPORT_SECRET enters window 2 (slot a). SHARE_LINK_HASH_SALT (365 days) does not turn.
    expect(changes).toEqual([
      "replace neon-database-url-a",
      "replace neon-migrations-url",
      "replace neon-readonly-url-a",
      "replace residency-report-secret-a",
      "update env-local",
      "update local-postgres-roles-app-a-role",
      "update local-postgres-roles-migrations-role",
      "update local-postgres-roles-readonly-a-role",
    ]);
  });

  it("pulumi up applies the rotation: the URL moves to the turned role, the partner keeps working", async () => {
    const before = envFile();
    expectOk(await up(WINDOW[4]));
    const after = envFile();
    expect(await whoAmI(after.NEON_DATABASE_URL)).toBe("portal_app_a");
    expect(await whoAmI(before.NEON_DATABASE_URL)).toBe("portal_app_b");
    expect(await whoAmI(before.NEON_MIGRATIONS_URL)).toMatch(
      /^error: password authentication failed for user "portal_migrations"/,
    );
    expect(await whoAmI(after.NEON_MIGRATIONS_URL)).toBe("portal_migrations");
    expect(after.RESIDENCY_REPORT_SECRET_PREVIOUS).toBe(before.RESIDENCY_REPORT_SECRET);
    expect(after.SHARE_LINK_HASH_SALT).toBe(before.SHARE_LINK_HASH_SALT);
  });

  it("a load loop re-reading .env.local runs through three rotations with no failed connection", async () => {
    const urlAtStart = envFile().NEON_DATABASE_URL; // portal_app_a, turned in window 4
    let current = urlAtStart;
    let attempts = 0;
    const failures: string[] = [];
    let running = true;
    const loop = (async () => {
      while (running && attempts < 20_000) {
        attempts++;
        const who = await whoAmI(current);
        if (who.startsWith("error")) failures.push(who);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const rotations: string[] = [];
    for (const clock of [WINDOW[5], WINDOW[6], WINDOW[7]]) {
      expectOk(await up(clock));
      current = envFile().NEON_DATABASE_URL;
      rotations.push(await whoAmI(current));
      if (clock === WINDOW[6]) {
        // Two turns after it was read, the first credential has been replaced.
        expect(await whoAmI(urlAtStart)).toMatch(/^error: password authentication failed for user "portal_app_a"/);
      }
    }
    running = false;
    await loop;
    expect(rotations).toEqual(["portal_app_b", "portal_app_a", "portal_app_b"]);
    expect(attempts).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });

  it("npm run rotate refuses while another update holds the stack's lock, and changes nothing", async () => {
    const stackFile = path.join(project.dir, "Pulumi.local.yaml");
    const before = fs.readFileSync(stackFile, "utf8");
    const locks = path.join(project.dir, ".pulumi-state", ".pulumi", "locks");
    const other = up(WINDOW[7]);
    const deadline = Date.now() + 60_000;
    const held = () =>
      fs.existsSync(locks) && (fs.readdirSync(locks, { recursive: true }) as string[]).some((f) => f.endsWith(".json"));
    while (!held() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(held()).toBe(true);
    const refused = await script(project, "rotate.ts", [
      "--stack",
      "local",
      "--secret",
      "NEON_DATABASE_URL",
      "--reason",
      "drill",
    ]);
    expectOk(await other);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(
      /^rotate: stack `local` is locked by another update \(\.pulumi\/locks\/organization\/portal-infra\/local\/[^)]+\.json\): wait for it to finish, then run this again\n$/,
    );
    expect(fs.readFileSync(stackFile, "utf8")).toBe(before);
  });

  it("npm run rotate bumps the generation, previews, applies with --yes, and the report shows the reason", async () => {
    const before = envFile();
    const rotated = await script(
      project,
      "rotate.ts",
      ["--stack", "local", "--secret", "NEON_DATABASE_URL", "--reason", "e2e leak drill", "--yes"],
      {
        PORTAL_CLOCK: WINDOW[7],
      },
    );
    expectOk(rotated);
    expect(rotated.output).toContain("NEON_DATABASE_URL: generation -> 1");
    const config = parse(fs.readFileSync(path.join(project.dir, "Pulumi.local.yaml"), "utf8")).config;
    expect(config["portal-infra:secrets"].NEON_DATABASE_URL).toMatchObject({
      generation: 1,
      generationReason: "2027-09-27: e2e leak drill",
    });
    const after = envFile();
    expect(after.NEON_DATABASE_URL).not.toBe(before.NEON_DATABASE_URL);
    // An emergency rotation replaces both slots: the leaked URL and its partner stop working at once.
    expect(await whoAmI(before.NEON_DATABASE_URL)).toMatch(/^error: password authentication failed/);
    expect(await whoAmI(after.NEON_DATABASE_URL)).toBe("portal_app_b");

    const report = await script(project, "rotation-report.ts", ["--stack", "local", "--out", "reports"], {
      PORTAL_CLOCK: WINDOW[7],
    });
    expectOk(report);
    expect(report.output).toMatch(
      /NEON_DATABASE_URL\s+generated\s+90d\s+\S+ \S+\s+7 \(g1\)\s+2027-12-26\s+no\s+3\/3\s+2027-09-27: e2e leak drill/,
    );
    const json = JSON.parse(fs.readFileSync(path.join(project.dir, "reports", "rotation-local.json"), "utf8"));
    expect(json.rows.find((r: { key: string }) => r.key === "NEON_DATABASE_URL").reason).toBe(
      "2027-09-27: e2e leak drill",
    );
    const files = [
      report.output,
      fs.readFileSync(path.join(project.dir, "reports", "rotation-local.md"), "utf8"),
      JSON.stringify(json),
    ];
    for (const value of Object.values(after)) for (const text of files) expect(text).not.toContain(value);
  });

  it("an export of the state holds none of the generated secret values in plaintext", async () => {
    const exported = await pulumi(project, ["stack", "export", "--stack", "local"]);
    expectOk(exported);
    const passwords = Object.values(envFile()).flatMap((value) => {
      const url = /^postgres(ql)?:\/\//.test(value) ? new URL(value) : undefined;
      return url ? [decodeURIComponent(url.password)] : [value];
    });
    // 3 role passwords, 2 current + 2 previous generated values, 5 vendor placeholders.
    expect(passwords.filter((p) => p.length >= 20)).toHaveLength(12);
    for (const secret of passwords) expect(exported.output).not.toContain(secret);
    expect(exported.output).toContain("ciphertext");
  });

  it("destroy drops the roles, removes .env.local, and the sandbox stops with nothing left running", async () => {
    expectOk(await pulumi(project, ["destroy", "--stack", "local", "--yes"], { PORTAL_CLOCK: WINDOW[7] }));
    expect(await portalRoles()).toEqual([]);
    expect(fs.existsSync(path.join(project.dir, ".env.local"))).toBe(false);
    const pid = Number(
      fs.readFileSync(path.join(project.dir, ".sandbox", "data", "postmaster.pid"), "utf8").split("\n")[0],
    );
    expectOk(await script(project, "sandbox.ts", ["stop"]));
    expect(running(pid)).toBe(false);
    const status = await script(project, "sandbox.ts", ["status"]);
    expect(status.code).toBe(3);
  });
});
