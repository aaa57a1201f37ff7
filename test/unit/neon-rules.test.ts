import { describe, expect, it } from "vitest";
import {
  branchFailures,
  diffBranch,
  diffEndpoint,
  diffProject,
  endpointFailures,
  type NeonBranchOutputs,
  type NeonEndpointOutputs,
  type NeonProjectOutputs,
  projectFailures,
} from "../../components/lib/neon-rules";
import { KIND } from "../../components/lib/resource-kinds";
import { UNKNOWN } from "../../components/lib/role-inputs";

const project: NeonProjectOutputs = {
  resourceKind: KIND.neonProject,
  name: "portal",
  regionId: "aws-ap-southeast-2",
  pgVersion: 17,
  lifecycle: "owned",
  protected: true,
  rootBranch: "production",
  databaseName: "portal",
  ownerRole: "portal_owner",
  projectId: "p-1",
  defaultBranchId: "br-1",
};
const branch: NeonBranchOutputs = {
  resourceKind: KIND.neonBranch,
  projectId: "p-1",
  name: "staging",
  parent: "production",
  protected: false,
  branchId: "br-2",
  parentId: "br-1",
};
const endpoint: NeonEndpointOutputs = {
  resourceKind: KIND.neonEndpoint,
  projectId: "p-1",
  branchId: "br-2",
  type: "read_write",
  minCu: 0.25,
  maxCu: 2,
  suspendTimeoutSeconds: 0,
  databaseName: "portal",
  ownerRole: "portal_owner",
  endpointId: "ep-1",
  host: "ep-1.ap-southeast-2.aws.neon.tech",
  regionId: "aws-ap-southeast-2",
  adminUri: "postgresql://portal_owner:x@ep-1/portal",
};

describe("project", () => {
  it("diff: a rename is an update; nothing else changes", () => {
    expect(diffProject(project, { ...project })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(diffProject(project, { ...project, name: "portal-au" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffProject(project, { ...project, protected: false })).toMatchObject({ changes: true, replaces: [] });
  });

  it("diff: a new Postgres version replaces an owned project (Neon can't upgrade in place); a shared one never", () => {
    expect(diffProject(project, { ...project, pgVersion: 18 })).toMatchObject({
      changes: true,
      replaces: ["pgVersion"],
    });
    expect(
      diffProject({ ...project, lifecycle: "shared" }, { ...project, lifecycle: "shared", pgVersion: 18 }),
    ).toMatchObject({ replaces: [] });
  });

  it("diff: a region change is refused, not replaced", () => {
    expect(() => diffProject(project, { ...project, regionId: "aws-eu-central-1" })).toThrow(
      "`neon.region` of project `portal` is `aws-ap-southeast-2` and can't become `aws-eu-central-1`: Neon can't move a project, and replacing it would delete its data. Keep `aws-ap-southeast-2`, or create a new project and migrate the data to it",
    );
  });

  it("check: region and version changes of the protected project are failures; creation-only fields can't change", () => {
    expect(projectFailures(undefined, project)).toEqual([]);
    const failures = projectFailures(project, {
      ...project,
      regionId: "aws-us-east-1",
      pgVersion: 18,
      databaseName: "other",
    });
    expect(failures.map((f) => f.property)).toEqual(["regionId", "pgVersion", "databaseName"]);
    expect(projectFailures({ ...project, protected: false }, { ...project, protected: false, pgVersion: 18 })).toEqual(
      [],
    );
  });

  it("check: bad values", () => {
    const failures = projectFailures(undefined, {
      ...project,
      name: "",
      regionId: "sydney",
      pgVersion: 9,
      ownerRole: "neon_superuser",
      rootBranch: "bad name",
    });
    expect(failures.map((f) => f.property)).toEqual(["name", "regionId", "pgVersion", "ownerRole", "rootBranch"]);
  });

  it("check: unknown values (preview) are not judged", () => {
    expect(projectFailures(project, { ...project, regionId: UNKNOWN, name: UNKNOWN })).toEqual([]);
  });
});

describe("branch", () => {
  it("diff: rename and protection are updates; a new parent or project replaces (old first: names are unique)", () => {
    expect(diffBranch(branch, { ...branch })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(diffBranch(branch, { ...branch, name: "stage", protected: true })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffBranch(branch, { ...branch, parent: "dev" })).toEqual({
      changes: true,
      replaces: ["parent"],
      deleteBeforeReplace: true,
    });
    expect(diffBranch(branch, { ...branch, projectId: UNKNOWN })).toMatchObject({
      replaces: ["projectId"],
      deleteBeforeReplace: true,
    });
  });

  it("check: a protected branch can't be replaced", () => {
    const prod = { ...branch, name: "production", parent: undefined, protected: true };
    expect(branchFailures(prod, { ...prod, parent: "staging" }).map((f) => f.reason)).toEqual([
      "branch `production` is protected, and changing its `parent` would replace it (deleting its data): keep it, or unprotect the branch first",
    ]);
    expect(branchFailures(branch, { ...branch, parent: "dev" })).toEqual([]);
    expect(branchFailures(undefined, { ...branch, name: "a b", parent: "a b" }).map((f) => f.property)).toEqual([
      "name",
      "parent",
    ]);
    expect(branchFailures(undefined, { ...branch, parent: "staging" }).map((f) => f.property)).toEqual(["parent"]);
  });
});

describe("endpoint", () => {
  it("diff: size and suspension are updates; another branch or type replaces", () => {
    expect(diffEndpoint(endpoint, { ...endpoint })).toMatchObject({ changes: false, replaces: [] });
    expect(diffEndpoint(endpoint, { ...endpoint, maxCu: 4, suspendTimeoutSeconds: 300 })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffEndpoint(endpoint, { ...endpoint, branchId: "br-3" })).toEqual({
      changes: true,
      replaces: ["branchId"],
      deleteBeforeReplace: true,
    });
  });

  it("check: compute sizes and names", () => {
    expect(endpointFailures(endpoint)).toEqual([]);
    expect(endpointFailures({ ...endpoint, minCu: 4, maxCu: 2 }).map((f) => f.property)).toEqual(["minCu"]);
    expect(endpointFailures({ ...endpoint, maxCu: 100, ownerRole: "pg_owner" }).map((f) => f.property)).toEqual([
      "maxCu",
      "ownerRole",
    ]);
  });
});
