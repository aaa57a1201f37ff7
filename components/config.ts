/**
 * The stack's config, read from Pulumi once and parsed by the pure schema in ./lib/stack-config.
 * Bad config throws one `StackConfigError` listing every problem, before any resource registers.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "./lib/stack-config";

// `isConfigSecret` is exported by the SDK's runtime but marked @internal, so it has no typing.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

export function loadStackConfig(now: Date): StackConfig {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((key) => runtimeConfig.isConfigSecret(key)));
  return parseStackConfig({ stack: pulumi.getStack(), values, secretKeys }, now);
}
