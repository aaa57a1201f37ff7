/**
 * What the portal does with `RESIDENCY_REPORT_SECRET` and `SHARE_LINK_HASH_SALT`, kept here so the
 * rotation strategy "current + previous" is proven against the same code the app uses: sign and hash
 * with the current value, accept the current or the previous one.
 */
import * as crypto from "node:crypto";

export interface RotatingKey {
  readonly current: string;
  /** The value before the last turn; still accepted until the next one. */
  readonly previous?: string;
}

/** An HMAC-SHA256 signature of `payload` (base64url), for signed compliance-export URLs. */
export function sign(payload: string, secret: string): string {
  return crypto.createHmac("sha256", secret).update(payload).digest("base64url");
}

/** True when `signature` was made with the current or the previous secret. */
export function verify(payload: string, signature: string, key: RotatingKey): boolean {
  return candidates(key).some((secret) => safeEqual(sign(payload, secret), signature));
}

/** A salted share-link token hash (hex). */
export function hashToken(token: string, salt: string): string {
  return crypto.createHash("sha256").update(salt).update("\0").update(token).digest("hex");
}

/**
 * Whether a stored hash matches `token` under the current or the previous salt; `rehash` is the hash
 * under the current salt when the stored one used the previous (re-made on use, so nothing is lost).
 */
export function matchToken(token: string, stored: string, salt: RotatingKey): { match: boolean; rehash?: string } {
  if (safeEqual(hashToken(token, salt.current), stored)) return { match: true };
  if (salt.previous && safeEqual(hashToken(token, salt.previous), stored)) {
    return { match: true, rehash: hashToken(token, salt.current) };
  }
  return { match: false };
}

function candidates(key: RotatingKey): string[] {
  return key.previous ? [key.current, key.previous] : [key.current];
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}
