/**
 * The injectable clock. Rotation windows depend on "now"; tests and the end-to-end rotation drills
 * move it with `PORTAL_CLOCK` (an ISO-8601 UTC instant) instead of waiting for a window to turn.
 */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(instant: Date | string): Clock {
  const at = typeof instant === "string" ? parseInstant(instant, "PORTAL_CLOCK") : instant;
  return { now: () => new Date(at.getTime()) };
}

/** `PORTAL_CLOCK` if set (must be an ISO-8601 instant), else the system clock. */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const value = env.PORTAL_CLOCK?.trim();
  return value ? fixedClock(value) : systemClock;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Parses an ISO-8601 date (`2026-03-01`, taken as UTC midnight) or instant with an explicit zone.
 * Rejects anything else, including dates that roll over (`2026-02-30`).
 */
export function parseInstant(value: string, field: string): Date {
  if (!ISO_INSTANT.test(value)) {
    throw new Error(
      `\`${field}\` is \`${value}\`, which is not an ISO-8601 UTC date: use e.g. \`2026-03-01\` or \`2026-03-01T00:00:00Z\``,
    );
  }
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  // V8 rolls 2026-02-30 over to 2026-03-02 instead of refusing it: compare the calendar date back, in
  // the zone the value was written in.
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(value);
  const offsetMs = offset ? (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  const written = Number.isNaN(date.getTime()) ? "" : new Date(date.getTime() + offsetMs).toISOString().slice(0, 10);
  if (written !== value.slice(0, 10)) {
    throw new Error(`\`${field}\` is \`${value}\`, which is not a real calendar date: check the day and month`);
  }
  return date;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
