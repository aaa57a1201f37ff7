/**
 * Pulumi's passphrase secrets provider, reimplemented for the tests so they can load a stack's
 * config as Pulumi would (decrypting `secure:` values) without the CLI. Same scheme as the CLI:
 * PBKDF2-SHA256 (1,000,000 rounds) over the passphrase and the stack's salt gives an AES-256-GCM
 * key; `encryptionsalt` is `v1:<salt>:` followed by the encryption of "pulumi" (to check the key);
 * each value is `v1:<nonce>:<ciphertext+tag>`, all base64. test/e2e checks it against the real CLI.
 */
import * as crypto from "node:crypto";

const ROUNDS = 1_000_000;
const keys = new Map<string, Buffer>();

function deriveKey(passphrase: string, salt: Buffer): Buffer {
  const cacheKey = `${salt.toString("base64")}\0${passphrase}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = crypto.pbkdf2Sync(passphrase, salt, ROUNDS, 32, "sha256");
    keys.set(cacheKey, key);
  }
  return key;
}

export function encryptValue(key: Buffer, plaintext: string): string {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
}

export function decryptValue(key: Buffer, ciphertext: string): string {
  const [version, nonceText, bodyText] = ciphertext.split(":");
  if (version !== "v1" || !nonceText || !bodyText) throw new Error("not a v1 Pulumi ciphertext");
  const body = Buffer.from(bodyText, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonceText, "base64"));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
}

/** A passphrase crypter for a stack file's `encryptionsalt`, checked against the passphrase. */
export function crypterFor(encryptionSalt: string, passphrase: string) {
  const [version, saltText, ...check] = encryptionSalt.split(":");
  if (version !== "v1" || !saltText) throw new Error("encryptionsalt is not a v1 Pulumi salt");
  const key = deriveKey(passphrase, Buffer.from(saltText, "base64"));
  if (decryptValue(key, check.join(":")) !== "pulumi") throw new Error("incorrect passphrase");
  return { encrypt: (plaintext: string) => encryptValue(key, plaintext), decrypt: (c: string) => decryptValue(key, c) };
}

/** A fresh `encryptionsalt` for a passphrase, as `pulumi stack init` makes one. */
export function newEncryptionSalt(passphrase: string): string {
  const salt = crypto.randomBytes(8);
  const key = deriveKey(passphrase, salt);
  return `v1:${salt.toString("base64")}:${encryptValue(key, "pulumi")}`;
}
