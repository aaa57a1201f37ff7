/**
 * The Neon providers (project, branch, endpoint) against a local double of Neon's API: create, update,
 * delete, idempotency, waiting for operations, retries of 423/429/503 with a bound, no retry of 500,
 * the region refusal and protection, and that the API key or a password never reaches state-bound
 * inputs or unmarked outputs.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ENDPOINT_SECRET_OUTPUTS } from "../../components/lib/neon-rules";
import { KIND } from "../../components/lib/resource-kinds";
import { type NeonBranchInputs, type NeonBranchOutputs, neonBranchProvider } from "../../components/neon-branch";
import {
  type NeonEndpointInputs,
  type NeonEndpointOutputs,
  neonEndpointProvider,
} from "../../components/neon-endpoint";
import { type NeonProjectInputs, type NeonProjectOutputs, neonProjectProvider } from "../../components/neon-project";
import { FAST_NEON_POLICY, NeonDouble } from "../support/neon-double";
import { appRoleInputs } from "../support/roles";

const API_KEY = "napi_test_key_0123456789abcdefghijklmnopqrstuvwxyz";
const OWNER_PASSWORD = "npg_OwnerPassw0rdFromNeonDouble";

let double: NeonDouble;

function config(values: Record<string, string | undefined>): pulumi.dynamic.ConfigureRequest {
  const get = (key: string) => values[key];
  return {
    config: {
      get,
      require: (key: string) =>
        get(key) ??
        (() => {
          throw new Error(`missing ${key}`);
        })(),
    },
  };
}

async function configured<T extends pulumi.dynamic.ResourceProvider>(provider: T, key = API_KEY): Promise<T> {
  await provider.configure?.(config({ "portal-infra:neonApiKey": key, "portal-infra:neonApiHost": double.baseUrl }));
  return provider;
}

const projectInputs = (overrides: Partial<NeonProjectInputs> = {}): NeonProjectInputs => ({
  resourceKind: KIND.neonProject,
  name: "portal",
  regionId: "aws-ap-southeast-2",
  pgVersion: 17,
  lifecycle: "owned",
  protected: true,
  rootBranch: "production",
  databaseName: "portal",
  ownerRole: "portal_owner",
  ...overrides,
});

const branchInputs = (projectId: string, overrides: Partial<NeonBranchInputs> = {}): NeonBranchInputs => ({
  resourceKind: KIND.neonBranch,
  projectId,
  name: "production",
  protected: true,
  ...overrides,
});

const endpointInputs = (projectId: string, branchId: string): NeonEndpointInputs => ({
  resourceKind: KIND.neonEndpoint,
  projectId,
  branchId,
  type: "read_write",
  minCu: 0.25,
  maxCu: 2,
  suspendTimeoutSeconds: 0,
  databaseName: "portal",
  ownerRole: "portal_owner",
});

/** Every string in `value`, with its top-level key. */
function stringsByKey(value: Record<string, unknown>): [string, string][] {
  return Object.entries(value).flatMap(
    ([k, v]) =>
      JSON.stringify(v ?? null)
        .match(/"([^"\\]|\\.)*"/g)
        ?.map((s) => [k, JSON.parse(s) as string] as [string, string]) ?? [],
  );
}

beforeAll(async () => {
  double = await new NeonDouble({ apiKey: API_KEY, operationMs: 30, ownerPassword: OWNER_PASSWORD }).start();
});

afterAll(async () => {
  await double?.stop();
});

beforeEach(() => double.resetLog());

describe("the production stack's project, root branch and compute", () => {
  let project: NeonProjectOutputs;
  let branch: NeonBranchOutputs;
  let endpoint: NeonEndpointOutputs;

  it("creates the project in Australia with Postgres 17 and waits for its operations", async () => {
    const provider = await configured(neonProjectProvider({ policy: FAST_NEON_POLICY }));
    const checked = await provider.check?.({} as NeonProjectInputs, projectInputs());
    expect(checked?.failures).toEqual([]);
    const created = await provider.create(projectInputs());
    project = created.outs as NeonProjectOutputs;
    expect(created.id).toBe(project.projectId);

    const post = double.requests.find((r) => r.method === "POST" && r.path === "/projects");
    expect(post?.body).toEqual({
      project: {
        name: "portal",
        region_id: "aws-ap-southeast-2",
        pg_version: 17,
        branch: { name: "production", role_name: "portal_owner", database_name: "portal" },
      },
    });
    // Returned only after Neon's operations finished.
    const polls = double.requests.filter((r) => r.path.startsWith(`/projects/${project.projectId}/operations/`));
    expect(polls.length).toBeGreaterThan(0);
    expect(
      [...(double.projects.get(project.projectId)?.operations.values() ?? [])].every(
        (op) => Date.now() >= op.finishesAt,
      ),
    ).toBe(true);
    // Every request carried the key, and nothing else did.
    expect(new Set(double.requests.map((r) => r.authorization))).toEqual(new Set([`Bearer ${API_KEY}`]));
  });

  it("keeps no password, URI or key in the project's outputs (the create response had the owner's password)", () => {
    const text = JSON.stringify(project);
    expect(text).not.toContain(OWNER_PASSWORD);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toMatch(/postgres(ql)?:\/\//);
  });

  it("adopts the root branch and protects it; adopts the compute Neon made and returns the owner URI as the only secret", async () => {
    const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
    branch = (await branches.create(branchInputs(project.projectId))).outs as NeonBranchOutputs;
    expect(branch.branchId).toBe(project.defaultBranchId);
    expect(double.requests.filter((r) => r.method === "POST").map((r) => r.path)).toEqual([]);
    expect(double.requests.find((r) => r.method === "PATCH")?.body).toEqual({
      branch: { name: "production", protected: true },
    });

    const endpoints = await configured(neonEndpointProvider({ policy: FAST_NEON_POLICY }));
    double.resetLog();
    endpoint = (await endpoints.create(endpointInputs(project.projectId, branch.branchId))).outs as NeonEndpointOutputs;
    expect(endpoint.host).toMatch(/^ep-.*\.ap-southeast-2\.aws\.neon\.tech$/);
    expect(endpoint.regionId).toBe("aws-ap-southeast-2");
    expect(endpoint.adminUri).toBe(
      `postgresql://portal_owner:${OWNER_PASSWORD}@${endpoint.host}/portal?sslmode=require`,
    );
    // Only the compute's settings were changed (max 0.25 -> 2), not a second compute.
    expect(double.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /projects/${project.projectId}/endpoints/${endpoint.endpointId}`,
    ]);
    // Every output that holds a secret is listed in additionalSecretOutputs; no output holds the key.
    const secretKeys = stringsByKey(endpoint as unknown as Record<string, unknown>)
      .filter(([, v]) => v.includes(OWNER_PASSWORD) || /postgres(ql)?:\/\//.test(v))
      .map(([k]) => k);
    expect(secretKeys).toEqual([...ENDPOINT_SECRET_OUTPUTS]);
    expect(JSON.stringify([project, branch, endpoint])).not.toContain(API_KEY);
  });

  it("is idempotent: creating again adopts, updating with the same inputs calls nothing that mutates, diff sees no change", async () => {
    const projects = await configured(neonProjectProvider({ policy: FAST_NEON_POLICY }));
    const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
    const endpoints = await configured(neonEndpointProvider({ policy: FAST_NEON_POLICY }));
    double.resetLog();
    expect((await projects.create(projectInputs())).outs).toEqual(project);
    expect((await branches.create(branchInputs(project.projectId))).outs).toEqual(branch);
    expect((await endpoints.create(endpointInputs(project.projectId, branch.branchId))).outs).toEqual(endpoint);
    await projects.update?.(project.projectId, project, projectInputs());
    await branches.update?.(branch.branchId, branch, branchInputs(project.projectId));
    await endpoints.update?.(endpoint.endpointId, endpoint, endpointInputs(project.projectId, branch.branchId));
    expect(double.mutatingRequests()).toEqual([]);
    expect(await projects.diff?.(project.projectId, project, projectInputs())).toMatchObject({
      changes: false,
      replaces: [],
    });
    expect(await branches.diff?.(branch.branchId, branch, branchInputs(project.projectId))).toMatchObject({
      changes: false,
      replaces: [],
    });
    expect(
      await endpoints.diff?.(endpoint.endpointId, endpoint, endpointInputs(project.projectId, branch.branchId)),
    ).toMatchObject({ changes: false });
  });

  it("updates in place what Neon can update: the project's name, the compute's size", async () => {
    const projects = await configured(neonProjectProvider({ policy: FAST_NEON_POLICY }));
    const renamed = projectInputs({ name: "portal-au" });
    expect(await projects.diff?.(project.projectId, project, renamed)).toMatchObject({ changes: true, replaces: [] });
    await projects.update?.(project.projectId, project, renamed);
    expect(double.projects.get(project.projectId)?.project.name).toBe("portal-au");
    await projects.update?.(project.projectId, { ...project, name: "portal-au" }, projectInputs());

    const endpoints = await configured(neonEndpointProvider({ policy: FAST_NEON_POLICY }));
    const bigger = { ...endpointInputs(project.projectId, branch.branchId), maxCu: 4 };
    expect(await endpoints.diff?.(endpoint.endpointId, endpoint, bigger)).toMatchObject({
      changes: true,
      replaces: [],
    });
    const updated = (await endpoints.update?.(endpoint.endpointId, endpoint, bigger))?.outs as NeonEndpointOutputs;
    expect(updated.maxCu).toBe(4);
    expect(double.projects.get(project.projectId)?.endpoints.get(endpoint.endpointId)?.autoscaling_limit_max_cu).toBe(
      4,
    );
  });

  it("refuses a change of region with a clear error, before calling Neon", async () => {
    const projects = await configured(neonProjectProvider({ policy: FAST_NEON_POLICY }));
    double.resetLog();
    const moved = projectInputs({ regionId: "aws-us-east-1" });
    const checked = await projects.check?.(projectInputs(), moved);
    expect(checked?.failures).toEqual([
      {
        property: "regionId",
        reason:
          "`neon.region` of project `portal` is `aws-ap-southeast-2` and can't become `aws-us-east-1`: Neon can't move a project, and replacing it would delete its data. Keep `aws-ap-southeast-2`, or create a new project and migrate the data to it",
      },
    ]);
    // Even if check were bypassed, diff neither replaces nor deletes: it fails.
    await expect(projects.diff?.(project.projectId, project, moved)).rejects.toThrow(/can't become `aws-us-east-1`/);
    await expect(projects.update?.(project.projectId, project, moved)).rejects.toThrow(/can't become `aws-us-east-1`/);
    expect(double.mutatingRequests()).toEqual([]);
    expect(double.projects.get(project.projectId)?.project.region_id).toBe("aws-ap-southeast-2");
  });

  it("refuses a Postgres version change of the protected project, and protected replacements of its branch", async () => {
    const projects = await configured(neonProjectProvider({ policy: FAST_NEON_POLICY }));
    expect(
      (await projects.check?.(projectInputs(), projectInputs({ pgVersion: 18 })))?.failures?.map((f) => f.property),
    ).toEqual(["pgVersion"]);
    // An unprotected project may be replaced (Neon can't upgrade in place).
    expect(
      await projects.diff?.(
        project.projectId,
        { ...project, protected: false },
        projectInputs({ protected: false, pgVersion: 18 }),
      ),
    ).toMatchObject({
      replaces: ["pgVersion"],
    });
    const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
    const reparented = branchInputs(project.projectId, { parent: "staging" });
    expect(
      (await branches.check?.(branchInputs(project.projectId), reparented))?.failures?.map((f) => f.property),
    ).toEqual(["parent"]);
  });

  it("refuses to delete the protected project and branch; nothing is deleted", async () => {
    const projects = await configured(neonProjectProvider({ policy: FAST_NEON_POLICY }));
    const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
    await expect(branches.delete?.(branch.branchId, branch)).rejects.toThrow(
      /branch `production` .* is protected: refusing to delete it/,
    );
    await expect(projects.delete?.(project.projectId, project)).rejects.toThrow(
      /project `portal` .* is protected and holds the production data: refusing to delete it/,
    );
    expect(double.mutatingRequests()).toEqual([]);
    expect(double.projects.has(project.projectId)).toBe(true);
  });

  describe("the staging and dev stacks", () => {
    let shared: NeonProjectOutputs;
    let staging: NeonBranchOutputs;

    it("share the project (look it up, never create it) and make their branches as children of production", async () => {
      const projects = await configured(neonProjectProvider({ policy: FAST_NEON_POLICY }));
      shared = (await projects.create(projectInputs({ lifecycle: "shared", protected: false })))
        .outs as NeonProjectOutputs;
      expect(shared.projectId).toBe(project.projectId);
      expect(double.mutatingRequests()).toEqual([]);

      const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
      staging = (
        await branches.create(
          branchInputs(shared.projectId, { name: "staging", parent: "production", protected: false }),
        )
      ).outs as NeonBranchOutputs;
      const dev = (
        await branches.create(branchInputs(shared.projectId, { name: "dev", parent: "production", protected: false }))
      ).outs as NeonBranchOutputs;
      expect(staging.parentId).toBe(branch.branchId);
      expect(dev.parentId).toBe(branch.branchId);
      expect(double.requests.filter((r) => r.method === "POST").map((r) => r.body)).toEqual([
        { branch: { name: "staging", parent_id: branch.branchId, protected: false } },
        { branch: { name: "dev", parent_id: branch.branchId, protected: false } },
      ]);
      // Creating again adopts (an interrupted run can be repeated).
      double.resetLog();
      expect(
        (
          await branches.create(
            branchInputs(shared.projectId, { name: "staging", parent: "production", protected: false }),
          )
        ).outs,
      ).toEqual(staging);
      expect(double.mutatingRequests()).toEqual([]);

      const endpoints = await configured(neonEndpointProvider({ policy: FAST_NEON_POLICY }));
      const ep = (await endpoints.create(endpointInputs(shared.projectId, staging.branchId)))
        .outs as NeonEndpointOutputs;
      expect(double.requests.find((r) => r.method === "POST")?.body).toEqual({
        endpoint: {
          branch_id: staging.branchId,
          type: "read_write",
          autoscaling_limit_min_cu: 0.25,
          autoscaling_limit_max_cu: 2,
          suspend_timeout_seconds: 0,
        },
      });
      expect(ep.adminUri).toContain(`@${ep.host}/portal?sslmode=require`);
      await endpoints.delete?.(ep.endpointId, ep);
      await endpoints.delete?.(ep.endpointId, ep); // already gone: no error
    });

    it("a shared project is never deleted by them, and a missing one is explained", async () => {
      const projects = await configured(neonProjectProvider({ policy: FAST_NEON_POLICY }));
      double.resetLog();
      await projects.delete?.(shared.projectId, shared);
      expect(double.mutatingRequests()).toEqual([]);
      await expect(projects.create(projectInputs({ name: "nope", lifecycle: "shared" }))).rejects.toThrow(
        /Neon project `nope` does not exist: it is created by the stack that owns it .* run `pulumi up` there first/,
      );
      await expect(projects.create(projectInputs({ lifecycle: "shared", regionId: "aws-us-east-1" }))).rejects.toThrow(
        /exists in aws-ap-southeast-2/,
      );
    });

    it("a missing parent is explained", async () => {
      const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
      await expect(
        branches.create(branchInputs(project.projectId, { name: "qa", parent: "nope", protected: false })),
      ).rejects.toThrow(/parent branch `nope` of `qa` does not exist .* deploy the stack that owns it/);
    });

    it("deletes an unprotected child branch and waits; deleting it again is a no-op", async () => {
      const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
      await branches.delete?.(staging.branchId, staging);
      expect(double.projects.get(project.projectId)?.branches.has(staging.branchId)).toBe(false);
      expect(double.requests.some((r) => r.path.includes("/operations/"))).toBe(true);
      await expect(branches.delete?.(staging.branchId, staging)).resolves.toBeUndefined();
    });
  });

  describe("faults", () => {
    const qa = () =>
      branchInputs(project.projectId, {
        name: `qa-${Math.random().toString(36).slice(2, 8)}`,
        parent: "production",
        protected: false,
      });
    const posts = () => double.requests.filter((r) => r.method === "POST" && r.path.endsWith("/branches"));

    it("retries 429 (honouring Retry-After) and 503, then succeeds", async () => {
      const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
      double.failNext({ method: "POST", path: /\/branches$/, status: 429, times: 2, retryAfter: 0 });
      double.failNext({ method: "POST", path: /\/branches$/, status: 503, times: 1 });
      await branches.create(qa());
      expect(posts().map((r) => r.status)).toEqual([429, 429, 503, 201]);
    });

    it("retries 423 while another operation runs on the project, then succeeds", async () => {
      const branches = await configured(
        neonBranchProvider({
          policy: { ...FAST_NEON_POLICY, retry: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 60 } },
        }),
      );
      double.lock(project.projectId, 100);
      await branches.create(qa());
      const statuses = posts().map((r) => r.status);
      expect(statuses[0]).toBe(423);
      expect(statuses.at(-1)).toBe(201);
    });

    it("gives up after the bound, saying so", async () => {
      const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
      double.failNext({ method: "POST", path: /\/branches$/, status: 429, times: 50 });
      await expect(branches.create(qa())).rejects.toThrow(
        /Neon answered 429 \(injected 429, request [0-9a-f-]+\) \(still failing after 5 attempts with backoff\)/,
      );
      expect(posts()).toHaveLength(5);
      double.clearFaults();
    });

    it("does not retry a 500 (the branch may exist): one attempt, a clear error without the key", async () => {
      const branches = await configured(neonBranchProvider({ policy: FAST_NEON_POLICY }));
      double.failNext({ method: "POST", path: /\/branches$/, status: 500 });
      const error = (await branches.create(qa()).catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(
        /^creating branch qa-\w+ of project [\w-]+: Neon answered 500 \(injected 500, request [0-9a-f-]+\)$/,
      );
      expect(error.message).not.toContain(API_KEY);
      expect(JSON.stringify(error)).not.toContain(API_KEY);
      expect(posts()).toHaveLength(1);
    });

    it("a rejected key is explained without echoing it", async () => {
      const branches = await configured(
        neonBranchProvider({ policy: FAST_NEON_POLICY }),
        "napi_wrong_key_abcdefghijklmnopqrstuvwxyz",
      );
      const error = (await branches.create(qa()).catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(/Neon answered 401 .*: check `neonApiKey`/);
      expect(error.message).not.toContain("napi_wrong_key");
    });

    it("a missing key says how to set it", async () => {
      const provider = neonProjectProvider({ policy: FAST_NEON_POLICY });
      await provider.configure?.(config({ "portal-infra:neonApiHost": double.baseUrl }));
      await expect(provider.create(projectInputs({ name: "other" }))).rejects.toThrow(
        /no Neon API key: set it with `pulumi config set --secret neonApiKey <key>`/,
      );
    });
  });
});

describe("the key lives in configure only", () => {
  it("the serialised providers (what state stores as __provider) hold no key, and work once configured", async () => {
    // Serialised by tsx (CommonJS, as the Pulumi language host compiles), in another process: no key
    // or API host is configured there, as in a program.
    const fixture = path.join(__dirname, "fixtures", "serialize-providers.ts");
    const run = spawnSync(process.execPath, ["--import", "tsx", fixture], {
      cwd: path.join(__dirname, "..", ".."),
      encoding: "utf8",
      env: { ...process.env, NEON_API_KEY: "", NEON_API_HOST: "" },
    });
    expect(run.status, run.stderr).toBe(0);
    const serialized = JSON.parse(run.stdout) as Record<string, { text: string; containsSecrets: boolean }>;
    expect(Object.keys(serialized).sort()).toEqual(["branch", "endpoint", "project", "role"]);
    for (const { text, containsSecrets } of Object.values(serialized)) {
      expect(containsSecrets).toBe(false);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain("napi_");
      expect(text).not.toMatch(/127\.0\.0\.1:\d+/);
    }

    // What the dynamic provider host does: load the text as a module, call handler(), configure, use.
    const revive = (text: string) => {
      const module = { exports: {} as { handler: () => pulumi.dynamic.ResourceProvider } };
      new Function("module", "exports", "require", text)(
        module,
        module.exports,
        createRequire(path.join(__dirname, "..", "..", "package.json")),
      );
      return module.exports.handler();
    };
    // Validation survives serialisation (regexes, constants, captured modules).
    expect(
      (await revive(serialized.branch.text).check?.({}, branchInputs("p", { name: "bad name!" })))?.failures?.map(
        (f) => f.property,
      ),
    ).toEqual(["name"]);
    expect(
      (await revive(serialized.endpoint.text).check?.({}, { ...endpointInputs("p", "b"), minCu: 9, maxCu: 1 }))
        ?.failures?.length,
    ).toBeGreaterThan(0);
    expect(
      (await revive(serialized.role.text).check?.({}, { name: "pg_x", password: "short" }))?.failures?.map(
        (f) => f.property,
      ),
    ).toEqual(["name", "password"]);
    // Errors keep their messages after serialisation (the serialiser rewrites `super(message)`).
    const unconfigured = revive(serialized.project.text);
    await expect(unconfigured.create(projectInputs())).rejects.toThrow(
      /^no Neon API key: set it with `pulumi config set --secret neonApiKey <key>`/,
    );
    const role = revive(serialized.role.text);
    const roleInputs = appRoleInputs({
      password: "Zq7xK2mP9wL4vB8nR3tY6hJ1cF5gD0sAZq7xK2mP",
      admin: { url: "postgresql://admin:AdminSecretPw0rd1234@127.0.0.1:1/portal" },
    });
    const roleError = (await role.create(roleInputs).catch((e: Error) => e)) as Error;
    expect(roleError.message).toMatch(
      /^can't connect to Postgres at host 127\.0\.0\.1:1, database "portal" as role "admin"/,
    );
    expect(roleError.message).not.toContain("AdminSecretPw0rd1234");

    const revived = revive(serialized.project.text);
    await revived.configure?.(
      config({ "portal-infra:neonApiKey": API_KEY, "portal-infra:neonApiHost": double.baseUrl }),
    );
    const created = await revived.create(projectInputs({ name: "revived", protected: false }));
    expect(created.outs.name).toBe("revived");
    await revived.delete?.(created.id, created.outs);
    expect(double.projects.has(created.id)).toBe(false);
  });
});
