/**
 * Runs the portal program under Pulumi mocks and records every resource it registers, with its inputs
 * as the engine would receive them (secret values still wrapped, so tests can tell them apart).
 */
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { type LoadedConfig, loadStackConfigFile } from "./stacks";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Resource options as the engine receives them in the RegisterResource request. */
  options: { deleteBeforeReplace: boolean; protect: boolean; additionalSecretOutputs: string[] };
}

interface RegisterResourceRequest {
  getName(): string;
  getDeletebeforereplace(): boolean;
  getProtect(): boolean;
  getAdditionalsecretoutputsList(): string[];
}

// The mocks API hands `newResource` the inputs but not the options; read those off the request the
// SDK sends, as the engine would.
const requestOptions = new Map<string, RecordedResource["options"]>();
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: { prototype: { registerResource(req: RegisterResourceRequest, callback: unknown): Promise<void> } };
};
const registerResource = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (req: RegisterResourceRequest, callback: unknown) {
  requestOptions.set(req.getName(), {
    deleteBeforeReplace: req.getDeletebeforereplace(),
    protect: req.getProtect(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
  });
  return registerResource.call(this, req, callback);
};

export interface ProgramRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** Every value the mocks handed out as a generated secret, and every decrypted config secret. */
  secretValues: string[];
  byType(type: string): RecordedResource[];
  byKind(kind: string): RecordedResource[];
}

export interface RunOptions {
  now?: Date;
  /** Replace or add flat config values (`portal-infra:key`). */
  config?: Record<string, string>;
  /** Mark more keys secret, or (with `plaintext`) unmark them. */
  secretKeys?: string[];
  plaintext?: string[];
  preview?: boolean;
  /** Extra outputs per resource for the mocks (e.g. a Neon endpoint's host). */
  outputsFor?: (resource: RecordedResource) => Record<string, unknown>;
}

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE_SIG
  );
}

/** Every string in `value` that is not inside a secret wrapper, with its path. */
export function plainStrings(value: unknown, at = ""): Array<{ path: string; value: string }> {
  if (isSecretWrapper(value)) return [];
  if (typeof value === "string") return [{ path: at, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainStrings(v, `${at}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => plainStrings(v, at ? `${at}.${k}` : k));
  }
  return [];
}

export function unwrapSecrets(value: unknown): unknown {
  if (isSecretWrapper(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export async function runProgram(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const loaded: LoadedConfig = loadStackConfigFile(stack);
  const values = { ...loaded.values, ...options.config };
  const secretKeys = [...loaded.secretKeys, ...(options.secretKeys ?? [])].filter(
    (k) => !(options.plaintext ?? []).includes(k),
  );
  const resources: RecordedResource[] = [];
  const secretValues: string[] = secretKeys.map((k) => values[k]).filter((v): v is string => Boolean(v));

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const recorded: RecordedResource = {
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          options: requestOptions.get(args.name) ?? {
            deleteBeforeReplace: false,
            protect: false,
            additionalSecretOutputs: [],
          },
        };
        resources.push(recorded);
        const state: Record<string, unknown> = { ...args.inputs, ...options.outputsFor?.(recorded) };
        if (args.type === "random:index/randomPassword:RandomPassword") {
          // Like the provider: a value lives until its keepers change, so equal keepers give equal values.
          const seed = JSON.stringify([args.name, args.inputs.keepers ?? null]);
          const value = `mockSecret${crypto.createHash("sha256").update(seed).digest("hex").slice(0, 24)}`;
          secretValues.push(value);
          // The engine marks `result` secret (the SDK lists it in additionalSecretOutputs); the mock
          // monitor doesn't, so hand it back wrapped as the engine would.
          state.result = { [SECRET_SIG]: SECRET_VALUE_SIG, value };
        }
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        return args.inputs;
      },
    },
    "portal-infra",
    stack,
    options.preview ?? false,
  );
  pulumi.runtime.setAllConfig(values, secretKeys);

  const { portal } = await import("../../components/portal");
  const result = portal(options.now ?? new Date("2026-12-03T00:00:00Z"));
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await promiseOf(value as pulumi.Output<unknown>) : value;
  }
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();

  return {
    resources,
    outputs,
    secretValues,
    byType: (type) => resources.filter((r) => r.type === type),
    byKind: (kind) => resources.filter((r) => r.inputs.resourceKind === kind),
  };
}
