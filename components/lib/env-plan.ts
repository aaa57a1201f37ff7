/**
 * What each tier publishes: which variables go to which Vercel project and target, which are sensitive,
 * which carry sample values, the rotation metadata each carries, and the rotation schedule the stack
 * exports. Pure: the program turns this plan into resources; tests and policies read it directly.
 */
import { CATALOGUE, type CatalogueEntry, envKeysOf, type SecretSource } from "./catalogue";
import { addDays, rotationWindow } from "./rotation";
import type { SecretSetting, StackConfig, VercelTarget } from "./stack-config";

export interface RotationMeta {
  readonly source: SecretSource;
  readonly cadenceDays: number;
  /** Generated: start of the current window. */
  readonly windowStart?: Date;
  readonly window?: number;
  readonly generation?: number;
  /** Vendor-issued: last rotation in the vendor's console. */
  readonly rotatedAt?: Date;
  readonly nextDue: Date;
}

/** Rotation metadata of one secret at `now`. */
export function rotationMeta(setting: SecretSetting, now: Date): RotationMeta {
  if (setting.entry.source === "generated") {
    if (!setting.anchor) throw new Error(`${setting.entry.key} has no anchor`);
    const window = rotationWindow(setting.anchor, setting.cadenceDays, now, `secrets.${setting.entry.key}.anchor`);
    return {
      source: "generated",
      cadenceDays: setting.cadenceDays,
      windowStart: window.start,
      window: window.index,
      generation: setting.generation,
      nextDue: window.nextDue,
    };
  }
  const rotatedAt = setting.rotatedAt ?? now;
  return {
    source: "vendor",
    cadenceDays: setting.cadenceDays,
    rotatedAt,
    nextDue: addDays(rotatedAt, setting.cadenceDays),
  };
}

/**
 * The `comment` a Vercel variable (or a `.env.local` line) carries: rotation metadata, never a value.
 * `rotation source=generated cadence=90d windowStart=2026-10-03 window=3 generation=0 nextDue=2027-01-01`
 */
export function rotationComment(meta: RotationMeta): string {
  const parts = [`source=${meta.source}`, `cadence=${meta.cadenceDays}d`];
  if (meta.windowStart) parts.push(`windowStart=${meta.windowStart.toISOString()}`);
  if (meta.window !== undefined) parts.push(`window=${meta.window}`);
  if (meta.generation !== undefined) parts.push(`generation=${meta.generation}`);
  if (meta.rotatedAt) parts.push(`rotatedAt=${meta.rotatedAt.toISOString()}`);
  parts.push(`nextDue=${meta.nextDue.toISOString()}`);
  return `rotation ${parts.join(" ")}`;
}

export interface ParsedRotationComment {
  readonly source?: string;
  readonly cadenceDays?: number;
  readonly windowStart?: Date;
  readonly window?: number;
  readonly generation?: number;
  readonly rotatedAt?: Date;
  readonly nextDue?: Date;
}

/** Reads back a {@link rotationComment}; undefined when the text is not one. */
export function parseRotationComment(comment: string | undefined): ParsedRotationComment | undefined {
  if (!comment?.startsWith("rotation ")) return undefined;
  const fields = new Map(
    comment
      .slice("rotation ".length)
      .split(/\s+/)
      .map((pair) => pair.split("=") as [string, string]),
  );
  const date = (k: string) => (fields.has(k) ? new Date(fields.get(k) as string) : undefined);
  const num = (k: string) => (fields.has(k) ? Number(fields.get(k)) : undefined);
  return {
    source: fields.get("source"),
    cadenceDays: fields.has("cadence") ? Number.parseFloat(fields.get("cadence") as string) : undefined,
    windowStart: date("windowStart"),
    window: num("window"),
    generation: num("generation"),
    rotatedAt: date("rotatedAt"),
    nextDue: date("nextDue"),
  };
}

export interface EnvVarPlan {
  readonly project: string;
  readonly key: string;
  readonly entry: CatalogueEntry;
  readonly target: VercelTarget;
  /** Vercel refuses `sensitive` on `development`; everywhere else secrets are sensitive. */
  readonly sensitive: boolean;
  /** `development` gets sample values only, never a real secret. */
  readonly sample: boolean;
}

/** One variable per project, key and target this stack owns. */
export function planVercelEnv(config: StackConfig): EnvVarPlan[] {
  const plan: EnvVarPlan[] = [];
  for (const project of config.vercel?.projects ?? []) {
    for (const entry of CATALOGUE) {
      for (const key of envKeysOf(entry)) {
        for (const target of project.targets) {
          const development = target === "development";
          plan.push({ project: project.name, key, entry, target, sensitive: !development, sample: development });
        }
      }
    }
  }
  return plan;
}

/** A value that is obviously not a secret, for the `development` target and for missing local keys. */
export function sampleValue(key: string, database = "portal"): string {
  if (key.startsWith("NEON_") && key.endsWith("_URL")) {
    const role = key === "NEON_MIGRATIONS_URL" ? "migrations" : key === "NEON_READONLY_URL" ? "readonly" : "app";
    return `postgresql://sample_${role}@localhost:5432/${database}`;
  }
  return `sample-${key.toLowerCase().replace(/_/g, "-")}-not-a-secret`;
}

/** Vercel resource name of a variable: stable across runs, unique per project, key and target. */
export function envVarResourceName(project: string, key: string, target: VercelTarget): string {
  return `${project}-${key.toLowerCase().replace(/_/g, "-")}-${target}`;
}

export interface ScheduleRow {
  readonly key: string;
  readonly source: SecretSource;
  readonly strategy: string;
  readonly cadenceDays: number;
  readonly maxCadenceDays: number;
  readonly windowStart?: string;
  readonly window?: number;
  readonly generation?: number;
  readonly generationReason?: string;
  readonly rotatedAt?: string;
  readonly nextDue: string;
  /** What a rotation of this secret updates: `vercel:<project>/<target>/<KEY>`, `postgres:role/<name>`, ... */
  readonly consumers: readonly string[];
}

/** The rotation schedule: one row per catalogue secret; no values. */
export function rotationSchedule(
  config: StackConfig,
  now: Date,
  extraConsumers: (key: string) => readonly string[] = () => [],
): ScheduleRow[] {
  const env = planVercelEnv(config);
  return config.secrets.map((setting) => {
    const meta = rotationMeta(setting, now);
    const keys = envKeysOf(setting.entry);
    const consumers = [
      ...env.filter((v) => keys.includes(v.key) && !v.sample).map((v) => `vercel:${v.project}/${v.target}/${v.key}`),
      ...(config.tier === "local" ? keys.map((k) => `local:.env.local/${k}`) : []),
      ...extraConsumers(setting.entry.key),
    ];
    return {
      key: setting.entry.key,
      source: setting.entry.source,
      strategy: setting.entry.strategy,
      cadenceDays: setting.cadenceDays,
      maxCadenceDays: setting.entry.maxCadenceDays,
      windowStart: meta.windowStart?.toISOString(),
      window: meta.window,
      generation: setting.generation,
      generationReason: setting.generationReason,
      rotatedAt: meta.rotatedAt?.toISOString(),
      nextDue: meta.nextDue.toISOString(),
      consumers,
    };
  });
}
