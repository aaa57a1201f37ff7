/**
 * The shape two stacks must share for one to mirror the other: which variable keys each Vercel target
 * gets, which regions functions and data live in, and which database roles exist. Computed two ways:
 * from a stack file through the program's own pure plan (what production *will* be), and from the
 * resources a policy sees (what staging *is*). No values are read, only names.
 */
import * as fs from "node:fs";
import { parse } from "yaml";
import { planVercelEnv } from "../../components/lib/env-plan";
import { roleNames } from "../../components/lib/postgres-grants";
import { KIND } from "../../components/lib/resource-kinds";
import { NAMESPACE, type StackConfig } from "../../components/lib/stack-config";
import { listOf, read, UNKNOWN } from "./preview";
import { kindOf, TYPE } from "./types";

export interface StackShape {
  /** Vercel target (or `custom:<id>`) -> variable keys, sorted. */
  readonly envKeys: Readonly<Record<string, readonly string[]>>;
  /** Regions Vercel functions run in, sorted. */
  readonly vercelRegions: readonly string[];
  /** Regions Neon resources name, sorted. */
  readonly neonRegions: readonly string[];
  /** Postgres role names, sorted. */
  readonly roles: readonly string[];
}

/**
 * The config of a stack file in this project's namespace, without decrypting: `secure:` values become
 * a placeholder. Project-level defaults in Pulumi.yaml are not merged: every setting is in the stack files.
 */
export function readStackFile(file: string): Record<string, unknown> {
  const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === "object") {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 1 && entries[0]?.[0] === "secure") return "[secure]";
      return Object.fromEntries(entries.map(([k, v]) => [k, strip(v)]));
    }
    return value;
  };
  const ours: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const [ns, ...rest] = key.includes(":") ? key.split(":") : [NAMESPACE, key];
    if (ns === NAMESPACE) ours[rest.join(":")] = strip(value);
  }
  return ours;
}

/**
 * The settings that decide a stack's shape. The rest of the config (secrets, deploy hooks, ...) is
 * encrypted in the stack file and shapes nothing, so `parseStackConfig`, which checks those values
 * too, can't be used without the stack's passphrase; these few fields are checked here instead.
 */
export type ShapeConfig = Pick<StackConfig, "vercel" | "neon" | "database">;

export class StackShapeError extends Error {}

export function shapeConfigOf(stack: string, values: Record<string, unknown>): ShapeConfig {
  const problems: string[] = [];
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
  const vercel = values.vercel as { regions?: unknown; projects?: unknown } | undefined;
  if (vercel !== undefined) {
    if (!isStrings(vercel.regions)) problems.push("`vercel.regions` is not a list of regions");
    const projects = vercel.projects;
    if (!Array.isArray(projects) || !projects.every((p) => typeof p?.name === "string" && isStrings(p?.targets))) {
      problems.push("`vercel.projects` is not a list of { name, targets }");
    }
  }
  const neon = values.neon as { region?: unknown } | undefined;
  if (neon !== undefined && typeof neon.region !== "string") problems.push("`neon.region` is not a region");
  const database = (values.database ?? {}) as { rolePrefix?: unknown };
  const rolePrefix = database.rolePrefix ?? "portal";
  if (typeof rolePrefix !== "string") problems.push("`database.rolePrefix` is not a name");
  if (problems.length > 0) throw new StackShapeError(`stack \`${stack}\`: ${problems.join("; ")}`);
  return {
    vercel: vercel as ShapeConfig["vercel"],
    neon: neon as ShapeConfig["neon"],
    database: { ...(values.database as object), rolePrefix } as ShapeConfig["database"],
  };
}

/** Role names the program declares, from the same pure function (components/lib/postgres-grants.ts). */
export function roleNamesOf(config: ShapeConfig): string[] {
  const names = roleNames(config.database.rolePrefix);
  return [names.migrations, names.app.a, names.app.b, names.readonly.a, names.readonly.b].sort();
}

/** The shape a stack's config will produce, via the program's pure plan. */
export function shapeOfConfig(config: ShapeConfig): StackShape {
  const envKeys: Record<string, string[]> = {};
  // planVercelEnv reads only `vercel` (components/lib/env-plan.ts); it is typed for the whole config.
  for (const v of planVercelEnv(config as StackConfig)) addKey(envKeys, v.target, v.key);
  return {
    envKeys: sortedValues(envKeys),
    vercelRegions: sortedUnique(config.vercel ? [...config.vercel.regions] : []),
    neonRegions: sortedUnique(config.neon ? [config.neon.region] : []),
    roles: roleNamesOf(config),
  };
}

/** Reads a stack file and computes its shape; throws {@link StackShapeError} if the shape can't be read. */
export function shapeOfStackFile(file: string, stack: string): StackShape {
  return shapeOfConfig(shapeConfigOf(stack, readStackFile(file)));
}

/** A resource as a stack policy sees it (the subset of `PolicyResource` used here). */
export interface ShapeResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
}

/** A field of a resource that was unknown during preview, so the shape is incomplete. */
export interface UnknownField {
  readonly resource: ShapeResource;
  readonly field: string;
}

/** The shape of the resources a stack policy sees, plus every field that was unknown on the way. */
export function shapeOfResources(resources: readonly ShapeResource[]): { shape: StackShape; unknown: UnknownField[] } {
  const envKeys: Record<string, string[]> = {};
  const vercelRegions: string[] = [];
  const neonRegions: string[] = [];
  const roles: string[] = [];
  const unknown: UnknownField[] = [];
  const strings = (resource: ShapeResource, field: string, value: unknown): string[] => {
    const list = listOf(value);
    if (list === UNKNOWN || list?.includes(UNKNOWN)) {
      unknown.push({ resource, field });
      return [];
    }
    return (list ?? []).map(String);
  };

  for (const r of resources) {
    const kind = kindOf(r.type, r.props);
    if (r.type === TYPE.vercelEnvVar) {
      const key = strings(r, "key", read(r.props, "key"))[0];
      const targets = [
        ...strings(r, "targets", read(r.props, "targets")),
        ...strings(r, "customEnvironmentIds", read(r.props, "customEnvironmentIds")).map((id) => `custom:${id}`),
      ];
      if (key !== undefined) for (const t of targets) addKey(envKeys, t, key);
    } else if (r.type === TYPE.vercelProject) {
      vercelRegions.push(
        ...strings(
          r,
          "resourceConfig.functionDefaultRegions",
          read(r.props, "resourceConfig", "functionDefaultRegions"),
        ),
      );
      vercelRegions.push(...strings(r, "serverlessFunctionRegion", read(r.props, "serverlessFunctionRegion")));
    } else if (
      [TYPE.neonProject, TYPE.neonBranch, TYPE.neonEndpoint].includes(r.type as never) ||
      [KIND.neonProject, KIND.neonBranch, KIND.neonEndpoint].includes(kind as never)
    ) {
      neonRegions.push(...strings(r, "regionId", read(r.props, "regionId")));
    } else if (kind === KIND.postgresRole) {
      roles.push(...strings(r, "name", read(r.props, "name")));
    } else if (kind === UNKNOWN) {
      unknown.push({ resource: r, field: "resourceKind" });
    }
  }
  return {
    shape: {
      envKeys: sortedValues(envKeys),
      vercelRegions: sortedUnique(vercelRegions),
      neonRegions: sortedUnique(neonRegions),
      roles: sortedUnique(roles),
    },
    unknown,
  };
}

function addKey(envKeys: Record<string, string[]>, target: string, key: string): void {
  envKeys[target] = [...(envKeys[target] ?? []), key];
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function sortedValues(map: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, sortedUnique(map[k] ?? [])]),
  );
}

/** Members of `expected` missing from `actual`, and members of `actual` not in `expected`. */
export function difference(
  expected: readonly string[],
  actual: readonly string[],
): { missing: string[]; extra: string[] } {
  return {
    missing: expected.filter((e) => !actual.includes(e)),
    extra: actual.filter((a) => !expected.includes(a)),
  };
}
