/**
 * The program every tier runs: config, generated secrets, the database and its roles, and where the
 * secrets are published (Vercel for cloud tiers, `.env.local` for local). index.ts calls it; the mocks
 * tests call it directly after setting mocks and config.
 */
import * as pulumi from "@pulumi/pulumi";
import { BreakGlassCopy } from "./break-glass-copy";
import { loadStackConfig } from "./config";
import { type CatalogueEntry, envKeysOf, PREVIOUS_SUFFIX } from "./lib/catalogue";
import { clockFromEnv } from "./lib/clock";
import type { DatabasePasswords, DatabaseUrls } from "./lib/database-urls";
import {
  planVercelEnv,
  rotationComment,
  rotationMeta,
  rotationSchedule,
  type ScheduleRow,
  sampleValue,
} from "./lib/env-plan";
import { roleNames } from "./lib/postgres-grants";
import { AU_VERCEL_REGION } from "./lib/residency";
import type { SecretSetting, StackConfig } from "./lib/stack-config";
import { LocalDatabase } from "./local-database";
import { LocalEnvFile } from "./local-env-file";
import { NeonDatabase } from "./neon-database";
import { RedeployHook } from "./redeploy-hook";
import { RotatingSecret } from "./rotating-secret";
import { VercelProject } from "./vercel-project";

export interface PortalOutputs {
  readonly tier: string;
  readonly regions: { readonly neon: string; readonly vercel: string };
  readonly schedule: readonly ScheduleRow[];
  readonly roles: pulumi.Output<string[]>;
}

export function portal(now: Date = clockFromEnv().now()): PortalOutputs {
  const config = loadStackConfig(now);
  const generated = generateSecrets(config, now);
  const database = declareDatabase(config, generated);
  const values = secretValues(config, generated, database.urls);
  const comments = rotationComments(config, now);
  const versions = secretVersions(config, generated);

  if (config.vercel) {
    const { vercel } = config;
    const plan = planVercelEnv(config);
    for (const project of vercel.projects) {
      new VercelProject(project.name, {
        project,
        teamId: vercel.teamId,
        regions: vercel.regions,
        variables: plan
          .filter((v) => v.project === project.name)
          .map((v) => ({ plan: v, value: values[v.key], comment: comments[v.key] })),
      });
      declareRedeploy(config, project.name, versions);
    }
  } else {
    new LocalEnvFile("env-local", { entries: values, comments });
  }
  if (config.breakGlass) {
    for (const [key, value] of Object.entries(values)) {
      new BreakGlassCopy(`break-glass-${key.toLowerCase().replace(/_/g, "-")}`, {
        vault: config.breakGlass.vault,
        title: breakGlassTitle(config, key),
        value,
        rotation: comments[key],
      });
    }
  }

  return {
    tier: config.tier,
    regions: { neon: config.neon?.region ?? "local", vercel: config.vercel ? AU_VERCEL_REGION : "none" },
    schedule: rotationSchedule(config, now, (key) => [
      ...roleConsumers(config, key),
      ...breakGlassConsumers(config, key),
    ]),
    roles: pulumi.output(database.roles),
  };
}

/** One `RotatingSecret` per generated catalogue key; two slots where the strategy keeps a partner valid. */
function generateSecrets(config: StackConfig, now: Date): Map<string, RotatingSecret> {
  const secrets = new Map<string, RotatingSecret>();
  for (const setting of config.secrets) {
    if (setting.entry.source !== "generated" || !setting.anchor) continue;
    secrets.set(
      setting.entry.key,
      new RotatingSecret(setting.entry.key.toLowerCase().replace(/_/g, "-"), {
        key: setting.entry.key,
        cadenceDays: setting.cadenceDays,
        anchor: setting.anchor,
        generation: setting.generation,
        now,
        slots: slotsFor(setting.entry),
      }),
    );
  }
  return secrets;
}

function slotsFor(entry: CatalogueEntry): 1 | 2 {
  return entry.strategy === "alternating-users" || entry.strategy === "current-and-previous" ? 2 : 1;
}

function declareDatabase(config: StackConfig, generated: Map<string, RotatingSecret>) {
  const passwords: DatabasePasswords = {
    app: required(generated, "NEON_DATABASE_URL"),
    readonly: required(generated, "NEON_READONLY_URL"),
    migrations: required(generated, "NEON_MIGRATIONS_URL"),
  };
  return config.neon
    ? new NeonDatabase("neon", { neon: config.neon, database: config.database, passwords })
    : new LocalDatabase("local-postgres", { database: config.database, passwords });
}

function required(generated: Map<string, RotatingSecret>, key: string): RotatingSecret {
  const secret = generated.get(key);
  if (!secret) throw new Error(`secret ${key} was not generated; check \`secrets.${key}\` in the stack config`);
  return secret;
}

/** Every variable the tier publishes, by env key: secret Outputs, or samples where the tier allows. */
function secretValues(
  config: StackConfig,
  generated: Map<string, RotatingSecret>,
  urls: DatabaseUrls,
): Record<string, pulumi.Output<string>> {
  const values: Record<string, pulumi.Output<string>> = { ...urls };
  for (const setting of config.secrets) {
    const { key } = setting.entry;
    if (key in urls) continue;
    const secret = generated.get(key);
    if (secret) {
      values[key] = secret.current;
      if (secret.previous) values[key + PREVIOUS_SUFFIX] = secret.previous;
    } else {
      values[key] = vendorValue(setting, config);
    }
  }
  return values;
}

/** A vendor secret's value; tiers that don't require it get an obvious sample (never a real key). */
function vendorValue(setting: SecretSetting, config: StackConfig): pulumi.Output<string> {
  return setting.value === undefined
    ? pulumi.output(sampleValue(setting.entry.key, config.database.name))
    : pulumi.secret(setting.value);
}

function rotationComments(config: StackConfig, now: Date): Record<string, string> {
  const comments: Record<string, string> = {};
  for (const setting of config.secrets) {
    const comment = rotationComment(rotationMeta(setting, now));
    for (const key of envKeysOf(setting.entry)) comments[key] = comment;
  }
  return comments;
}

/**
 * A non-secret version per env key that changes exactly when the value does: the window and
 * generation of a generated secret, the rotation date and generation of a vendor-issued one.
 */
function secretVersions(config: StackConfig, generated: Map<string, RotatingSecret>): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const setting of config.secrets) {
    const version =
      generated.get(setting.entry.key)?.version ??
      `${setting.rotatedAt?.toISOString() ?? "sample"}.g${setting.generation}`;
    for (const key of envKeysOf(setting.entry)) versions[key] = version;
  }
  return versions;
}

/** One redeploy per rotation, where the project has a deploy hook; otherwise say a redeploy is manual. */
function declareRedeploy(config: StackConfig, project: string, versions: Record<string, string>): void {
  const url = config.deployHooks[project];
  if (!url) {
    pulumi.log.warn(
      `Vercel project ${project} has no deploy hook (\`deployHooks.${project}\`): rotated values reach users only after a manual redeploy`,
    );
    return;
  }
  new RedeployHook(`${project}-redeploy`, {
    url,
    versions: Object.entries(versions).map(([key, version]) => `${key}:${version}`),
  });
}

function roleConsumers(config: StackConfig, key: string): string[] {
  const roles = roleNames(config.database.rolePrefix);
  const names: Record<string, string[]> = {
    NEON_DATABASE_URL: [roles.app.a, roles.app.b],
    NEON_READONLY_URL: [roles.readonly.a, roles.readonly.b],
    NEON_MIGRATIONS_URL: [roles.migrations],
  };
  return (names[key] ?? []).map((name) => `postgres:role/${name}`);
}

function breakGlassTitle(config: StackConfig, key: string): string {
  return `portal/${config.tier}/${key}`;
}

/** The 1Password items a rotation updates: `1password:<item title>`. */
function breakGlassConsumers(config: StackConfig, key: string): string[] {
  const entry = config.secrets.find((s) => s.entry.key === key)?.entry;
  return config.breakGlass && entry ? envKeysOf(entry).map((k) => `1password:${breakGlassTitle(config, k)}`) : [];
}
