/**
 * Resource types the rules recognise, by type token: the pack never imports a provider SDK, so it
 * runs without the providers' npm packages and sees resources exactly as the engine names them.
 */
import { DYNAMIC_RESOURCE_TYPE, RESOURCE_KIND } from "../../components/lib/resource-kinds";
import { read } from "./preview";

export const TYPE = {
  vercelProject: "vercel:index/project:Project",
  vercelEnvVar: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
  /** Neon's Terraform-bridged provider, should a stack use it instead of our dynamic resources. */
  neonProject: "neon:index/project:Project",
  neonBranch: "neon:index/branch:Branch",
  neonEndpoint: "neon:index/endpoint:Endpoint",
  neonRole: "neon:index/role:Role",
  commandLocal: "command:local:Command",
  commandRemote: "command:remote:Command",
  dynamic: DYNAMIC_RESOURCE_TYPE,
} as const;

/** Package prefix of the `random` provider's resources (RandomPassword, RandomString, RandomBytes, ...). */
export const RANDOM_PREFIX = "random:index/";

/**
 * The `resourceKind` of a dynamic resource (every dynamic resource shares one type token);
 * undefined for other types. May be UNKNOWN during preview.
 */
export function kindOf(type: string, props: unknown): unknown {
  return type === TYPE.dynamic ? read(props, RESOURCE_KIND) : undefined;
}
