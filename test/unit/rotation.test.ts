import { describe, expect, it } from "vitest";
import { daysOverdue, keepersFor, lastTurnOf, rotationWindow, slotTurningIn } from "../../components/lib/rotation";

const anchor = new Date("2026-01-05T00:00:00Z");
const at = (iso: string) => new Date(iso);

function keepersAt(now: Date, generation = 0) {
  const window = rotationWindow(anchor, 90, now);
  return keepersFor({ key: "NEON_MIGRATIONS_URL", cadenceDays: 90, anchor, window: window.index, generation });
}

describe("rotationWindow", () => {
  it.each([
    ["2026-01-05T00:00:00Z", 0, "2026-01-05T00:00:00.000Z", "2026-04-05T00:00:00.000Z"],
    ["2026-04-04T23:59:59.999Z", 0, "2026-01-05T00:00:00.000Z", "2026-04-05T00:00:00.000Z"],
    ["2026-04-05T00:00:00Z", 1, "2026-04-05T00:00:00.000Z", "2026-07-04T00:00:00.000Z"],
    ["2026-12-03T00:00:00Z", 3, "2026-10-02T00:00:00.000Z", "2026-12-31T00:00:00.000Z"],
  ])("at %s is window %i starting %s, next due %s", (now, index, start, nextDue) => {
    const w = rotationWindow(anchor, 90, at(now));
    expect({ index: w.index, start: w.start.toISOString(), nextDue: w.nextDue.toISOString() }).toEqual({
      index,
      start,
      nextDue,
    });
  });

  it("counts a leap day as one more day: a 1-day cadence across 29 February 2028", () => {
    const leapAnchor = at("2028-02-28T00:00:00Z");
    expect(rotationWindow(leapAnchor, 1, at("2028-02-29T12:00:00Z")).index).toBe(1);
    expect(rotationWindow(leapAnchor, 1, at("2028-03-01T00:00:00Z")).index).toBe(2);
    const yearly = rotationWindow(at("2028-01-01T00:00:00Z"), 365, at("2028-12-31T00:00:00Z"));
    // 2028 has 366 days: 31 December is day 365, the first instant of window 1.
    expect(yearly.index).toBe(1);
    expect(yearly.start.toISOString()).toBe("2028-12-31T00:00:00.000Z");
  });

  it("refuses an anchor in the future", () => {
    expect(() =>
      rotationWindow(at("2027-01-01T00:00:00Z"), 90, at("2026-12-03T00:00:00Z"), "secrets.X.anchor"),
    ).toThrow(
      "`secrets.X.anchor` is 2027-01-01T00:00:00.000Z, which is in the future (now is 2026-12-03T00:00:00.000Z): use a date on or before today",
    );
  });

  it.each([0, -30, Number.NaN, Number.POSITIVE_INFINITY])("refuses a cadence of %s days", (cadence) => {
    expect(() => rotationWindow(anchor, cadence, at("2026-12-03T00:00:00Z"))).toThrow(
      `cadence is ${cadence} days; it must be a positive number of days`,
    );
  });
});

describe("keepers", () => {
  it("change exactly once when a window boundary is crossed, and never inside a window", () => {
    const hours = Array.from({ length: 24 * 200 }, (_, h) => new Date(anchor.getTime() + h * 3_600_000));
    let changes = 0;
    let previous = JSON.stringify(keepersAt(hours[0]));
    const changedAt: string[] = [];
    for (const now of hours.slice(1)) {
      const current = JSON.stringify(keepersAt(now));
      if (current !== previous) {
        changes++;
        changedAt.push(now.toISOString());
      }
      previous = current;
    }
    // 200 days after the anchor with a 90-day cadence: turns at day 90 and day 180, nowhere else.
    expect(changes).toBe(2);
    expect(changedAt).toEqual(["2026-04-05T00:00:00.000Z", "2026-07-04T00:00:00.000Z"]);
  });

  it("change at once when the generation is bumped", () => {
    const now = at("2026-02-01T00:00:00Z");
    expect(keepersAt(now, 1)).not.toEqual(keepersAt(now, 0));
    expect(keepersAt(now, 1).generation).toBe("1");
  });

  it("hold the key, cadence, anchor, window and generation as strings", () => {
    expect(keepersAt(at("2026-12-03T00:00:00Z"))).toEqual({
      secret: "NEON_MIGRATIONS_URL",
      cadenceDays: "90",
      anchor: "2026-01-05T00:00:00.000Z",
      window: "3",
      generation: "0",
    });
  });
});

describe("alternating slots", () => {
  it.each([
    [0, "a", 0, -1],
    [1, "b", 0, 1],
    [2, "a", 2, 1],
    [3, "b", 2, 3],
  ])("in window %i slot %s turns; a last turned in %i, b in %i", (index, turning, a, b) => {
    expect(slotTurningIn(index)).toBe(turning);
    expect(lastTurnOf("a", index)).toBe(a);
    expect(lastTurnOf("b", index)).toBe(b);
  });

  it("keeps each slot's value for two windows: what a consumer read last survives one more turn", () => {
    for (let index = 0; index < 10; index++) {
      const current = slotTurningIn(index);
      expect(lastTurnOf(current, index + 1)).toBe(index); // still valid after the next turn
      expect(lastTurnOf(current, index + 2)).toBe(index + 2); // replaced two turns later
    }
  });
});

describe("daysOverdue", () => {
  it.each([
    ["2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", 2],
    ["2026-12-03T00:00:00Z", "2026-12-03T00:00:00Z", 0],
    ["2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z", 1],
    ["2026-12-10T00:00:00Z", "2026-12-03T00:00:00Z", 0],
  ])("due %s, now %s: %i days", (due, now, days) => {
    expect(daysOverdue(at(due), at(now))).toBe(days);
  });
});
