/**
 * SCRAM-SHA-256 password verifiers (RFC 5802/7677, in the format Postgres stores in `pg_authid`). Pure.
 *
 * Roles get their password as a pre-hashed verifier (`ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'`),
 * which Postgres stores as is: the plaintext never reaches the server, so it can't leak through
 * `log_statement`, `pg_stat_statements` or an error message. The salt is derived from the role and the
 * password, so applying the same password twice writes the same verifier (idempotent), while two roles
 * with one password still get different salts. Knowing the salt needs the password, so it gives an
 * attacker nothing to precompute.
 */

/**
 * Required where used rather than imported: Pulumi serialises the role provider with this module, and
 * under vitest (the mocks tests) an imported builtin is a module object the serialiser can't turn into
 * `require`.
 */
function crypto(): typeof import("node:crypto") {
  return require("node:crypto");
}

/** Postgres' default `scram_iterations`. */
export const SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 16;

export const SCRAM_VERIFIER_PATTERN = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

/** Salt for `role`'s verifier of `password`: the same inputs give the same salt. */
export function deterministicSalt(role: string, password: string): Buffer {
  return crypto()
    .createHmac("sha256", `portal-infra scram salt\u0000${role}`)
    .update(password, "utf8")
    .digest()
    .subarray(0, SALT_BYTES);
}

/**
 * The verifier of `password`. Postgres applies SASLprep to the password; for ASCII (which RotatingSecret
 * generates) that is the identity, and NFKC is the part of SASLprep that matters for other text.
 */
export function scramSha256Verifier(password: string, salt: Buffer, iterations = SCRAM_ITERATIONS): string {
  const prepared = /^[\x20-\x7e]*$/.test(password) ? password : password.normalize("NFKC");
  const { createHash, createHmac, pbkdf2Sync } = crypto();
  const salted = pbkdf2Sync(prepared, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** The verifier `role` gets for `password` (deterministic salt). */
export function roleVerifier(role: string, password: string): string {
  return scramSha256Verifier(password, deterministicSalt(role, password));
}
