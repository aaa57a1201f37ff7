/**
 * Loads a stack's config as Pulumi hands it to a program: flat `namespace:key` strings (structured
 * values as JSON), `secure:` values decrypted with the stack's passphrase, and the list of secret keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PLACEHOLDER_PASSPHRASES } from "../../scripts/lib/placeholder-passphrases";
import { crypterFor } from "./pulumi-passphrase";

export const ROOT = path.resolve(__dirname, "../..");

export const PASSPHRASES = PLACEHOLDER_PASSPHRASES;

export const STACKS = ["local", "dev", "staging", "production"] as const;

export interface LoadedConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

export function loadStackConfigFile(stack: string, file = path.join(ROOT, `Pulumi.${stack}.yaml`)): LoadedConfig {
  const doc = parse(fs.readFileSync(file, "utf8")) as { encryptionsalt: string; config: Record<string, unknown> };
  const crypter = crypterFor(doc.encryptionsalt, PASSPHRASES[stack] ?? "");
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(doc.config ?? {})) {
    let secret = false;
    const decrypt = (value: unknown): unknown => {
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure") {
          secret = true;
          return crypter.decrypt(String(entries[0][1]));
        }
        return Object.fromEntries(entries.map(([k, v]) => [k, decrypt(v)]));
      }
      return Array.isArray(value) ? value.map(decrypt) : value;
    };
    const plain = decrypt(raw);
    values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secret) secretKeys.push(key);
  }
  return { values, secretKeys };
}
