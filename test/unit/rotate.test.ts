/**
 * The leak-response command's checks and its config edit. The full flow (preview, --yes) runs against
 * the real engine in test/e2e; here every bad input must fail with a clear error and change nothing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { editForRotation } from "../../scripts/lib/rotation-request";
import { ROOT } from "../support/stacks";

const NOW = new Date("2026-12-03T10:00:00Z");
const local = fs.readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8");

describe("editForRotation", () => {
  it("bumps a generated secret's generation and records the reason, leaving the rest of the file alone", () => {
    const edit = editForRotation(local, {
      stack: "local",
      key: "NEON_DATABASE_URL",
      reason: "URL pasted in chat",
      now: NOW,
    });
    const after = parse(edit.text).config["portal-infra:secrets"].NEON_DATABASE_URL;
    expect(after).toEqual({
      cadenceDays: 90,
      anchor: "2026-01-05T00:00:00Z",
      generation: 1,
      generationReason: "2026-12-03: URL pasted in chat",
    });
    const changed = edit.text.split("\n").filter((line) => !local.split("\n").includes(line));
    expect(changed.map((l) => l.trim())).toEqual([
      "generation: 1",
      'generationReason: "2026-12-03: URL pasted in chat"',
    ]);
    const again = editForRotation(edit.text, { stack: "local", key: "NEON_DATABASE_URL", reason: "again", now: NOW });
    expect(parse(again.text).config["portal-infra:secrets"].NEON_DATABASE_URL.generation).toBe(2);
  });

  it("refuses a vendor secret until its new value is set, then needs its rotation date", () => {
    const request = { stack: "local", key: "RESEND_API_KEY", reason: "leaked", now: NOW };
    expect(() => editForRotation(local, request, local)).toThrow(
      "RESEND_API_KEY is vendor-issued: rotate it in Resend dashboard > API keys, run `pulumi config set --secret RESEND_API_KEY --stack local` with the new value, then re-run with --rotated-at <ISO date>",
    );
    expect(() => editForRotation(local, { ...request, rotatedAt: "2026-12-03" }, local)).toThrow(
      "the value of RESEND_API_KEY is unchanged since the last commit: run `pulumi config set --secret RESEND_API_KEY --stack local` with the new value from Resend dashboard > API keys first",
    );
    const newValue = local.replace(/(portal-infra:RESEND_API_KEY:\n\s+secure: )\S+/, "$1v1:bmV3:bmV3dmFsdWU=");
    const edit = editForRotation(newValue, { ...request, rotatedAt: "2026-12-03" }, local);
    expect(parse(edit.text).config["portal-infra:secrets"].RESEND_API_KEY).toEqual({
      cadenceDays: 90,
      rotatedAt: "2026-12-03",
      generationReason: "2026-12-03: leaked",
    });
    expect(() => editForRotation(newValue, { ...request, rotatedAt: "2026-12-24" }, local)).toThrow(
      "`--rotated-at` is 2026-12-24, which is in the future: use the date the vendor issued the new value",
    );
  });
});

describe("npm run rotate: bad input is a clear error and changes nothing", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotate-"));
    for (const stack of ["local", "production"])
      fs.copyFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
    fs.mkdirSync(path.join(dir, "backend/.pulumi/locks/organization/portal-infra/production"), { recursive: true });
    fs.writeFileSync(path.join(dir, "backend/.pulumi/locks/organization/portal-infra/production/1f2e.json"), "{}");
  });

  function rotate(...args: string[]) {
    const before = fs
      .readdirSync(dir)
      .map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f), "utf8") : ""]);
    const result = spawnSync(
      path.join(ROOT, "node_modules/.bin/tsx"),
      [path.join(ROOT, "scripts/rotate.ts"), ...args],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, PULUMI_BACKEND_URL: `file://${dir}/backend`, PORTAL_CLOCK: NOW.toISOString() },
      },
    );
    const after = fs
      .readdirSync(dir)
      .map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f), "utf8") : ""]);
    expect(after).toEqual(before);
    return { status: result.status, stderr: result.stderr.trim() };
  }

  it.each([
    [
      ["--stack", "qa", "--secret", "NEON_DATABASE_URL", "--reason", "x"],
      "rotate: `--stack` is `qa`, which has no Pulumi.qa.yaml: use one of local, dev, staging, production",
    ],
    [
      ["--stack", "local", "--secret", "STRIPE_KEY", "--reason", "x"],
      "rotate: `--secret` is `STRIPE_KEY`, which is not in the catalogue: use one of NEON_DATABASE_URL, NEON_MIGRATIONS_URL, NEON_READONLY_URL, RESIDENCY_REPORT_SECRET, SHARE_LINK_HASH_SALT, CLERK_SECRET_KEY, MUX_TOKEN_ID, MUX_TOKEN_SECRET, RESEND_API_KEY, SENTRY_AUTH_TOKEN",
    ],
    [
      ["--stack", "local", "--secret", "NEON_DATABASE_URL"],
      'rotate: `--reason` is missing: say why, e.g. --reason "leaked in a CI log": it lands in the rotation evidence',
    ],
    [
      ["--stack", "local", "--secret", "NEON_DATABASE_URL", "--reason", "  "],
      'rotate: `--reason` is missing: say why, e.g. --reason "leaked in a CI log": it lands in the rotation evidence',
    ],
    [
      ["--stack", "production", "--secret", "NEON_DATABASE_URL", "--reason", "leak"],
      "rotate: stack `production` is locked by another update (.pulumi/locks/organization/portal-infra/production/1f2e.json): wait for it to finish, then run this again",
    ],
    [
      ["--stack", "local", "--secret", "CLERK_SECRET_KEY", "--reason", "leak"],
      "rotate: CLERK_SECRET_KEY is vendor-issued: rotate it in Clerk dashboard > API keys, run `pulumi config set --secret CLERK_SECRET_KEY --stack local` with the new value, then re-run with --rotated-at <ISO date>",
    ],
    [
      ["--stack", "local", "--secret", "NEON_DATABASE_URL", "--reason", "x", "--force"],
      "rotate: unknown argument `--force`: expected --stack <value>, --secret <value>, --reason <value>, --rotated-at <value>, --yes",
    ],
    [
      ["--stack=local", "--secret", "NEON_DATABASE_URL", "--reason", "x", "--stack", "production"],
      "rotate: `--stack` is given more than once: give it once",
    ],
  ])("rotate %j", (args, message) => {
    const { status, stderr } = rotate(...args);
    expect(status).toBe(1);
    expect(stderr).toBe(message);
  });
});
