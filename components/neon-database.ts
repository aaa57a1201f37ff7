import * as pulumi from "@pulumi/pulumi";
import { DatabaseRoles, validatedNames } from "./database-roles";
import type { DatabasePasswords, DatabaseUrls } from "./lib/database-urls";
import type { DatabaseConfig, NeonConfig } from "./lib/stack-config";
import { NeonBranch } from "./neon-branch";
import { NeonEndpoint } from "./neon-endpoint";
import { NeonProject } from "./neon-project";

/** Arguments of {@link NeonDatabase}. */
export interface NeonDatabaseArgs {
  /** Project, region, Postgres version, the tier's branch and its parent, protection. */
  readonly neon: NeonConfig;
  /** Database, app schema and role-name prefix. */
  readonly database: DatabaseConfig;
  /** app and readonly: 2 slots (alternating users); migrations: 1. */
  readonly passwords: DatabasePasswords;
}

/**
 * A cloud tier's database on Neon: the project (owned by the tier whose branch is the root, i.e.
 * production; shared by the others), the tier's branch, its read-write compute, and the least-privilege
 * roles made with SQL through the project owner's connection. Protected tiers (production) get
 * `protect: true` on the project and branch, and their providers refuse deletion too.
 */
export class NeonDatabase extends pulumi.ComponentResource {
  static readonly TYPE = "portal:neon:Database";

  readonly urls: DatabaseUrls;
  readonly roles: string[];
  readonly project: NeonProject;
  readonly branch: NeonBranch;
  readonly endpoint: NeonEndpoint;

  constructor(name: string, args: NeonDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(NeonDatabase.TYPE, name, {}, opts);
    const { neon, database } = args;
    const names = validatedNames(database);
    const owns = neon.parent === undefined;

    this.project = new NeonProject(
      `${name}-project`,
      {
        name: neon.projectName,
        regionId: neon.region,
        pgVersion: neon.postgresVersion,
        lifecycle: owns ? "owned" : "shared",
        protected: owns && neon.protected,
        rootBranch: owns ? neon.branch : (neon.parent ?? neon.branch),
        databaseName: database.name,
        ownerRole: names.owner,
      },
      { parent: this, protect: owns && neon.protected },
    );
    this.branch = new NeonBranch(
      `${name}-branch`,
      { projectId: this.project.projectId, name: neon.branch, parent: neon.parent, protected: neon.protected },
      { parent: this, protect: neon.protected },
    );
    this.endpoint = new NeonEndpoint(
      `${name}-endpoint`,
      {
        projectId: this.project.projectId,
        branchId: this.branch.branchId,
        databaseName: database.name,
        ownerRole: names.owner,
      },
      { parent: this },
    );
    const roles = new DatabaseRoles(
      `${name}-roles`,
      {
        database,
        passwords: args.passwords,
        admin: pulumi.secret(this.endpoint.adminUri.apply((url) => ({ url }))),
        sslmode: "require",
      },
      { parent: this },
    );
    this.urls = roles.urls;
    this.roles = roles.roles;
    this.registerOutputs({ roles: this.roles, ...this.urls });
  }
}
