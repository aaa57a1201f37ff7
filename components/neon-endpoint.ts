/**
 * `portal:neon:Endpoint`: the read-write compute of a branch, and the owner role's connection URI on it
 * (secret), through which the role provider makes the least-privilege roles. A dynamic provider on
 * `@neondatabase/api-client`; the API key comes from `configure` only.
 *
 * A branch has at most one read-write compute: create adopts it when Neon already made one (a project's
 * root branch gets one with the project).
 */

import { type Endpoint, EndpointType } from "@neondatabase/api-client";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_NEON_POLICY,
  isNotFound,
  type NeonProviderOptions,
  type NeonSession,
  type NeonSettings,
  openSession,
  readNeonSettings,
} from "./lib/neon-api";
import {
  diffEndpoint,
  ENDPOINT_SECRET_OUTPUTS,
  endpointFailures,
  type NeonEndpointInputs,
  type NeonEndpointOutputs,
} from "./lib/neon-rules";
import { KIND } from "./lib/resource-kinds";

export type { NeonEndpointInputs, NeonEndpointOutputs } from "./lib/neon-rules";

function settingsOf(inputs: NeonEndpointInputs) {
  return {
    autoscaling_limit_min_cu: inputs.minCu,
    autoscaling_limit_max_cu: inputs.maxCu,
    suspend_timeout_seconds: inputs.suspendTimeoutSeconds,
  };
}

async function converge(session: NeonSession, inputs: NeonEndpointInputs, endpoint: Endpoint): Promise<Endpoint> {
  const wanted = settingsOf(inputs);
  const same =
    endpoint.autoscaling_limit_min_cu === wanted.autoscaling_limit_min_cu &&
    endpoint.autoscaling_limit_max_cu === wanted.autoscaling_limit_max_cu &&
    endpoint.suspend_timeout_seconds === wanted.suspend_timeout_seconds;
  if (same) return endpoint;
  const updated = await session.call(`updating compute ${endpoint.id}`, (api) =>
    api.updateProjectEndpoint(inputs.projectId, endpoint.id, { endpoint: wanted }),
  );
  await session.wait(inputs.projectId, updated.operations);
  return updated.endpoint;
}

async function adminUri(session: NeonSession, inputs: NeonEndpointInputs, endpointId: string): Promise<string> {
  const { uri } = await session.call(`reading the ${inputs.ownerRole} connection URI of compute ${endpointId}`, (api) =>
    api.getConnectionUri({
      projectId: inputs.projectId,
      branch_id: inputs.branchId,
      endpoint_id: endpointId,
      database_name: inputs.databaseName,
      role_name: inputs.ownerRole,
    }),
  );
  return uri;
}

async function outputs(
  session: NeonSession,
  inputs: NeonEndpointInputs,
  endpoint: Endpoint,
): Promise<NeonEndpointOutputs> {
  return {
    ...inputs,
    endpointId: endpoint.id,
    host: endpoint.host,
    regionId: endpoint.region_id,
    adminUri: await adminUri(session, inputs, endpoint.id),
  };
}

export function neonEndpointProvider(
  options: NeonProviderOptions = {},
): pulumi.dynamic.ResourceProvider<NeonEndpointInputs, NeonEndpointOutputs> {
  const policy = options.policy ?? DEFAULT_NEON_POLICY;
  const state: { settings: NeonSettings } = { settings: {} };
  const session = () => openSession(state.settings, policy);
  return {
    async configure(req) {
      state.settings = readNeonSettings(req.config);
    },
    async check(_olds, news) {
      return { inputs: news, failures: endpointFailures(news) };
    },
    async diff(_id, olds, news) {
      return diffEndpoint(olds, news);
    },
    async create(inputs) {
      const s = session();
      const { endpoints } = await s.call(`listing computes of branch ${inputs.branchId}`, (api) =>
        api.listProjectBranchEndpoints(inputs.projectId, inputs.branchId),
      );
      let endpoint = endpoints.find((e) => e.type === EndpointType.ReadWrite);
      if (endpoint) {
        endpoint = await converge(s, inputs, endpoint);
      } else {
        const created = await s.call(`creating the compute of branch ${inputs.branchId}`, (api) =>
          api.createProjectEndpoint(inputs.projectId, {
            endpoint: { branch_id: inputs.branchId, type: EndpointType.ReadWrite, ...settingsOf(inputs) },
          }),
        );
        await s.wait(inputs.projectId, created.operations);
        endpoint = created.endpoint;
      }
      const outs = await outputs(s, inputs, endpoint);
      return { id: outs.endpointId, outs };
    },
    async read(id, props) {
      const old = props as NeonEndpointOutputs;
      const { endpoint } = await session().call(`reading compute ${id}`, (api) =>
        api.getProjectEndpoint(old.projectId, id),
      );
      return {
        id,
        props: {
          ...old,
          host: endpoint.host,
          minCu: endpoint.autoscaling_limit_min_cu,
          maxCu: endpoint.autoscaling_limit_max_cu,
          suspendTimeoutSeconds: endpoint.suspend_timeout_seconds,
        },
      };
    },
    async update(id, _olds, news) {
      const s = session();
      const { endpoint } = await s.call(`reading compute ${id}`, (api) => api.getProjectEndpoint(news.projectId, id));
      return { outs: await outputs(s, news, await converge(s, news, endpoint)) };
    },
    async delete(id, props) {
      // Deleting a compute loses no data (that lives in the branch).
      const s = session();
      try {
        const deleted = await s.call(`deleting compute ${id}`, (api) => api.deleteProjectEndpoint(props.projectId, id));
        await s.wait(props.projectId, deleted.operations);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/** Arguments of {@link NeonEndpoint}. */
export interface NeonEndpointArgs {
  readonly projectId: pulumi.Input<string>;
  readonly branchId: pulumi.Input<string>;
  readonly databaseName: string;
  readonly ownerRole: string;
  /** @default 0.25 */
  readonly minCu?: number;
  /** @default 2 */
  readonly maxCu?: number;
  /** @default 0 (Neon's default, 5 minutes) */
  readonly suspendTimeoutSeconds?: number;
}

export class NeonEndpoint extends pulumi.dynamic.Resource {
  declare readonly endpointId: pulumi.Output<string>;
  declare readonly host: pulumi.Output<string>;
  declare readonly regionId: pulumi.Output<string>;
  /** Secret. */
  declare readonly adminUri: pulumi.Output<string>;

  constructor(name: string, args: NeonEndpointArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props: Record<keyof NeonEndpointOutputs, unknown> = {
      resourceKind: KIND.neonEndpoint,
      projectId: args.projectId,
      branchId: args.branchId,
      type: "read_write",
      minCu: args.minCu ?? 0.25,
      maxCu: args.maxCu ?? 2,
      suspendTimeoutSeconds: args.suspendTimeoutSeconds ?? 0,
      databaseName: args.databaseName,
      ownerRole: args.ownerRole,
      endpointId: undefined,
      host: undefined,
      regionId: undefined,
      adminUri: undefined,
    };
    super(neonEndpointProvider(), name, props, {
      ...opts,
      additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...ENDPOINT_SECRET_OUTPUTS],
    });
  }
}
