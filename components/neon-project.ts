/**
 * `portal:neon:Project`: the Neon project of the portal (one, in `aws-ap-southeast-2`). A dynamic
 * provider on `@neondatabase/api-client`. The API key comes from the provider's `configure`
 * (`portal-infra:neonApiKey`, encrypted stack config): never from inputs, closures or state.
 *
 * The production stack owns the project (`lifecycle: "owned"`): creates it with its root branch,
 * database and owner role, or adopts one of the same name left by an interrupted run. Other stacks
 * share it (`"shared"`): they look it up and never change or delete it. A change of region is refused;
 * a protected project can't be deleted.
 */

import type { Api, ProjectListItem } from "@neondatabase/api-client";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_NEON_POLICY,
  isNotFound,
  NeonApiError,
  type NeonProviderOptions,
  type NeonSession,
  type NeonSettings,
  openSession,
  readNeonSettings,
} from "./lib/neon-api";
import {
  diffProject,
  type NeonProjectInputs,
  type NeonProjectOutputs,
  projectFailures,
  regionChangeMessage,
} from "./lib/neon-rules";
import { KIND } from "./lib/resource-kinds";

export type { NeonProjectInputs, NeonProjectOutputs } from "./lib/neon-rules";

async function findProject(
  session: NeonSession,
  name: string,
  orgId: string | undefined,
): Promise<ProjectListItem | undefined> {
  const found: ProjectListItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await session.call(`listing Neon projects named ${name}`, (api: Api<unknown>) =>
      api.listProjects({
        search: name,
        limit: 400,
        ...(orgId ? { org_id: orgId } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
    for (const p of result.projects) if (p.name === name && !found.some((f) => f.id === p.id)) found.push(p);
    const next = result.pagination?.cursor;
    if (!next || result.projects.length === 0 || next === cursor) break;
    cursor = next;
  }
  if (found.length > 1) {
    throw new NeonApiError(
      `${found.length} Neon projects are named \`${name}\` (${found.map((p) => p.id).join(", ")}): rename the extra ones in the Neon console`,
    );
  }
  return found[0];
}

function assertMatches(
  project: Pick<ProjectListItem, "id" | "region_id" | "pg_version">,
  inputs: NeonProjectInputs,
): void {
  if (project.region_id !== inputs.regionId) {
    throw new NeonApiError(
      `Neon project \`${inputs.name}\` (${project.id}) exists in ${project.region_id}; ${regionChangeMessage(inputs.name, project.region_id, inputs.regionId)}`,
    );
  }
  if (project.pg_version !== inputs.pgVersion) {
    throw new NeonApiError(
      `Neon project \`${inputs.name}\` (${project.id}) runs Postgres ${project.pg_version}, not ${inputs.pgVersion}: set \`neon.postgresVersion\` to ${project.pg_version}`,
    );
  }
}

async function defaultBranchId(session: NeonSession, projectId: string): Promise<string> {
  const { branches } = await session.call(`listing branches of project ${projectId}`, (api) =>
    api.listProjectBranches({ projectId }),
  );
  const root = branches.find((b) => b.default) ?? branches.find((b) => !b.parent_id);
  if (!root) throw new NeonApiError(`Neon project ${projectId} has no default branch`);
  return root.id;
}

async function createOrAdopt(
  session: NeonSession,
  inputs: NeonProjectInputs,
  settings: NeonSettings,
): Promise<NeonProjectOutputs> {
  const existing = await findProject(session, inputs.name, settings.orgId);
  if (existing) {
    assertMatches(existing, inputs);
    return { ...inputs, projectId: existing.id, defaultBranchId: await defaultBranchId(session, existing.id) };
  }
  if (inputs.lifecycle === "shared") {
    throw new NeonApiError(
      `Neon project \`${inputs.name}\` does not exist: it is created by the stack that owns it (production, the root branch); run \`pulumi up\` there first`,
    );
  }
  const created = await session.call(`creating Neon project ${inputs.name}`, (api) =>
    api.createProject({
      project: {
        name: inputs.name,
        region_id: inputs.regionId,
        pg_version: inputs.pgVersion,
        branch: { name: inputs.rootBranch, role_name: inputs.ownerRole, database_name: inputs.databaseName },
        ...(settings.orgId ? { org_id: settings.orgId } : {}),
      },
    }),
  );
  // The response also holds the owner's password and connection URIs: deliberately not kept.
  await session.wait(created.project.id, created.operations);
  return { ...inputs, projectId: created.project.id, defaultBranchId: created.branch.id };
}

export function neonProjectProvider(
  options: NeonProviderOptions = {},
): pulumi.dynamic.ResourceProvider<NeonProjectInputs, NeonProjectOutputs> {
  const policy = options.policy ?? DEFAULT_NEON_POLICY;
  // Filled by `configure` in the provider process; empty whenever the provider is serialised.
  const state: { settings: NeonSettings } = { settings: {} };
  const session = () => openSession(state.settings, policy);
  return {
    async configure(req) {
      state.settings = readNeonSettings(req.config);
    },
    async check(olds, news) {
      const previous = olds && Object.keys(olds).length > 0 ? olds : undefined;
      return { inputs: news, failures: projectFailures(previous, news) };
    },
    async diff(_id, olds, news) {
      return diffProject(olds, news);
    },
    async create(inputs) {
      const outs = await createOrAdopt(session(), inputs, state.settings);
      return { id: outs.projectId, outs };
    },
    async read(id, props) {
      const s = session();
      const { project } = await s.call(`reading Neon project ${id}`, (api) => api.getProject(id));
      return {
        id,
        props: {
          ...(props as NeonProjectOutputs),
          name: project.name,
          regionId: project.region_id,
          pgVersion: project.pg_version,
        },
      };
    },
    async update(id, olds, news) {
      const s = session();
      const { project } = await s.call(`reading Neon project ${id}`, (api) => api.getProject(id));
      assertMatches(project, news);
      if (news.lifecycle === "owned" && project.name !== news.name) {
        const updated = await s.call(`renaming Neon project ${id}`, (api) =>
          api.updateProject(id, { project: { name: news.name } }),
        );
        await s.wait(id, updated.operations);
      }
      return { outs: { ...news, projectId: id, defaultBranchId: olds.defaultBranchId } };
    },
    async delete(id, props) {
      if (props.lifecycle === "shared") return;
      if (props.protected) {
        throw new NeonApiError(
          `Neon project \`${props.name}\` (${id}) is protected and holds the production data: refusing to delete it. If it really must go, set \`neon.protected: false\`, run \`pulumi up\`, then delete it`,
        );
      }
      const s = session();
      try {
        await s.call(`deleting Neon project ${id}`, (api) => api.deleteProject(id));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/** Arguments of {@link NeonProject}. */
export interface NeonProjectArgs {
  readonly name: string;
  /** Neon region id; only `aws-ap-southeast-2` is Australian. */
  readonly regionId: string;
  /** @default 17 */
  readonly pgVersion?: number;
  readonly lifecycle: NeonProjectInputs["lifecycle"];
  /** @default false */
  readonly protected?: boolean;
  readonly rootBranch: string;
  readonly databaseName: string;
  readonly ownerRole: string;
}

export class NeonProject extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly defaultBranchId: pulumi.Output<string>;
  declare readonly regionId: pulumi.Output<string>;

  constructor(name: string, args: NeonProjectArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props: Record<keyof NeonProjectOutputs, unknown> = {
      resourceKind: KIND.neonProject,
      name: args.name,
      regionId: args.regionId,
      pgVersion: args.pgVersion ?? 17,
      lifecycle: args.lifecycle,
      protected: args.protected ?? false,
      rootBranch: args.rootBranch,
      databaseName: args.databaseName,
      ownerRole: args.ownerRole,
      projectId: undefined,
      defaultBranchId: undefined,
    };
    super(neonProjectProvider(), name, props, opts);
  }
}
