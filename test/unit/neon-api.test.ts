import type { Api, Operation } from "@neondatabase/api-client";
import { describe, expect, it } from "vitest";
import {
  describeApiError,
  type NeonCallPolicy,
  neonCall,
  readNeonSettings,
  waitForOperations,
} from "../../components/lib/neon-api";

const policy: NeonCallPolicy = {
  retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
  pollIntervalMs: 1,
  operationTimeoutMs: 1_000,
  requestTimeoutMs: 1_000,
};
const noSleep = async () => undefined;
const KEY = "napi_secret_key_value";
const axiosError = (status: number, data: unknown = {}, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`Request failed with status code ${status}`), {
    isAxiosError: true,
    response: { status, data, headers },
    config: { headers: { Authorization: `Bearer ${KEY}` } },
  });

describe("readNeonSettings", () => {
  it("reads the provider config, then the environment", () => {
    const config = {
      get: (k: string) => ({ "portal-infra:neonApiKey": " napi_k ", "portal-infra:neonApiHost": "" })[k],
    };
    expect(readNeonSettings(config, { NEON_API_HOST: "http://127.0.0.1:1/api/v2", NEON_ORG_ID: "org-1" })).toEqual({
      apiKey: "napi_k",
      apiHost: "http://127.0.0.1:1/api/v2",
      orgId: "org-1",
    });
    expect(readNeonSettings({ get: () => undefined }, {})).toEqual({
      apiKey: undefined,
      apiHost: undefined,
      orgId: undefined,
    });
  });
});

describe("describeApiError", () => {
  it("keeps status, Neon's message and request id; never the request's headers", () => {
    const error = describeApiError(
      "creating branch dev",
      axiosError(422, { message: "branch limit reached", request_id: "req-1" }),
    );
    expect(error.message).toBe("creating branch dev: Neon answered 422 (branch limit reached, request req-1)");
    expect(error.status).toBe(422);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(KEY);
  });

  it("explains auth failures and network failures", () => {
    expect(describeApiError("x", axiosError(401, { message: "nope" })).message).toMatch(/check `neonApiKey`/);
    expect(
      describeApiError(
        "x",
        Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
        "http://h/api/v2",
      ).message,
    ).toBe("x: can't reach the Neon API at http://h/api/v2 (ECONNREFUSED)");
  });
});

describe("neonCall", () => {
  it("retries 429 and returns the body", async () => {
    let calls = 0;
    const data = await neonCall(
      "listing",
      async () => {
        calls++;
        if (calls === 1) throw axiosError(429, {}, { "retry-after": "0" });
        return { data: { ok: true } };
      },
      policy,
      noSleep,
    );
    expect(data).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it("does not retry 500", async () => {
    let calls = 0;
    await expect(
      neonCall(
        "creating",
        async () => {
          calls++;
          throw axiosError(500, { message: "boom" });
        },
        policy,
        noSleep,
      ),
    ).rejects.toThrow("creating: Neon answered 500 (boom)");
    expect(calls).toBe(1);
  });
});

describe("waitForOperations", () => {
  const op = (status: string): Operation =>
    ({
      id: "op-1",
      project_id: "p",
      action: "create_branch",
      status,
      failures_count: 0,
      created_at: "",
      updated_at: "",
      total_duration_ms: 0,
    }) as Operation;
  const api = (statuses: string[]) => {
    const polled: string[] = [];
    return {
      polled,
      api: {
        getProjectOperation: async () => {
          const status = statuses.shift() ?? "finished";
          polled.push(status);
          return { data: { operation: op(status) } };
        },
      } as unknown as Api<unknown>,
    };
  };

  it("polls running (and Neon-retried failed) operations until finished", async () => {
    const { api: client, polled } = api(["running", "failed", "finished"]);
    await waitForOperations(client, "p", [op("running")], policy, noSleep);
    expect(polled).toEqual(["running", "failed", "finished"]);
  });

  it("returns at once for finished or skipped ones", async () => {
    const { api: client, polled } = api([]);
    await waitForOperations(client, "p", [op("finished"), op("skipped")], policy, noSleep);
    expect(polled).toEqual([]);
  });

  it("fails on error or cancelled, naming the operation", async () => {
    const { api: client } = api(["error"]);
    await expect(waitForOperations(client, "p", [op("running")], policy, noSleep)).rejects.toThrow(
      "Neon operation op-1 (create_branch) on project p ended with status error",
    );
  });

  it("is bounded", async () => {
    const { api: client } = api(Array(1000).fill("running"));
    await expect(
      waitForOperations(client, "p", [op("running")], { ...policy, operationTimeoutMs: 0 }, noSleep),
    ).rejects.toThrow(/is still running after 0 s/);
  });
});
