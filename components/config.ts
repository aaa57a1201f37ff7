/**
 * The stack's config, read from Pulumi once and parsed by the pure schema in ./lib/stack-config.
 * Bad config throws one error listing every problem (a RunError: Pulumi prints it without a stack
 * trace), before any resource registers.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig, StackConfigError } from "./lib/stack-config";

// `isConfigSecret` is exported by the SDK's runtime but marked @internal, so it has no typing.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

export function loadStackConfig(now: Date): StackConfig {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((key) => runtimeConfig.isConfigSecret(key)));
  try {
    return parseStackConfig({ stack: pulumi.getStack(), values, secretKeys }, now);
  } catch (err) {
    // A RunError is printed as its message alone: the problems, without a stack trace around them.
    if (err instanceof StackConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}
