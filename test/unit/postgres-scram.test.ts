import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  deterministicSalt,
  roleVerifier,
  SCRAM_VERIFIER_PATTERN,
  scramSha256Verifier,
} from "../../components/lib/postgres-scram";

describe("SCRAM-SHA-256 verifiers", () => {
  it("match RFC 7677's example: the server key signs its AuthMessage to the published server signature", () => {
    const verifier = scramSha256Verifier("pencil", Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"));
    expect(verifier).toMatch(SCRAM_VERIFIER_PATTERN);
    const serverKey = Buffer.from(verifier.split(":")[2], "base64");
    const authMessage =
      "n=user,r=rOprNGfwEbeRWgbNEkqO," +
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096," +
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    expect(createHmac("sha256", serverKey).update(authMessage).digest("base64")).toBe(
      "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    );
  });

  it("are deterministic per role and password (idempotent re-apply), different across roles and passwords", () => {
    const pw = "Zq7xK2mP9wL4vB8nR3tY6hJ1cF5gD0sAeU3iO8pW";
    expect(roleVerifier("portal_app_a", pw)).toBe(roleVerifier("portal_app_a", pw));
    expect(roleVerifier("portal_app_a", pw)).not.toBe(roleVerifier("portal_app_b", pw));
    expect(roleVerifier("portal_app_a", pw)).not.toBe(roleVerifier("portal_app_a", `${pw}x`));
    expect(deterministicSalt("portal_app_a", pw)).toHaveLength(16);
    expect(roleVerifier("portal_app_a", pw)).not.toContain(pw);
  });
});
