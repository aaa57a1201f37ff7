/**
 * Stack config, parsed once with zod (STYLE.md). Pure: it takes the config as Pulumi hands it to a
 * program (flat `namespace:key` strings plus the set of keys that are secrets) and returns either the
 * typed config or every problem found, each naming the field, what is wrong and the fix. A secret's
 * value never appears in a problem.
 */
import { z } from "zod";
import {
  CATALOGUE,
  type CatalogueEntry,
  catalogueEntry,
  looksLikeSecretKey,
  TIERS,
  type Tier,
  vendorSecretRequired,
} from "./catalogue";
import { parseInstant } from "./clock";
import { AU_NEON_REGION, AU_VERCEL_REGION } from "./residency";

export const NAMESPACE = "portal-infra";

export type VercelTarget = "production" | "preview" | "development";

export interface VercelProjectConfig {
  readonly name: string;
  readonly framework: string;
  /** Targets this stack owns in the project. */
  readonly targets: readonly VercelTarget[];
}

export interface VercelConfig {
  readonly teamId: string;
  readonly regions: readonly string[];
  readonly projects: readonly VercelProjectConfig[];
}

export interface NeonConfig {
  readonly projectName: string;
  readonly region: string;
  readonly postgresVersion: number;
  readonly branch: string;
  /** The branch this one is made from; none for the root (production) branch. */
  readonly parent?: string;
  /** Protected branches can't be reset or deleted; production's is. */
  readonly protected: boolean;
}

export interface DatabaseConfig {
  readonly name: string;
  readonly schema: string;
  /** Role-name prefix, e.g. `portal` gives `portal_app_a`, `portal_migrations`. */
  readonly rolePrefix: string;
}

export interface SecretSetting {
  readonly entry: CatalogueEntry;
  readonly cadenceDays: number;
  /** Generated secrets: the instant windows are counted from. */
  readonly anchor?: Date;
  /** Manual emergency-rotation counter; bumping it rotates at once. */
  readonly generation: number;
  /** Why the generation was last bumped (evidence for auditors). */
  readonly generationReason?: string;
  /** Vendor-issued secrets: when it was last rotated in the vendor's console. */
  readonly rotatedAt?: Date;
  /** Vendor-issued secrets: the value from encrypted config; undefined where the tier uses a sample. */
  readonly value?: string;
}

export interface StackConfig {
  readonly stack: string;
  readonly tier: Tier;
  readonly team: string;
  readonly vercel?: VercelConfig;
  readonly neon?: NeonConfig;
  readonly database: DatabaseConfig;
  readonly secrets: readonly SecretSetting[];
  /** Deploy hook URL per Vercel project (secret), called once after a rotation. */
  readonly deployHooks: Readonly<Record<string, string>>;
  /** Where production keeps break-glass copies of every secret. */
  readonly breakGlass?: { readonly vault: string };
}

export interface RawConfig {
  readonly stack: string;
  /** Flat config as Pulumi gives it: `portal-infra:neon` -> JSON text, `portal-infra:tier` -> text. */
  readonly values: Readonly<Record<string, string>>;
  /** Full keys (`portal-infra:CLERK_SECRET_KEY`) that Pulumi holds encrypted. */
  readonly secretKeys: ReadonlySet<string>;
}

export class StackConfigError extends Error {
  constructor(
    // Not `stack`: that would overwrite Error.stack, which is what Pulumi prints.
    readonly stackName: string,
    readonly problems: readonly string[],
  ) {
    super(
      `stack \`${stackName}\` has ${problems.length} config problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "StackConfigError";
  }
}

const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier (a-z, 0-9, _)");
const vercelTarget = z.enum(["production", "preview", "development"]);

const vercelSchema = z.strictObject({
  teamId: z.string().min(1),
  regions: z.array(z.string()).min(1),
  projects: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "must be a Vercel project name (a-z, 0-9, -)"),
        framework: z.string().default("nextjs"),
        targets: z.array(vercelTarget).min(1),
      }),
    )
    .min(1),
});

const neonSchema = z.strictObject({
  projectName: z.string().min(1),
  region: z.string(),
  postgresVersion: z.number().int().default(17),
  branch: z.string().min(1),
  parent: z.string().min(1).optional(),
  protected: z.boolean().default(false),
});

const databaseSchema = z.strictObject({
  name: identifier.default("portal"),
  schema: identifier.default("app"),
  rolePrefix: identifier.default("portal"),
});

const secretSettingSchema = z.strictObject({
  cadenceDays: z.number(),
  anchor: z.string().optional(),
  rotatedAt: z.string().optional(),
  generation: z.number().int().min(0).default(0),
  generationReason: z.string().optional(),
});

/** Top-level keys this program reads; any other key in the namespace is a mistake. */
const KNOWN_KEYS = new Set([
  "tier",
  "team",
  "vercel",
  "neon",
  "database",
  "secrets",
  "neonApiKey",
  "neonApiHost",
  "deployHooks",
  "breakGlass",
]);

/** Keys outside the catalogue that hold credentials and so must be set with `--secret`. */
const CREDENTIAL_KEYS = ["neonApiKey", "deployHooks"];

const breakGlassSchema = z.strictObject({ vault: z.string().min(1) });
const deployHooksSchema = z.record(z.string(), z.string());

export function parseStackConfig(raw: RawConfig, now: Date): StackConfig {
  const problems: string[] = [];
  const ours = new Map<string, string>();
  for (const [fullKey, value] of Object.entries(raw.values)) {
    const [ns, ...rest] = fullKey.split(":");
    if (ns === NAMESPACE) ours.set(rest.join(":"), value);
  }

  const tierText = ours.get("tier") ?? raw.stack;
  const tier = (TIERS as readonly string[]).includes(tierText) ? (tierText as Tier) : undefined;
  if (!tier) problems.push(`\`tier\` is \`${tierText}\`; use one of ${TIERS.join(", ")}`);
  const team = ours.get("team") ?? "";
  if (!team) problems.push("`team` is missing: set it with `pulumi config set team <vercel-team-slug>`");

  for (const key of ours.keys()) {
    if (KNOWN_KEYS.has(key) || catalogueEntry(key)?.source === "vendor") continue;
    problems.push(
      looksLikeSecretKey(key) || /^[A-Z0-9_]+$/.test(key)
        ? `\`${key}\` is not in the secret catalogue: fix the spelling, or add it to components/lib/catalogue.ts first`
        : `\`${key}\` is not a setting this program reads: remove it, or fix the spelling (known: ${[...KNOWN_KEYS].join(", ")})`,
    );
  }

  for (const key of CREDENTIAL_KEYS) {
    if (ours.has(key) && !raw.secretKeys.has(`${NAMESPACE}:${key}`)) {
      problems.push(
        `\`${key}\` is set in plaintext config: run \`pulumi config rm ${key}\` then \`pulumi config set --secret ${key}\` (and revoke the exposed key)`,
      );
    }
  }

  const vercel = parseSection("vercel", vercelSchema, ours, problems);
  const neon = parseSection("neon", neonSchema, ours, problems);
  const database = parseSection("database", databaseSchema, ours, problems) ?? databaseSchema.parse({});
  const secretsRaw = parseSecretSettings(
    parseSection("secrets", z.record(z.string(), z.unknown()), ours, problems),
    problems,
  );

  if (tier === "local") {
    if (ours.has("vercel")) problems.push("`vercel` is set on the local tier, which never touches Vercel: remove it");
    if (ours.has("neon"))
      problems.push("`neon` is set on the local tier, which uses the local Postgres sandbox: remove it");
  } else if (tier) {
    if (!ours.has("vercel"))
      problems.push(
        `\`vercel\` is missing on the ${tier} tier: add teamId, regions [${AU_VERCEL_REGION}] and projects`,
      );
    if (!ours.has("neon"))
      problems.push(`\`neon\` is missing on the ${tier} tier: add projectName, region ${AU_NEON_REGION} and branch`);
  }
  if (vercel) {
    const seen = new Set<string>();
    vercel.projects.forEach((project, i) => {
      if (seen.has(project.name)) {
        problems.push(`\`vercel.projects\` names \`${project.name}\` more than once: declare each project once`);
      }
      seen.add(project.name);
      if (new Set(project.targets).size !== project.targets.length) {
        problems.push(`\`vercel.projects.${i}.targets\` lists a target more than once: list each once`);
      }
    });
    for (const region of vercel.regions) {
      if (region !== AU_VERCEL_REGION) {
        problems.push(
          `\`vercel.regions\` includes \`${region}\`; functions must run in Australia: use [${AU_VERCEL_REGION}]`,
        );
      }
    }
  }
  if (neon && tier === "production") {
    if (neon.parent) problems.push("`neon.parent` is set on production, whose branch is the root: remove it");
    if (!neon.protected) problems.push("`neon.protected` is false on production: set it to true");
  } else if (neon && tier) {
    // Only production's stack owns the root branch; another tier that named it would take it over.
    if (!neon.parent) {
      problems.push(
        `\`neon.parent\` is missing on the ${tier} tier: its branch is a child of production's (\`parent: production\`)`,
      );
    } else if (neon.branch === neon.parent) {
      problems.push(
        `\`neon.branch\` is \`${neon.branch}\`, the parent branch itself: give the ${tier} tier its own branch`,
      );
    }
  }
  if (neon && neon.region !== AU_NEON_REGION) {
    problems.push(`\`neon.region\` is \`${neon.region}\`; data must stay in Australia: use \`${AU_NEON_REGION}\``);
  }

  const breakGlass = parseSection("breakGlass", breakGlassSchema, ours, problems);
  if (tier === "production" && !ours.has("breakGlass")) {
    problems.push("`breakGlass` is missing on the production tier: add { vault: <1Password vault UUID> }");
  }
  const deployHooks = parseSection("deployHooks", deployHooksSchema, ours, problems) ?? {};
  for (const [project, url] of Object.entries(deployHooks)) {
    if (vercel && !vercel.projects.some((p) => p.name === project)) {
      problems.push(`\`deployHooks.${project}\` names no project in \`vercel.projects\`: fix the project name`);
    }
    // The URL is a credential: say what is wrong with it without printing it.
    if (!/^https:\/\/\S+$/.test(url)) {
      problems.push(
        `\`deployHooks.${project}\` is not an https URL: copy the hook URL from the project's Git settings`,
      );
    }
  }

  const secrets = tier ? parseSecrets(tier, secretsRaw, ours, raw, now, problems) : [];
  if (problems.length > 0 || !tier) throw new StackConfigError(raw.stack, problems);
  return { stack: raw.stack, tier, team, vercel, neon, database, secrets, deployHooks, breakGlass };
}

function parseSection<T extends z.ZodType>(
  key: string,
  schema: T,
  ours: Map<string, string>,
  problems: string[],
): z.infer<T> | undefined {
  const text = ours.get(key);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    problems.push(`\`${key}\` is not structured config: set it as a YAML object in Pulumi.<stack>.yaml`);
    return undefined;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = [key, ...issue.path.map(String)].join(".");
    problems.push(`\`${path}\` ${describeIssue(issue)}`);
  }
  return undefined;
}

/**
 * Each secret's setting on its own, so one bad field is one problem: a failing entry is left out of
 * the result (and not then reported as missing).
 */
function parseSecretSettings(
  raw: Record<string, unknown> | undefined,
  problems: string[],
): Record<string, z.infer<typeof secretSettingSchema> | "invalid"> {
  const settings: Record<string, z.infer<typeof secretSettingSchema> | "invalid"> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    const result = secretSettingSchema.safeParse(value);
    if (result.success) {
      settings[key] = result.data;
      continue;
    }
    settings[key] = "invalid";
    for (const issue of result.error.issues) {
      problems.push(`\`${["secrets", key, ...issue.path.map(String)].join(".")}\` ${describeIssue(issue)}`);
    }
  }
  return settings;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `has unknown field(s) ${issue.keys.map((k) => `\`${k}\``).join(", ")}: remove them or fix the spelling`;
  }
  if (issue.code === "invalid_value") {
    return `must be one of ${issue.values.map(String).join(", ")}`;
  }
  return `is invalid: ${issue.message}`;
}

function parseSecrets(
  tier: Tier,
  settings: Record<string, z.infer<typeof secretSettingSchema> | "invalid">,
  ours: Map<string, string>,
  raw: RawConfig,
  now: Date,
  problems: string[],
): SecretSetting[] {
  for (const key of Object.keys(settings)) {
    if (!catalogueEntry(key)) {
      problems.push(
        `\`secrets.${key}\` is not in the secret catalogue: fix the spelling, or add it to components/lib/catalogue.ts first`,
      );
    }
  }
  const out: SecretSetting[] = [];
  for (const entry of CATALOGUE) {
    const field = `secrets.${entry.key}`;
    const setting = settings[entry.key];
    const value = ours.get(entry.key);
    if (value !== undefined && !raw.secretKeys.has(`${NAMESPACE}:${entry.key}`)) {
      problems.push(
        `\`${entry.key}\` is set in plaintext config: run \`pulumi config rm ${entry.key}\` then \`pulumi config set --secret ${entry.key}\` (and rotate it in the vendor console, since it was exposed)`,
      );
    }
    if (!setting) {
      problems.push(
        entry.source === "generated"
          ? `\`${field}\` is missing: add { cadenceDays: ${entry.maxCadenceDays}, anchor: <ISO date> }`
          : `\`${field}\` is missing: add { cadenceDays: ${entry.maxCadenceDays}, rotatedAt: <ISO date of the last rotation> }`,
      );
      continue;
    }
    if (setting === "invalid") continue; // already reported field by field
    if (!(setting.cadenceDays > 0)) {
      problems.push(`\`${field}.cadenceDays\` is ${setting.cadenceDays}; it must be a positive number of days`);
    } else if (setting.cadenceDays > entry.maxCadenceDays) {
      problems.push(
        `\`${field}.cadenceDays\` is ${setting.cadenceDays}; the catalogue allows at most ${entry.maxCadenceDays} days for ${entry.key}: use ${entry.maxCadenceDays} or less`,
      );
    }
    const base = {
      entry,
      cadenceDays: setting.cadenceDays,
      generation: setting.generation,
      generationReason: setting.generationReason,
    };
    if (entry.source === "generated") {
      if (setting.rotatedAt !== undefined) {
        problems.push(
          `\`${field}.rotatedAt\` is set, but ${entry.key} is generated and rotated by keepers: use \`anchor\``,
        );
      }
      const anchor = instant(setting.anchor, `${field}.anchor`, now, problems);
      out.push({ ...base, anchor });
    } else {
      if (setting.anchor !== undefined) {
        problems.push(`\`${field}.anchor\` is set, but ${entry.key} is vendor-issued: use \`rotatedAt\``);
      }
      const rotatedAt = instant(setting.rotatedAt, `${field}.rotatedAt`, now, problems);
      if (value === undefined && vendorSecretRequired(tier)) {
        problems.push(
          `\`${entry.key}\` is required on the ${tier} tier but not set: run \`pulumi config set --secret ${entry.key}\` with the key from ${entry.console}`,
        );
      }
      out.push({ ...base, rotatedAt, value });
    }
  }
  return out;
}

/** Parses a required instant that must not lie after `now`; records a problem and returns undefined otherwise. */
function instant(value: string | undefined, field: string, now: Date, problems: string[]): Date | undefined {
  if (value === undefined) {
    problems.push(`\`${field}\` is missing: add an ISO-8601 UTC date such as \`2026-03-01\``);
    return undefined;
  }
  try {
    const date = parseInstant(value, field);
    if (date.getTime() > now.getTime()) {
      problems.push(
        `\`${field}\` is ${value}, which is in the future (now is ${now.toISOString()}): use a date on or before today`,
      );
      return undefined;
    }
    return date;
  } catch (err) {
    problems.push((err as Error).message);
    return undefined;
  }
}
