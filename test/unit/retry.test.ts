import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  isRetryableStatus,
  parseRetryAfter,
  RetriesExhaustedError,
  type RetryPolicy,
  withRetry,
} from "../../components/lib/retry";

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
const httpError = (status: number) => Object.assign(new Error(`status ${status}`), { status });
const decide = (e: unknown) => ({ retry: isRetryableStatus((e as { status?: number }).status) });

describe("isRetryableStatus", () => {
  it.each([
    [423, true],
    [429, true],
    [503, true],
    [500, false],
    [502, false],
    [404, false],
    [400, false],
    [undefined, false],
  ])("%s -> %s", (status, retry) => expect(isRetryableStatus(status)).toBe(retry));
});

describe("backoffDelayMs", () => {
  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [2, 0, 100],
    [3, 1, 400],
    [5, 1, 1_000], // capped
    [9, 0, 500],
  ])("retry %i with random %d waits %d ms", (retry, random, ms) => {
    expect(backoffDelayMs(retry, policy, undefined, () => random)).toBe(ms);
  });

  it("never waits less than Retry-After, nor more than the cap", () => {
    expect(backoffDelayMs(1, policy, 700, () => 0)).toBe(700);
    expect(backoffDelayMs(1, policy, 60_000, () => 0)).toBe(1_000);
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2026-12-03T00:00:00Z");
  it.each([
    ["2", 2_000],
    ["0.5", 500],
    ["Thu, 03 Dec 2026 00:00:03 GMT", 3_000],
    ["Wed, 02 Dec 2026 00:00:00 GMT", 0],
    ["soon", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%j -> %s", (header, ms) => expect(parseRetryAfter(header, now)).toBe(ms));
});

describe("withRetry", () => {
  it("retries retryable failures with growing delays, then returns", async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw httpError(calls === 1 ? 429 : 423);
        return "ok";
      },
      { policy, decide, sleep: async (ms) => void sleeps.push(ms), random: () => 1 },
    );
    expect(result).toBe("ok");
    expect(sleeps).toEqual([100, 200]);
  });

  it("does not retry other failures", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw httpError(500);
        },
        { policy, decide, sleep: async () => undefined },
      ),
    ).rejects.toThrow("status 500");
    expect(calls).toBe(1);
  });

  it("stops at maxAttempts and says so", async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw httpError(503);
      },
      { policy, decide, sleep: async () => undefined },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).message).toBe("gave up after 4 attempt(s): status 503");
  });
});
