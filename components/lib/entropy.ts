/**
 * Password strength, as a guard against a misconfigured generator (a short length, a tiny alphabet, a
 * sample value left in config). Pure. It estimates the entropy of a random-looking string: log2 of the
 * alphabet its character classes span, per character of new information (a repeat of an earlier run
 * counts as one), and at most twice as many characters as the string has distinct ones. It can't see
 * dictionary words: passwords here come from `RotatingSecret`, not from people.
 */

export const MIN_PASSWORD_BITS = 60;

const CLASSES: readonly { readonly test: RegExp; readonly size: number }[] = [
  { test: /[a-z]/, size: 26 },
  { test: /[A-Z]/, size: 26 },
  { test: /[0-9]/, size: 10 },
  { test: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/, size: 33 },
  { test: /[^\x20-\x7e]/, size: 100 },
];

/** Estimated entropy of `value` in bits (0 for the empty string). */
export function estimateEntropyBits(value: string): number {
  const chars = [...value];
  if (chars.length === 0) return 0;
  const pool = CLASSES.filter((c) => c.test.test(value)).reduce((sum, c) => sum + c.size, 0);
  const distinct = new Set(chars).size;
  // 256 characters already give far more than enough bits; the cap bounds the quadratic scan.
  const effectiveLength = Math.min(novelLength(chars.slice(0, 256)), 2 * distinct);
  return effectiveLength * Math.log2(pool);
}

/**
 * Characters of new information, LZ77-style: a run that repeats an earlier substring of 3 or more
 * characters counts as one (`hunter2hunter2` counts 8, not 14).
 */
function novelLength(chars: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < chars.length; ) {
    let longest = 0;
    for (let start = 0; start < i; start++) {
      let n = 0;
      while (i + n < chars.length && start + n < i && chars[start + n] === chars[i + n]) n++;
      longest = Math.max(longest, n);
    }
    count++;
    i += longest >= 3 ? longest : 1;
  }
  return count;
}

/**
 * The problem with `password` as the password of `role`, or undefined when it is strong enough. The
 * message never contains the password.
 */
export function passwordProblem(role: string, password: unknown, minBits = MIN_PASSWORD_BITS): string | undefined {
  if (typeof password !== "string" || password.length === 0) {
    return `the password of role \`${role}\` is missing: pass a RotatingSecret slot value`;
  }
  const bits = estimateEntropyBits(password);
  if (bits < minBits) {
    return `the password of role \`${role}\` has about ${Math.floor(bits)} bits of entropy; at least ${minBits} are required: generate it with RotatingSecret (40 alphanumeric characters give about 238 bits)`;
  }
  return undefined;
}
