/**
 * Every rule of the pack, in the order the pack reports them. Importing this module has no side
 * effects (the `PolicyPack` is built in ../index.ts only), so tests may import it.
 */
import type { Policies } from "@pulumi/policy";
import { databaseDisallowPrivilegedRoles } from "./database-disallow-privileged-roles";
import { parityRequireStagingMirrorsProduction } from "./parity-require-staging-mirrors-production";
import { residencyRequireAuRegion } from "./residency-require-au-region";
import { rotationEnforceCadence } from "./rotation-enforce-cadence";
import { secretsRequireSensitive } from "./secrets-require-sensitive";

export const RULES: Policies = [
  residencyRequireAuRegion,
  rotationEnforceCadence,
  secretsRequireSensitive,
  databaseDisallowPrivilegedRoles,
  parityRequireStagingMirrorsProduction,
];
