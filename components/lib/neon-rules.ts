/**
 * Inputs, outputs, checks and diff rules of the Neon resources (project, branch, endpoint). Pure.
 *
 * A diff replaces only what Neon can't update in place. Two changes are refused instead, because the
 * replacement would delete a database that holds data: a project's region (Neon can't move a project;
 * it also decides where the data lives) and anything that would replace a protected project or branch.
 */

import { unknownValue as UNKNOWN } from "@pulumi/pulumi/runtime/rpc";
import { identifierProblem } from "./identifiers";
import type { KIND, NeonProjectPolicyInputs } from "./resource-kinds";

export interface Failure {
  readonly property: string;
  readonly reason: string;
}

export type ProjectLifecycle = "owned" | "shared";

export interface NeonProjectInputs extends NeonProjectPolicyInputs {
  readonly resourceKind: typeof KIND.neonProject;
  /**
   * `owned`: this stack creates (or adopts) the project and may delete it. `shared`: the project belongs
   * to another stack (production); this one only looks it up, never changes or deletes it.
   */
  readonly lifecycle: ProjectLifecycle;
  /** Refuse deleting it (and replacing it). */
  readonly protected: boolean;
  /** Created with the project (owned only): its root branch, database and owner role. */
  readonly rootBranch: string;
  readonly databaseName: string;
  readonly ownerRole: string;
}

export interface NeonProjectOutputs extends NeonProjectInputs {
  readonly projectId: string;
  readonly defaultBranchId: string;
}

export interface NeonBranchInputs {
  readonly resourceKind: typeof KIND.neonBranch;
  readonly projectId: string;
  readonly name: string;
  /** Name of the parent branch; absent for the root branch (made with the project). */
  readonly parent?: string;
  readonly protected: boolean;
}

export interface NeonBranchOutputs extends NeonBranchInputs {
  readonly branchId: string;
  readonly parentId?: string;
}

export interface NeonEndpointInputs {
  readonly resourceKind: typeof KIND.neonEndpoint;
  readonly projectId: string;
  readonly branchId: string;
  readonly type: "read_write";
  readonly minCu: number;
  readonly maxCu: number;
  /** Seconds idle before the compute suspends (0: Neon's default, -1: never). */
  readonly suspendTimeoutSeconds: number;
  /** The database and owner role the administrator URL is for. */
  readonly databaseName: string;
  readonly ownerRole: string;
}

export interface NeonEndpointOutputs extends NeonEndpointInputs {
  readonly endpointId: string;
  readonly host: string;
  readonly regionId: string;
  /** Secret: the owner role's connection URI (the role provider's administrator). */
  readonly adminUri: string;
}

export const ENDPOINT_SECRET_OUTPUTS = ["adminUri"] as const;

export interface NeonDiff {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
}

export class NeonRuleError extends Error {
  constructor(message: string) {
    super(message);
    // Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`, which sets no
    // message: without this line, errors thrown in the provider process would arrive empty.
    this.message = message;
    this.name = "NeonRuleError";
  }
}

const known = (v: unknown) => v !== undefined && v !== UNKNOWN;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const changed = <T extends object>(olds: Partial<T>, news: Partial<T>, keys: readonly (keyof T)[]) =>
  keys.filter((k) => known(news[k]) && !same(olds[k], news[k])) as string[];
const unknownIn = <T extends object>(news: Partial<T>, keys: readonly (keyof T)[]) =>
  keys.filter((k) => news[k] === UNKNOWN) as string[];

const BRANCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$/;
const REGION = /^(aws|azure)-[a-z0-9-]+$/;

export function regionChangeMessage(name: string, from: string, to: string): string {
  return `\`neon.region\` of project \`${name}\` is \`${from}\` and can't become \`${to}\`: Neon can't move a project, and replacing it would delete its data. Keep \`${from}\`, or create a new project and migrate the data to it`;
}

export function projectFailures(
  olds: Partial<NeonProjectInputs> | undefined,
  news: Partial<NeonProjectInputs>,
): Failure[] {
  const failures: Failure[] = [];
  const add = (property: string, reason: string | undefined) => reason && failures.push({ property, reason });
  const name = String(news.name ?? "<project>");
  if (known(news.name) && (typeof news.name !== "string" || news.name.trim() === "" || news.name.length > 64)) {
    add("name", "`neon.projectName` must be 1 to 64 characters");
  }
  if (known(news.regionId) && (typeof news.regionId !== "string" || !REGION.test(news.regionId))) {
    add(
      "regionId",
      `\`neon.region\` is ${JSON.stringify(news.regionId)}, which is not a Neon region id: use \`aws-ap-southeast-2\``,
    );
  }
  if (
    known(news.pgVersion) &&
    !(Number.isInteger(news.pgVersion) && (news.pgVersion as number) >= 14 && (news.pgVersion as number) <= 18)
  ) {
    add("pgVersion", `\`neon.postgresVersion\` is ${JSON.stringify(news.pgVersion)}: use 17`);
  }
  if (known(news.lifecycle) && news.lifecycle !== "owned" && news.lifecycle !== "shared")
    add("lifecycle", "`lifecycle` must be `owned` or `shared`");
  if (known(news.databaseName)) add("databaseName", identifierProblem("database", "database.name", news.databaseName));
  if (known(news.ownerRole)) add("ownerRole", identifierProblem("role", "ownerRole", news.ownerRole));
  if (known(news.rootBranch) && !BRANCH_NAME.test(String(news.rootBranch)))
    add("rootBranch", `\`neon.branch\` is ${JSON.stringify(news.rootBranch)}: use letters, digits, ., _, / or -`);

  if (olds && known(olds.regionId) && known(news.regionId) && olds.regionId !== news.regionId) {
    add("regionId", regionChangeMessage(name, String(olds.regionId), String(news.regionId)));
  }
  if (olds && news.lifecycle === "owned" && olds.lifecycle === "owned") {
    if (
      known(olds.pgVersion) &&
      known(news.pgVersion) &&
      olds.pgVersion !== news.pgVersion &&
      (olds.protected || news.protected)
    ) {
      add(
        "pgVersion",
        `\`neon.postgresVersion\` of protected project \`${name}\` is ${olds.pgVersion} and can't become ${news.pgVersion}: Neon can't upgrade in place, and replacing the project would delete its data. Keep ${olds.pgVersion}, or migrate to a new project`,
      );
    }
    for (const key of ["rootBranch", "databaseName", "ownerRole"] as const) {
      if (known(olds[key]) && known(news[key]) && olds[key] !== news[key]) {
        add(
          key,
          `\`${key}\` of project \`${name}\` is used only when the project is created (it is \`${olds[key]}\`): keep it, or rename it in the Neon console and then here`,
        );
      }
    }
  }
  return failures;
}

export function diffProject(olds: Partial<NeonProjectOutputs>, news: Partial<NeonProjectInputs>): NeonDiff {
  if (known(olds.regionId) && known(news.regionId) && olds.regionId !== news.regionId) {
    throw new NeonRuleError(regionChangeMessage(String(olds.name), String(olds.regionId), String(news.regionId)));
  }
  const replaces = news.lifecycle === "owned" ? changed(olds, news, ["pgVersion"]) : [];
  const updates = changed(olds, news, ["name", "protected", "lifecycle", "pgVersion", "resourceKind"]);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

export function branchFailures(
  olds: Partial<NeonBranchInputs> | undefined,
  news: Partial<NeonBranchInputs>,
): Failure[] {
  const failures: Failure[] = [];
  if (known(news.name) && !BRANCH_NAME.test(String(news.name))) {
    failures.push({
      property: "name",
      reason: `\`neon.branch\` is ${JSON.stringify(news.name)}: use letters, digits, ., _, / or - (at most 256)`,
    });
  }
  if (known(news.parent) && news.parent !== undefined && !BRANCH_NAME.test(String(news.parent))) {
    failures.push({
      property: "parent",
      reason: `\`neon.parent\` is ${JSON.stringify(news.parent)}: use a branch name`,
    });
  } else if (known(news.parent) && news.parent === news.name) {
    failures.push({ property: "parent", reason: `branch \`${news.name}\` can't be its own parent` });
  }
  if (olds && (olds.protected || news.protected)) {
    for (const key of ["projectId", "parent"] as const) {
      if (news[key] !== UNKNOWN && !same(olds[key], news[key])) {
        failures.push({
          property: key,
          reason: `branch \`${olds.name}\` is protected, and changing its \`${key}\` would replace it (deleting its data): keep it, or unprotect the branch first`,
        });
      }
    }
  }
  return failures;
}

export function diffBranch(olds: Partial<NeonBranchOutputs>, news: Partial<NeonBranchInputs>): NeonDiff {
  const replaces = [
    ...changed(olds, news, ["projectId"]),
    ...(same(olds.parent, news.parent) ? [] : ["parent"]),
    ...unknownIn(news, ["projectId"]),
  ];
  const updates = changed(olds, news, ["name", "protected", "resourceKind"]);
  // Branch names are unique in a project: the old branch must go before its replacement takes the name.
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
}

export function endpointFailures(news: Partial<NeonEndpointInputs>): Failure[] {
  const failures: Failure[] = [];
  const cu = (v: unknown) => typeof v === "number" && v >= 0.25 && v <= 56;
  if (known(news.minCu) && !cu(news.minCu))
    failures.push({ property: "minCu", reason: "`minCu` must be between 0.25 and 56 compute units" });
  if (known(news.maxCu) && !cu(news.maxCu))
    failures.push({ property: "maxCu", reason: "`maxCu` must be between 0.25 and 56 compute units" });
  if (known(news.minCu) && known(news.maxCu) && (news.minCu as number) > (news.maxCu as number)) {
    failures.push({ property: "minCu", reason: `\`minCu\` (${news.minCu}) is above \`maxCu\` (${news.maxCu})` });
  }
  if (known(news.type) && news.type !== "read_write")
    failures.push({ property: "type", reason: "only the branch's `read_write` compute is managed here" });
  if (known(news.databaseName)) {
    const p = identifierProblem("database", "database.name", news.databaseName);
    if (p) failures.push({ property: "databaseName", reason: p });
  }
  if (known(news.ownerRole)) {
    const p = identifierProblem("role", "ownerRole", news.ownerRole);
    if (p) failures.push({ property: "ownerRole", reason: p });
  }
  return failures;
}

export function diffEndpoint(olds: Partial<NeonEndpointOutputs>, news: Partial<NeonEndpointInputs>): NeonDiff {
  const replaces = [
    ...changed(olds, news, ["projectId", "branchId", "type"]),
    ...unknownIn(news, ["projectId", "branchId"]),
  ];
  const updates = changed(olds, news, [
    "minCu",
    "maxCu",
    "suspendTimeoutSeconds",
    "databaseName",
    "ownerRole",
    "resourceKind",
  ]);
  // Neon could move a compute to another branch, but our branch id only changes when the branch itself
  // is replaced, and Neon deletes a branch's computes with it: a new compute is what is needed then.
  // One read-write compute per branch: the old one goes first.
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
}
