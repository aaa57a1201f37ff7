/**
 * Calls to Neon's API through the official `@neondatabase/api-client`: settings from provider config,
 * a bounded retry of 423/429/503, waiting for the operations a mutating call starts, and errors a
 * person can act on. No Pulumi resources. An error never carries the API key: messages are built here
 * from status, Neon's message and request id, never from the HTTP client's error (whose config holds the
 * Authorization header).
 */
import { type Api, createApiClient, type Operation } from "@neondatabase/api-client";
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  RetriesExhaustedError,
  type RetryDecision,
  type RetryPolicy,
  realSleep,
  withRetry,
} from "./retry";

/** Stack config keys the Neon providers read in `configure` (never from resource inputs). */
export const NEON_CONFIG_KEYS = {
  /** Secret: `pulumi config set --secret neonApiKey <key>`. */
  apiKey: "portal-infra:neonApiKey",
  /** Optional base URL of the API, e.g. a test double; the client's own default otherwise. */
  apiHost: "portal-infra:neonApiHost",
  /** Optional organisation that owns new projects (Neon requires it for organisation API keys). */
  orgId: "portal-infra:neonOrgId",
} as const;

/** Environment fallbacks for the same settings (CI, tests). */
export const NEON_ENV_KEYS = { apiKey: "NEON_API_KEY", apiHost: "NEON_API_HOST", orgId: "NEON_ORG_ID" } as const;

export interface NeonSettings {
  readonly apiKey?: string;
  readonly apiHost?: string;
  readonly orgId?: string;
}

export interface ConfigSource {
  get(key: string): string | undefined;
}

export function readNeonSettings(config: ConfigSource, env: NodeJS.ProcessEnv = process.env): NeonSettings {
  const present = (value: string | undefined) => (value && value.trim() !== "" ? value.trim() : undefined);
  const pick = (key: keyof typeof NEON_CONFIG_KEYS) =>
    present(config.get(NEON_CONFIG_KEYS[key])) ?? present(env[NEON_ENV_KEYS[key]]);
  return { apiKey: pick("apiKey"), apiHost: pick("apiHost"), orgId: pick("orgId") };
}

export interface NeonCallPolicy {
  readonly retry: RetryPolicy;
  /** First wait between polls of an operation; grows to 5 s. */
  readonly pollIntervalMs: number;
  /** How long one call may wait for its operations in all. */
  readonly operationTimeoutMs: number;
  /** HTTP timeout of one request. */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_NEON_POLICY: NeonCallPolicy = {
  retry: DEFAULT_RETRY_POLICY,
  pollIntervalMs: 1_000,
  operationTimeoutMs: 10 * 60_000,
  requestTimeoutMs: 60_000,
};

export class NeonApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    // Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`, which sets no
    // message: without this line, errors thrown in the provider process would arrive empty.
    this.message = message;
    this.name = "NeonApiError";
  }
}

/** A client built for one provider call: nothing is kept between calls. */
export function neonClient(settings: NeonSettings, policy: NeonCallPolicy = DEFAULT_NEON_POLICY): Api<unknown> {
  if (!settings.apiKey) {
    throw new NeonApiError(
      `no Neon API key: set it with \`pulumi config set --secret neonApiKey <key>\` (${NEON_CONFIG_KEYS.apiKey}); create one in the Neon console under Account settings > API keys`,
    );
  }
  return createApiClient({
    apiKey: settings.apiKey,
    ...(settings.apiHost ? { baseURL: settings.apiHost } : {}),
    timeout: policy.requestTimeoutMs,
  });
}

interface HttpErrorShape {
  readonly response?: { readonly status?: number; readonly data?: unknown; readonly headers?: Record<string, unknown> };
  readonly code?: string;
  readonly message?: string;
}

export function httpStatus(error: unknown): number | undefined {
  return (error as HttpErrorShape | undefined)?.response?.status;
}

export function isNotFound(error: unknown): boolean {
  return httpStatus(error) === 404 || (error instanceof NeonApiError && error.status === 404);
}

function retryDecision(error: unknown): RetryDecision {
  const status = httpStatus(error);
  if (status !== 423 && status !== 429 && status !== 503) return { retry: false };
  const header = (error as HttpErrorShape).response?.headers?.["retry-after"];
  return { retry: true, retryAfterMs: parseRetryAfter(typeof header === "string" ? header : undefined) };
}

/** The person-readable form of an API failure; only status, Neon's message and its request id. */
export function describeApiError(what: string, error: unknown, apiHost?: string): NeonApiError {
  if (error instanceof NeonApiError) return error;
  if (error instanceof RetriesExhaustedError) {
    const inner = describeApiError(what, error.last, apiHost);
    return new NeonApiError(
      `${inner.message} (still failing after ${error.attempts} attempts with backoff)`,
      inner.status,
    );
  }
  const shape = error as HttpErrorShape;
  const status = shape?.response?.status;
  if (status === undefined) {
    return new NeonApiError(
      `${what}: can't reach the Neon API${apiHost ? ` at ${apiHost}` : ""} (${shape?.code ?? "network error"})`,
    );
  }
  const data = (shape.response?.data ?? {}) as { message?: unknown; request_id?: unknown };
  const message = typeof data.message === "string" ? data.message : "no message";
  const request = typeof data.request_id === "string" ? `, request ${data.request_id}` : "";
  const hint =
    status === 401 || status === 403
      ? ": check `neonApiKey` (it may be revoked, or lack access to this project)"
      : status === 423
        ? ": another operation is running on the project; retry later"
        : "";
  return new NeonApiError(`${what}: Neon answered ${status} (${message}${request})${hint}`, status);
}

/** One API call with retries; returns the response body. */
export async function neonCall<T>(
  what: string,
  fn: () => Promise<{ data: T }>,
  policy: NeonCallPolicy = DEFAULT_NEON_POLICY,
  sleep: (ms: number) => Promise<void> = realSleep,
  apiHost?: string,
): Promise<T> {
  try {
    const response = await withRetry(() => fn(), { policy: policy.retry, decide: retryDecision, sleep });
    return response.data;
  } catch (error) {
    throw describeApiError(what, error, apiHost);
  }
}

// Arrays, not Sets: Pulumi's closure serialiser turns a captured Set into a plain object.
const DONE: readonly string[] = ["finished", "skipped"];
const FAILED: readonly string[] = ["error", "cancelled"];

/**
 * Waits until every operation is done. `failed` is not final (Neon retries it), `error` and `cancelled`
 * are; the wait is bounded by `policy.operationTimeoutMs`.
 */
export async function waitForOperations(
  api: Api<unknown>,
  projectId: string,
  operations: readonly Operation[] | undefined,
  policy: NeonCallPolicy = DEFAULT_NEON_POLICY,
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<void> {
  const deadline = Date.now() + policy.operationTimeoutMs;
  for (const initial of operations ?? []) {
    let op = initial;
    let interval = policy.pollIntervalMs;
    while (!DONE.includes(op.status)) {
      if (FAILED.includes(op.status)) {
        throw new NeonApiError(
          `Neon operation ${op.id} (${op.action}) on project ${projectId} ended with status ${op.status}${op.error ? `: ${op.error}` : ""}`,
        );
      }
      if (Date.now() > deadline) {
        throw new NeonApiError(
          `Neon operation ${op.id} (${op.action}) on project ${projectId} is still ${op.status} after ${Math.round(policy.operationTimeoutMs / 1000)} s: check the project's operations in the Neon console, then run \`pulumi up\` again`,
        );
      }
      await sleep(interval);
      interval = Math.min(5_000, interval * 1.5);
      op = (
        await neonCall(`polling operation ${op.id}`, () => api.getProjectOperation(projectId, op.id), policy, sleep)
      ).operation;
    }
  }
}

/** A client plus the policy, for one provider method: `call` retries and explains, `wait` waits for operations. */
export interface NeonSession {
  readonly api: Api<unknown>;
  call<T>(what: string, fn: (api: Api<unknown>) => Promise<{ data: T }>): Promise<T>;
  wait(projectId: string, operations: readonly Operation[] | undefined): Promise<void>;
}

export function openSession(
  settings: NeonSettings,
  policy: NeonCallPolicy = DEFAULT_NEON_POLICY,
  sleep: (ms: number) => Promise<void> = realSleep,
): NeonSession {
  const api = neonClient(settings, policy);
  return {
    api,
    call: (what, fn) => neonCall(what, () => fn(api), policy, sleep, settings.apiHost),
    wait: (projectId, operations) => waitForOperations(api, projectId, operations, policy, sleep),
  };
}

/** Options of the Neon providers (tests pass a fast policy; programs use the default). */
export interface NeonProviderOptions {
  readonly policy?: NeonCallPolicy;
}
