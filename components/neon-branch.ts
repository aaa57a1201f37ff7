/**
 * `portal:neon:Branch`: the tier's branch. `production` is the project's root branch (made with the
 * project, protected); `staging` and `dev` are children of it. A dynamic provider on
 * `@neondatabase/api-client`; the API key comes from `configure` only.
 *
 * Create adopts a branch of the same name and parent (so a run interrupted after Neon made it can be
 * repeated); a protected branch is never deleted; the root branch is never deleted on its own (Neon
 * refuses, and it goes with its project).
 */

import type { Branch } from "@neondatabase/api-client";
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
import { branchFailures, diffBranch, type NeonBranchInputs, type NeonBranchOutputs } from "./lib/neon-rules";
import { KIND } from "./lib/resource-kinds";

export type { NeonBranchInputs, NeonBranchOutputs } from "./lib/neon-rules";

async function branchesNamed(session: NeonSession, projectId: string, name: string): Promise<Branch[]> {
  const { branches } = await session.call(`listing branches of project ${projectId}`, (api) =>
    api.listProjectBranches({ projectId, search: name }),
  );
  return branches.filter((b) => b.name === name);
}

async function setProtected(
  session: NeonSession,
  projectId: string,
  branch: Branch,
  wanted: boolean,
  name = branch.name,
): Promise<Branch> {
  if (branch.protected === wanted && branch.name === name) return branch;
  const updated = await session.call(`updating branch ${branch.name} of project ${projectId}`, (api) =>
    api.updateProjectBranch(projectId, branch.id, { branch: { name, protected: wanted } }),
  );
  await session.wait(projectId, updated.operations);
  return updated.branch;
}

async function createOrAdopt(session: NeonSession, inputs: NeonBranchInputs): Promise<NeonBranchOutputs> {
  const { projectId, name } = inputs;
  const [existing] = await branchesNamed(session, projectId, name);
  let parent: Branch | undefined;
  if (inputs.parent) {
    [parent] = await branchesNamed(session, projectId, inputs.parent);
    if (!parent) {
      throw new NeonApiError(
        `parent branch \`${inputs.parent}\` of \`${name}\` does not exist in Neon project ${projectId}: deploy the stack that owns it (production) first, or fix \`neon.parent\``,
      );
    }
  }
  if (existing) {
    if (parent && existing.parent_id !== parent.id) {
      throw new NeonApiError(
        `branch \`${name}\` already exists in Neon project ${projectId} with another parent (${existing.parent_id ?? "none"}, not \`${inputs.parent}\`): rename or delete it in the Neon console, or fix \`neon.parent\``,
      );
    }
    const branch = await setProtected(session, projectId, existing, inputs.protected);
    return { ...inputs, branchId: branch.id, ...(branch.parent_id ? { parentId: branch.parent_id } : {}) };
  }
  if (!parent) {
    throw new NeonApiError(
      `root branch \`${name}\` does not exist in Neon project ${projectId}: the project makes its root branch when created; set \`neon.branch\` to the project's default branch, or give \`neon.parent\``,
    );
  }
  const created = await session.call(`creating branch ${name} of project ${projectId}`, (api) =>
    // No endpoints here: the branch's compute is its own resource (portal:neon:Endpoint).
    api.createProjectBranch(projectId, { branch: { name, parent_id: parent.id, protected: inputs.protected } }),
  );
  await session.wait(projectId, created.operations);
  return { ...inputs, branchId: created.branch.id, parentId: parent.id };
}

export function neonBranchProvider(
  options: NeonProviderOptions = {},
): pulumi.dynamic.ResourceProvider<NeonBranchInputs, NeonBranchOutputs> {
  const policy = options.policy ?? DEFAULT_NEON_POLICY;
  const state: { settings: NeonSettings } = { settings: {} };
  const session = () => openSession(state.settings, policy);
  return {
    async configure(req) {
      state.settings = readNeonSettings(req.config);
    },
    async check(olds, news) {
      const previous = olds && Object.keys(olds).length > 0 ? olds : undefined;
      return { inputs: news, failures: branchFailures(previous, news) };
    },
    async diff(_id, olds, news) {
      return diffBranch(olds, news);
    },
    async create(inputs) {
      const outs = await createOrAdopt(session(), inputs);
      return { id: outs.branchId, outs };
    },
    async read(id, props) {
      const old = props as NeonBranchOutputs;
      const { branch } = await session().call(`reading branch ${id}`, (api) => api.getProjectBranch(old.projectId, id));
      return { id, props: { ...old, name: branch.name, protected: branch.protected } };
    },
    async update(id, olds, news) {
      const s = session();
      const { branch } = await s.call(`reading branch ${id}`, (api) => api.getProjectBranch(news.projectId, id));
      await setProtected(s, news.projectId, branch, news.protected, news.name);
      return { outs: { ...news, branchId: id, ...(olds.parentId ? { parentId: olds.parentId } : {}) } };
    },
    async delete(id, props) {
      if (props.protected) {
        throw new NeonApiError(
          `Neon branch \`${props.name}\` (${id}) is protected: refusing to delete it. If it really must go, set \`neon.protected: false\`, run \`pulumi up\`, then delete it`,
        );
      }
      // The root branch can't be deleted on its own; it goes with the project.
      if (!props.parent) return;
      const s = session();
      try {
        const deleted = await s.call(`deleting branch ${props.name} of project ${props.projectId}`, (api) =>
          api.deleteProjectBranch({ projectId: props.projectId, branchId: id }),
        );
        await s.wait(props.projectId, deleted.operations);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/** Arguments of {@link NeonBranch}. */
export interface NeonBranchArgs {
  readonly projectId: pulumi.Input<string>;
  readonly name: string;
  /** Parent branch name; omit for the root branch. */
  readonly parent?: string;
  /** @default false */
  readonly protected?: boolean;
}

export class NeonBranch extends pulumi.dynamic.Resource {
  declare readonly branchId: pulumi.Output<string>;
  declare readonly parentId: pulumi.Output<string | undefined>;

  constructor(name: string, args: NeonBranchArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props: Record<keyof NeonBranchOutputs, unknown> = {
      resourceKind: KIND.neonBranch,
      projectId: args.projectId,
      name: args.name,
      parent: args.parent,
      protected: args.protected ?? false,
      branchId: undefined,
      parentId: undefined,
    };
    super(neonBranchProvider(), name, props, opts);
  }
}
