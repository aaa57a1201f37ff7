/**
 * Rotation windows and keepers: pure arithmetic on UTC instants (DESIGN.md, "Rotation by keeper").
 *
 * A secret's window index is `floor((now - anchor) / cadence)`. A `random` resource whose keepers hold
 * the window (and a manual `generation` counter) is replaced by the first `pulumi up` after the window
 * turns. Secrets with two slots (alternating users, current + previous) turn one slot per window: slot
 * `a` on even windows, slot `b` on odd ones, so the value a consumer read last stays valid for one more
 * window.
 */

const DAY_MS = 86_400_000;

export interface RotationWindow {
  /** `floor((now - anchor) / cadence)`: 0 in the anchor's own window. */
  readonly index: number;
  /** When this window began (UTC). */
  readonly start: Date;
  /** When the next window begins, i.e. when the next rotation is due (UTC). */
  readonly nextDue: Date;
}

export class RotationConfigError extends Error {}

/** The rotation window that `now` falls in. Cadence is in whole or fractional days. */
export function rotationWindow(anchor: Date, cadenceDays: number, now: Date, field = "anchor"): RotationWindow {
  if (!(cadenceDays > 0) || !Number.isFinite(cadenceDays)) {
    throw new RotationConfigError(`cadence is ${cadenceDays} days; it must be a positive number of days`);
  }
  const elapsed = now.getTime() - anchor.getTime();
  if (elapsed < 0) {
    throw new RotationConfigError(
      `\`${field}\` is ${anchor.toISOString()}, which is in the future (now is ${now.toISOString()}): use a date on or before today`,
    );
  }
  const cadenceMs = cadenceDays * DAY_MS;
  const index = Math.floor(elapsed / cadenceMs);
  return {
    index,
    start: new Date(anchor.getTime() + index * cadenceMs),
    nextDue: new Date(anchor.getTime() + (index + 1) * cadenceMs),
  };
}

export type Slot = "a" | "b";
export const SLOTS: readonly Slot[] = ["a", "b"];

/** The slot that turns (is rotated) in window `index`. */
export function slotTurningIn(index: number): Slot {
  return index % 2 === 0 ? "a" : "b";
}

/**
 * The window in which `slot` last turned, at or before window `index`; -1 means "not yet turned"
 * (slot `b` in window 0 still holds its first value).
 */
export function lastTurnOf(slot: Slot, index: number): number {
  const parity = slot === "a" ? 0 : 1;
  return index - ((((index - parity) % 2) + 2) % 2);
}

export interface KeeperInput {
  readonly key: string;
  readonly slot?: Slot;
  readonly cadenceDays: number;
  readonly anchor: Date;
  readonly window: number;
  readonly generation: number;
}

/**
 * The keepers of one `random` resource. Every value is a string: keepers are compared as strings by
 * the provider, and the policy pack reads them back (`rotation-enforce-cadence`).
 */
export function keepersFor(input: KeeperInput): Record<string, string> {
  return {
    secret: input.key,
    ...(input.slot ? { slot: input.slot } : {}),
    cadenceDays: String(input.cadenceDays),
    anchor: input.anchor.toISOString(),
    window: String(input.window),
    generation: String(input.generation),
  };
}

/** Days by which `due` lies before `now`, rounded up; 0 when not overdue. */
export function daysOverdue(due: Date, now: Date): number {
  const late = now.getTime() - due.getTime();
  return late > 0 ? Math.ceil(late / DAY_MS) : 0;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
