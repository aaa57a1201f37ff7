/**
 * Retry with bounded exponential backoff, for Neon's API: `423 Locked` (another operation runs on the
 * project), `429 Too Many Requests` and `503 Service Unavailable` are retried; anything else is not,
 * because a POST that failed with a 500 may still have happened and must not be repeated blindly.
 * Pure apart from the injectable `sleep`.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Delay before the first retry; doubles each time. */
  readonly baseDelayMs: number;
  /** Cap on one delay (a server's Retry-After included). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

export const RETRYABLE_STATUSES: readonly number[] = [423, 429, 503];

export function isRetryableStatus(status: number | undefined): boolean {
  return status !== undefined && RETRYABLE_STATUSES.includes(status);
}

/**
 * Delay before retry number `retry` (1 = the first retry): exponential with "equal jitter" (half
 * fixed, half random) so concurrent clients spread out, never below a server's Retry-After, never above
 * `maxDelayMs`.
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  const floor = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : 0;
  return Math.min(policy.maxDelayMs, Math.max(jittered, floor));
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds from `now`; undefined if absent or bad. */
export function parseRetryAfter(header: string | undefined, now: Date = new Date()): number | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number.parseFloat(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

export interface RetryDecision {
  readonly retry: boolean;
  readonly retryAfterMs?: number;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Whether an error is worth another attempt. */
  readonly decide: (error: unknown) => RetryDecision;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called before each retry (for logs); never given anything secret by this module. */
  readonly onRetry?: (retry: number, delayMs: number, error: unknown) => void;
}

export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly last: unknown,
  ) {
    const message = `gave up after ${attempts} attempt(s): ${last instanceof Error ? last.message : String(last)}`;
    super(message);
    // Set again: Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`.
    this.message = message;
    this.name = "RetriesExhaustedError";
  }
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` until it succeeds, a non-retryable error occurs, or `policy.maxAttempts` is spent. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const decision = options.decide(error);
      if (!decision.retry) throw error;
      if (attempt >= options.policy.maxAttempts) throw new RetriesExhaustedError(attempt, error);
      const delay = backoffDelayMs(attempt, options.policy, decision.retryAfterMs, options.random);
      options.onRetry?.(attempt, delay, error);
      await sleep(delay);
    }
  }
}
