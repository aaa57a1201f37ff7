/**
 * The portal-infra policy pack. `new PolicyPack` starts the analyzer's gRPC server, so it is built
 * here and nowhere else: rules live in ./rules, where tests import them without starting anything.
 *
 * Enforcement is per stack, from policies/config/<stack>.json (`--policy-pack-config`): advisory on
 * local and dev, mandatory on staging and production. Without a config file every rule is mandatory.
 */
import { PolicyPack } from "@pulumi/policy";
import { RULES } from "./rules";

new PolicyPack("portal-infra", {
  enforcementLevel: "mandatory",
  description:
    "portal-infra guardrails: Australian residency, rotation cadence, sensitive secrets, least-privilege database roles, staging parity.",
  policies: RULES,
});
