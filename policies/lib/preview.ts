/**
 * Reading resource properties the way a rule must during `pulumi preview`.
 *
 * @pulumi/policy hands a rule its props wrapped in `unknownCheckingProxy`: reading a value that is not
 * known yet (an output of a resource still to be created) throws `UnknownValueError`, and the policy
 * server turns an uncaught one into an *advisory* "can't run policy during preview" note. That note
 * never blocks, even where the stack's policy config says mandatory, so an unknown region would pass
 * preview silently. Rules therefore read through {@link read}, which turns an unknown into
 * {@link UNKNOWN}, and report it as a violation themselves (STYLE.md: unverifiable is not compliant).
 */
import { UnknownValueError } from "@pulumi/policy";

// Re-exported so the test harness wraps props with the very proxy the policy server uses.
export { unknownCheckingProxy } from "@pulumi/policy";

/** Marks a value that is unknown during preview. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/**
 * The engine's sentinels for unknown values, one per type (sdk/go/common/resource/plugin/rpc.go).
 * @pulumi/policy declares the same strings in its proxy module but marks them `@internal`, so they are
 * repeated here; test/policies/preview.test.ts proves the two lists agree.
 */
export const UNKNOWN_SENTINELS = {
  boolean: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  asset: "030794c1-ac77-496b-92df-f27374a8bd58",
  archive: "e48ece36-62e2-4504-bad9-02848725956a",
  object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;

const SENTINEL_VALUES: ReadonlySet<unknown> = new Set(Object.values(UNKNOWN_SENTINELS));

function isUnknownValueError(err: unknown): boolean {
  // By name as well: a second copy of @pulumi/policy (another node_modules) has its own class.
  return err instanceof UnknownValueError || (err instanceof Error && err.constructor.name === "UnknownValueError");
}

/**
 * The value at `path` under `source`: {@link UNKNOWN} when it (or a container on the way) is unknown
 * during preview, undefined when absent (null counts as absent), else the value.
 */
export function read(source: unknown, ...path: readonly (string | number)[]): unknown {
  let current: unknown = source;
  if (SENTINEL_VALUES.has(current)) return UNKNOWN;
  for (const key of path) {
    if (current === UNKNOWN) return UNKNOWN;
    if (current === null || current === undefined || typeof current !== "object") return undefined;
    try {
      current = (current as Record<string | number, unknown>)[key];
    } catch (err) {
      if (isUnknownValueError(err)) return UNKNOWN;
      throw err;
    }
    if (SENTINEL_VALUES.has(current)) return UNKNOWN;
  }
  return current ?? undefined;
}

/** Own keys of an object (the proxy does not trap `ownKeys`, so this never throws); [] otherwise. */
export function keysOf(value: unknown): string[] {
  return value !== null && typeof value === "object" ? Object.keys(value) : [];
}

/**
 * The elements of a list: each element read through {@link read}. {@link UNKNOWN} when the list itself
 * is unknown, undefined when absent, and `[value]` for a lone value where a list was expected.
 */
export function listOf(value: unknown): unknown[] | Unknown | undefined {
  if (value === UNKNOWN || value === undefined) return value;
  if (!Array.isArray(value)) return [value];
  return Array.from({ length: value.length }, (_, i) => read(value, i));
}

/** A string, or undefined for anything else (absent, unknown, another type). */
export function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The dotted path of a field, as messages name it: `resourceConfig.functionDefaultRegions[0]`. */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** `1 day`, `12 days`. */
export function days(n: number): string {
  return `${n} day${n === 1 ? "" : "s"}`;
}
