/**
 * Calls a rule the way @pulumi/policy's analyzer server does (policies/node_modules/@pulumi/policy/
 * server.js): props arrive as plain JSON (secrets already unwrapped), wrapped in the same
 * `unknownCheckingProxy`, with the same args shape. Values unknown during preview are the engine's
 * sentinel strings ({@link U}); reading one through the proxy throws `UnknownValueError`, which the
 * real server downgrades to a non-blocking advisory note — so the harness fails the test instead if a
 * rule ever lets one escape.
 */

import { UNKNOWN_SENTINELS, unknownCheckingProxy } from "../../policies/lib/preview";
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "../../policies/node_modules/@pulumi/policy";

/** Unknown-during-preview values, as the engine sends them. */
export const U = UNKNOWN_SENTINELS;

export const PROJECT = "portal-infra";

export interface Res {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
}

export interface Outcome {
  /** Messages passed to `reportViolation`, in order. */
  readonly violations: string[];
  /** URNs passed with them (stack policies may name a resource). */
  readonly urns: (string | undefined)[];
  /** Set when the rule called `args.notApplicable(reason)`. */
  readonly notApplicable?: string;
}

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function urnOf(stack: string, res: Res): string {
  return `urn:pulumi:${stack}::${PROJECT}::${res.type}::${res.name}`;
}

/** As the server's deserializer: JSON only, properties whose value is undefined do not exist. */
function deserialize(props: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(props)) as Record<string, unknown>;
}

const OPTS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function escaped(err: unknown): never {
  if (err instanceof Error && err.constructor.name === "UnknownValueError") {
    throw new Error(
      `the rule let an UnknownValueError escape, which the engine would only log as advisory: ${err.message}`,
    );
  }
  throw err;
}

async function run(call: (report: (message: string, urn?: string) => void) => unknown): Promise<Outcome> {
  const violations: string[] = [];
  const urns: (string | undefined)[] = [];
  try {
    await call((message, urn) => {
      violations.push(message);
      urns.push(urn);
    });
  } catch (err) {
    if (err instanceof NotApplicable) return { violations, urns, notApplicable: err.reason };
    escaped(err);
  }
  return { violations, urns };
}

export async function validateResource(
  policy: ResourceValidationPolicy,
  res: Res,
  options: { stack?: string; config?: Record<string, unknown> } = {},
): Promise<Outcome> {
  const props = unknownCheckingProxy(deserialize(res.props)) as Record<string, unknown>;
  const args: ResourceValidationArgs = {
    type: res.type,
    props,
    urn: urnOf(options.stack ?? "staging", res),
    name: res.name,
    opts: OPTS,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => (options.config ?? {}) as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason ?? "");
    },
  };
  const validations = policy.validateResource;
  if (!validations) throw new Error(`${policy.name} has no validateResource`);
  return run(async (report) => {
    for (const validate of Array.isArray(validations) ? validations : [validations]) await validate(args, report);
  });
}

export async function validateStack(
  policy: StackValidationPolicy,
  resources: readonly Res[],
  options: { stack?: string; config?: Record<string, unknown> } = {},
): Promise<Outcome> {
  const policyResources: PolicyResource[] = resources.map((res) => ({
    type: res.type,
    props: unknownCheckingProxy(deserialize(res.props)) as Record<string, unknown>,
    urn: urnOf(options.stack ?? "staging", res),
    name: res.name,
    opts: OPTS,
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  const args: StackValidationArgs = {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: <T extends object>() => (options.config ?? {}) as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason ?? "");
    },
  };
  return run((report) => policy.validateStack(args, report));
}
