/**
 * Redeploy after rotation in the real engine: a rotation calls the project's deploy hook exactly once,
 * no rotation calls it not at all. A local HTTP endpoint stands in for Vercel's deploy hook and answers
 * as Vercel documents it (201 with the job), or with an error status.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EngineRun, engineEnv, requireToolchain, run, TOOLS } from "../support/engine";
import { ROOT } from "../support/stacks";

const FIXTURE = path.join(__dirname, "fixtures", "redeploy");
let dir: string;
let server: http.Server;
let status = 201;
const calls: Array<{ method?: string; url?: string }> = [];

function pulumi(args: string[], clock: string): Promise<EngineRun> {
  const env = engineEnv(dir, "fixture-only-not-a-secret", { PORTAL_CLOCK: clock });
  return run(path.join(TOOLS, "bin", "pulumi"), [...args, "--non-interactive", "--color", "never"], dir, env);
}

async function up(clock: string): Promise<EngineRun> {
  return pulumi(["up", "--stack", "e2e", "--yes"], clock);
}

beforeAll(async () => {
  requireToolchain();
  server = http.createServer((req, res) => {
    calls.push({ method: req.method, url: req.url });
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ job: { id: `job-${calls.length}`, state: "PENDING", createdAt: Date.now() } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  // The fixture imports the real components from the project, by a path that holds from the copy.
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "redeploy-e2e-")), "test", "e2e", "fixtures", "redeploy");
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const top = path.resolve(dir, "../../../..");
  fs.cpSync(path.join(ROOT, "components"), path.join(top, "components"), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(top, "node_modules"));
  fs.mkdirSync(path.join(dir, ".pulumi-state"));
  for (const args of [
    ["stack", "init", "e2e"],
    ["config", "set", "--secret", "hookUrl", `http://127.0.0.1:${port}/v1/integrations/deploy/prj_e2e/hook_e2e`],
  ]) {
    const result = await pulumi(args, "2026-12-03T00:00:00Z");
    expect(result.code, result.output).toBe(0);
  }
});

afterAll(() => {
  server?.close();
  if (dir) fs.rmSync(path.resolve(dir, "../../../.."), { recursive: true, force: true });
});

describe("redeploy after rotation", () => {
  it("the first deploy requests one redeploy", async () => {
    const result = await up("2026-12-03T00:00:00Z");
    expect(result.code, result.output).toBe(0);
    expect(calls).toEqual([{ method: "POST", url: "/v1/integrations/deploy/prj_e2e/hook_e2e" }]);
    expect(result.output).not.toContain("hook_e2e");
  });

  it("no rotation, no redeploy", async () => {
    const result = await up("2026-12-20T00:00:00Z");
    expect(result.code, result.output).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it("a rotation requests exactly one redeploy, though two secrets turned", async () => {
    const result = await up("2027-01-02T00:00:00Z");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/neon-migrations-url\s+replaced/);
    expect(calls).toHaveLength(2);
  });

  it("a hook that answers with an error fails the update without printing the URL, and is retried on the next up", async () => {
    status = 500;
    const failed = await up("2027-04-02T00:00:00Z");
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain("deploy hook answered 500");
    expect(failed.output).not.toContain("hook_e2e");
    status = 201;
    const retried = await up("2027-04-02T00:00:00Z");
    expect(retried.code, retried.output).toBe(0);
    expect(calls).toHaveLength(4);
  });
});
