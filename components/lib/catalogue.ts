/**
 * The secret catalogue: the seed playbook's "Required secrets" table made exact (DESIGN.md).
 * Pure data and lookups; no Pulumi resources.
 */

export type Tier = "local" | "dev" | "staging" | "production";
export const TIERS: readonly Tier[] = ["local", "dev", "staging", "production"];
export const CLOUD_TIERS: readonly Tier[] = ["dev", "staging", "production"];

/** `generated`: made by a `random` resource and rotated by keepers; `vendor`: issued in a vendor console. */
export type SecretSource = "generated" | "vendor";

/**
 * How a rotation avoids breaking what still holds the old value:
 * - `alternating-users`: two database roles; the URL points at the one rotated most recently.
 * - `single-role`: one role, rotated in the deploy that uses it.
 * - `current-and-previous`: two values; consumers accept both, so a turn loses nothing.
 * - `vendor-console`: rotated by a person in the vendor's console; `rotatedAt` is checked.
 */
export type RotationStrategy = "alternating-users" | "single-role" | "current-and-previous" | "vendor-console";

export interface CatalogueEntry {
  readonly key: string;
  readonly source: SecretSource;
  readonly maxCadenceDays: number;
  readonly strategy: RotationStrategy;
  readonly owner: string;
  readonly description: string;
  /** Where a person rotates a vendor-issued secret. */
  readonly console?: string;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    key: "NEON_DATABASE_URL",
    source: "generated",
    maxCadenceDays: 90,
    strategy: "alternating-users",
    owner: "Reliability partner",
    description: "App database URL (app role, alternating users)",
  },
  {
    key: "NEON_MIGRATIONS_URL",
    source: "generated",
    maxCadenceDays: 90,
    strategy: "single-role",
    owner: "Owen",
    description: "Migrations role URL (owns the app schema)",
  },
  {
    key: "NEON_READONLY_URL",
    source: "generated",
    maxCadenceDays: 90,
    strategy: "alternating-users",
    owner: "Reliability partner",
    description: "Read-only role URL (alternating users)",
  },
  {
    key: "RESIDENCY_REPORT_SECRET",
    source: "generated",
    maxCadenceDays: 180,
    strategy: "current-and-previous",
    owner: "Owen",
    description: "Signed URL secret for compliance exports",
  },
  {
    key: "SHARE_LINK_HASH_SALT",
    source: "generated",
    maxCadenceDays: 365,
    strategy: "current-and-previous",
    owner: "Security specialist",
    description: "Salt for share-link token hashing (re-hashed on use)",
  },
  {
    key: "CLERK_SECRET_KEY",
    source: "vendor",
    maxCadenceDays: 180,
    strategy: "vendor-console",
    owner: "Security specialist",
    description: "Clerk auth server key",
    console: "Clerk dashboard > API keys",
  },
  {
    key: "MUX_TOKEN_ID",
    source: "vendor",
    maxCadenceDays: 120,
    strategy: "vendor-console",
    owner: "Reliability partner",
    description: "Mux access token id",
    console: "Mux dashboard > Settings > Access tokens",
  },
  {
    key: "MUX_TOKEN_SECRET",
    source: "vendor",
    maxCadenceDays: 120,
    strategy: "vendor-console",
    owner: "Reliability partner",
    description: "Mux access token secret",
    console: "Mux dashboard > Settings > Access tokens",
  },
  {
    key: "RESEND_API_KEY",
    source: "vendor",
    maxCadenceDays: 90,
    strategy: "vendor-console",
    owner: "Client success lead",
    description: "Resend email delivery key",
    console: "Resend dashboard > API keys",
  },
  {
    key: "SENTRY_AUTH_TOKEN",
    source: "vendor",
    maxCadenceDays: 180,
    strategy: "vendor-console",
    owner: "Technical delivery lead",
    description: "Sentry auth token",
    console: "Sentry > Settings > Auth tokens",
  },
];

const BY_KEY = new Map(CATALOGUE.map((e) => [e.key, e]));

export function catalogueEntry(key: string): CatalogueEntry | undefined {
  return BY_KEY.get(key);
}

export function isCatalogueKey(key: string): boolean {
  return BY_KEY.has(key);
}

export const VENDOR_KEYS: readonly string[] = CATALOGUE.filter((e) => e.source === "vendor").map((e) => e.key);
export const GENERATED_KEYS: readonly string[] = CATALOGUE.filter((e) => e.source === "generated").map((e) => e.key);

/** Suffix of the variable that carries the previous value of a `current-and-previous` secret. */
export const PREVIOUS_SUFFIX = "_PREVIOUS";

/** Every environment variable a catalogue entry produces (`current-and-previous` also exports `..._PREVIOUS`). */
export function envKeysOf(entry: CatalogueEntry): string[] {
  return entry.strategy === "current-and-previous" ? [entry.key, entry.key + PREVIOUS_SUFFIX] : [entry.key];
}

/** Tiers where a vendor-issued secret must be set: staging mirrors production. */
export function vendorSecretRequired(tier: Tier): boolean {
  return tier === "production" || tier === "staging";
}

/** Shaped like a secret: used for keys outside the catalogue (policy and config checks). */
export function looksLikeSecretKey(key: string): boolean {
  return /(_KEY|_SECRET|_TOKEN|_SALT|_PASSWORD)(_PREVIOUS)?$/.test(key);
}

/** A URL that carries credentials (`scheme://user:password@host`). */
export function urlCarriesCredentials(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:[^/@\s]+@/i.test(value);
}
