import { describe, expect, it } from "vitest";
import { estimateEntropyBits, MIN_PASSWORD_BITS, passwordProblem } from "../../components/lib/entropy";

describe("estimateEntropyBits", () => {
  it.each([
    ["", 0],
    ["aaaaaaaaaaaaaaaaaaaa", 2 * Math.log2(26)],
    ["abcdefghij", 10 * Math.log2(26)],
    ["Ab1", 3 * Math.log2(62)],
    ["Ab1!", 4 * Math.log2(95)],
    ["hunter2hunter2", 8 * Math.log2(36)], // the repeat counts once
  ])("%j has %d bits", (value, bits) => {
    expect(estimateEntropyBits(value)).toBeCloseTo(bits, 6);
  });

  it("gives a 40-character alphanumeric RotatingSecret value far more than the minimum", () => {
    expect(estimateEntropyBits("Zq7xK2mP9wL4vB8nR3tY6hJ1cF5gD0sAeU3iO8pW")).toBeGreaterThan(200);
  });
});

describe("passwordProblem", () => {
  it.each([
    "short",
    "password1",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "abcabcabcabcabcabcabcabc",
    "Tr0ub4dor",
  ])("rejects %j without echoing it", (weak) => {
    const problem = passwordProblem("portal_app_a", weak);
    expect(problem).toMatch(
      /^the password of role `portal_app_a` has about \d+ bits of entropy; at least 60 are required: generate it with RotatingSecret/,
    );
    expect(problem).not.toContain(weak);
  });

  it("accepts strong values and reports missing ones", () => {
    expect(MIN_PASSWORD_BITS).toBe(60);
    expect(passwordProblem("r", "Zq7xK2mP9wL4vB8nR3tY")).toBeUndefined();
    expect(passwordProblem("r", "")).toBe("the password of role `r` is missing: pass a RotatingSecret slot value");
    expect(passwordProblem("r", undefined)).toBe(
      "the password of role `r` is missing: pass a RotatingSecret slot value",
    );
  });
});
