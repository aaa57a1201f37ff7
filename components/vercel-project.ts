import * as pulumi from "@pulumi/pulumi";
import * as vercel from "@pulumiverse/vercel";
import { type EnvVarPlan, envVarResourceName, sampleValue } from "./lib/env-plan";
import { AU_VERCEL_REGION } from "./lib/residency";
import type { VercelProjectConfig } from "./lib/stack-config";

export interface ProjectVariable {
  readonly plan: EnvVarPlan;
  /** The real value (a secret Output). Ignored where the plan asks for a sample. */
  readonly value: pulumi.Input<string>;
  /** Rotation metadata (`rotationComment`), never the value. */
  readonly comment: string;
}

/** Arguments of {@link VercelProject}. */
export interface VercelProjectArgs {
  /** The project as this tier configures it. */
  readonly project: VercelProjectConfig;
  /** Vercel team that owns the project. */
  readonly teamId: string;
  /** One entry per key and target (`planVercelEnv`). */
  readonly variables: readonly ProjectVariable[];
  /**
   * Regions functions run in; residency allows only `syd1`.
   * @default ["syd1"]
   */
  readonly regions?: readonly string[];
}

/**
 * A Vercel project pinned to Sydney, with one encrypted environment variable per key and target.
 */
export class VercelProject extends pulumi.ComponentResource {
  static readonly TYPE = "portal:vercel:Project";

  readonly project: vercel.Project;
  readonly variables: readonly vercel.ProjectEnvironmentVariable[];

  constructor(name: string, args: VercelProjectArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(VercelProject.TYPE, name, {}, opts);
    this.project = this.declareProject(name, args);
    this.variables = args.variables.map((variable) => this.declareVariable(args, variable));
    this.registerOutputs({ projectId: this.project.id });
  }

  private declareProject(name: string, args: VercelProjectArgs): vercel.Project {
    return new vercel.Project(
      name,
      {
        name: args.project.name,
        teamId: args.teamId,
        framework: args.project.framework,
        // `serverlessFunctionRegion` is deprecated and can't be combined with `resourceConfig`;
        // without `functionFailover: false` functions may fail over to a region abroad.
        resourceConfig: { functionDefaultRegions: [...(args.regions ?? [AU_VERCEL_REGION])] },
        functionFailover: false,
      },
      { parent: this },
    );
  }

  private declareVariable(args: VercelProjectArgs, variable: ProjectVariable): vercel.ProjectEnvironmentVariable {
    const { plan } = variable;
    return new vercel.ProjectEnvironmentVariable(
      envVarResourceName(plan.project, plan.key, plan.target),
      {
        projectId: this.project.id,
        teamId: args.teamId,
        key: plan.key,
        // `development` can't be sensitive on Vercel, so it never receives a real secret.
        value: plan.sample ? sampleValue(plan.key) : pulumi.secret(variable.value),
        targets: [plan.target],
        sensitive: plan.sensitive,
        comment: variable.comment,
      },
      // Changing key or sensitivity replaces a variable, and create-before-delete fails with
      // ENV_ALREADY_EXISTS because the key is still taken.
      { parent: this, deleteBeforeReplace: true },
    );
  }
}
