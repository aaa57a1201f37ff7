/**
 * Resources as the program registers them (components/*.ts), built with the same pure helpers, so a
 * baseline here is what a compliant stack really sends the pack during preview.
 */
import { type CatalogueEntry, catalogueEntry } from "../../components/lib/catalogue";
import { envVarResourceName, rotationComment, sampleValue } from "../../components/lib/env-plan";
import { DYNAMIC_RESOURCE_TYPE, KIND } from "../../components/lib/resource-kinds";
import { addDays, keepersFor, lastTurnOf, rotationWindow, type Slot } from "../../components/lib/rotation";
import { TYPE } from "../../policies/lib/types";
import { type Res, U } from "./harness";

/** "Now" for every policy test (PORTAL_CLOCK). */
export const NOW = "2026-12-03T00:00:00.000Z";
export const ANCHOR = new Date("2026-01-05T00:00:00Z");
export const PROJECT_NAME = "mm-portal";
export const TEAM = "team_mmPortalPlaceholder00";

/** A dynamic provider's serialized closure, as the engine stores it under `__provider`. */
const PROVIDER = "exports.handler = __f0; function __f0() { return (function() { /* region: us-east-1 */ }) }";

export function entry(key: string): CatalogueEntry {
  const found = catalogueEntry(key);
  if (!found) throw new Error(`${key} is not in the catalogue`);
  return found;
}

export function vercelProject(props: Record<string, unknown> = {}, name = PROJECT_NAME): Res {
  return {
    type: TYPE.vercelProject,
    name,
    props: {
      name,
      teamId: TEAM,
      framework: "nextjs",
      resourceConfig: { functionDefaultRegions: ["syd1"] },
      functionFailover: false,
      ...props,
    },
  };
}

/** Rotation comment of a vendor-issued secret last rotated at `rotatedAt`. */
export function vendorComment(key: string, rotatedAt: string, cadenceDays = entry(key).maxCadenceDays): string {
  const at = new Date(rotatedAt);
  return rotationComment({ source: "vendor", cadenceDays, rotatedAt: at, nextDue: addDays(at, cadenceDays) });
}

/** Rotation comment of a generated secret at NOW. */
export function generatedComment(key: string): string {
  const { maxCadenceDays } = entry(key);
  const w = rotationWindow(ANCHOR, maxCadenceDays, new Date(NOW));
  return rotationComment({
    source: "generated",
    cadenceDays: maxCadenceDays,
    windowStart: w.start,
    window: w.index,
    generation: 0,
    nextDue: w.nextDue,
  });
}

/** Recently rotated, so never overdue at NOW. */
export const FRESH = "2026-11-20T00:00:00.000Z";

export function commentFor(key: string): string {
  const e = catalogueEntry(key.replace(/_PREVIOUS$/, ""));
  return e?.source === "vendor" ? vendorComment(key, FRESH) : e ? generatedComment(e.key) : "";
}

/**
 * A variable as VercelProject declares it: the project id is unknown until the project exists, a
 * real (secret) value on preview/production, the sample on development.
 */
export function envVar(key: string, target: string, props: Record<string, unknown> = {}): Res {
  const development = target === "development";
  return {
    type: TYPE.vercelEnvVar,
    name: envVarResourceName(PROJECT_NAME, key, target as "production"),
    props: {
      projectId: U.string,
      teamId: TEAM,
      key,
      value: development ? sampleValue(key) : "s3cr3t-value-from-config",
      targets: [target],
      sensitive: !development,
      comment: commentFor(key),
      ...props,
    },
  };
}

export function dynamic(kind: string, name: string, props: Record<string, unknown>): Res {
  return { type: DYNAMIC_RESOURCE_TYPE, name, props: { __provider: PROVIDER, resourceKind: kind, ...props } };
}

export function neonProject(props: Record<string, unknown> = {}): Res {
  return dynamic(KIND.neonProject, "neon-project", {
    name: PROJECT_NAME,
    regionId: "aws-ap-southeast-2",
    pgVersion: 17,
    ...props,
  });
}

export function postgresRole(roleName: string, props: Record<string, unknown> = {}): Res {
  return dynamic(KIND.postgresRole, `neon-${roleName.replace(/_/g, "-")}`, {
    name: roleName,
    superuser: false,
    createRole: false,
    createDb: false,
    replication: false,
    bypassRls: false,
    inRoles: [],
    ...props,
  });
}

export function envFile(comments: Record<string, string>, entries: unknown = U.object): Res {
  return dynamic(KIND.envFile, "env-local", { path: "/work/main/.env.local", entries, comments });
}

/** A RotatingSecret slot: a RandomPassword whose keepers come from keepersFor at NOW. */
export function randomPassword(
  key: string,
  options: { slot?: Slot; cadenceDays?: number; window?: number; keepers?: Record<string, unknown> } = {},
): Res {
  const cadenceDays = options.cadenceDays ?? entry(key).maxCadenceDays;
  const current = rotationWindow(ANCHOR, cadenceDays, new Date(NOW)).index;
  const window = options.window ?? (options.slot ? lastTurnOf(options.slot, current) : current);
  const base = key.toLowerCase().replace(/_/g, "-");
  return {
    type: "random:index/randomPassword:RandomPassword",
    name: options.slot ? `${base}-${options.slot}` : base,
    props: {
      length: 40,
      special: false,
      keepers: {
        ...keepersFor({ key, slot: options.slot, cadenceDays, anchor: ANCHOR, window, generation: 0 }),
        ...options.keepers,
      },
    },
  };
}
