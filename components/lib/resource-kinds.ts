/**
 * Every dynamic resource shares the type `pulumi-nodejs:dynamic:Resource`, so each carries a
 * `resourceKind` input naming what it is. The policy pack and the tests find resources by it; the
 * field names below are the contract between the providers and the rules.
 */
export const RESOURCE_KIND = "resourceKind";
export const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";

export const KIND = {
  neonProject: "portal:neon:Project",
  neonBranch: "portal:neon:Branch",
  neonEndpoint: "portal:neon:Endpoint",
  postgresRole: "portal:postgres:Role",
  envFile: "portal:local:EnvFile",
} as const;
export type ResourceKind = (typeof KIND)[keyof typeof KIND];

/** Inputs of a `portal:neon:Project` the policy pack reads. */
export interface NeonProjectPolicyInputs {
  readonly resourceKind: typeof KIND.neonProject;
  readonly name: string;
  /** Neon region id, e.g. `aws-ap-southeast-2`. */
  readonly regionId: string;
  readonly pgVersion: number;
}

/** Inputs of a `portal:postgres:Role` the policy pack reads. Every flag is explicit. */
export interface PostgresRolePolicyInputs {
  readonly resourceKind: typeof KIND.postgresRole;
  readonly name: string;
  readonly superuser: boolean;
  readonly createRole: boolean;
  readonly createDb: boolean;
  readonly replication: boolean;
  readonly bypassRls: boolean;
  /** Roles this role is a member of; never `neon_superuser`. */
  readonly inRoles: readonly string[];
}

/** Inputs of a `portal:local:EnvFile` the policy pack reads (values are secret and never read). */
export interface EnvFilePolicyInputs {
  readonly resourceKind: typeof KIND.envFile;
  readonly path: string;
  /** Rotation metadata per key, in the format of `rotationComment` (components/lib/env-plan.ts). */
  readonly comments: Readonly<Record<string, string>>;
}
