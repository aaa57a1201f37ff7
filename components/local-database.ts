import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseRoles } from "./database-roles";
import type { DatabasePasswords, DatabaseUrls } from "./lib/database-urls";
import type { DatabaseConfig } from "./lib/stack-config";

/** Arguments of {@link LocalDatabase}. */
export interface LocalDatabaseArgs {
  readonly database: DatabaseConfig;
  readonly passwords: DatabasePasswords;
  /**
   * The sandbox's connection file, written by `npx tsx scripts/sandbox.ts start`. Read by the role
   * provider when it runs (not by the program), so previews and Pulumi mocks need no sandbox.
   * @default ".sandbox/postgres.json" (relative to the working directory)
   */
  readonly sandboxFile?: string;
}

/**
 * The local tier's database: the same least-privilege roles as the cloud tiers, on the local Postgres 17
 * sandbox. The sandbox's superuser password never enters the program or the state: only the file's path
 * does. URLs carry no sslmode (the sandbox listens on 127.0.0.1 without TLS).
 */
export class LocalDatabase extends pulumi.ComponentResource {
  static readonly TYPE = "portal:local:Database";

  readonly urls: DatabaseUrls;
  readonly roles: string[];

  constructor(name: string, args: LocalDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(LocalDatabase.TYPE, name, {}, opts);
    const sandboxFile = path.resolve(args.sandboxFile ?? path.join(".sandbox", "postgres.json"));
    const roles = new DatabaseRoles(
      `${name}-roles`,
      {
        database: args.database,
        passwords: args.passwords,
        admin: { sandboxFile },
        sslmode: "disable",
        createDatabase: true,
      },
      { parent: this },
    );
    this.urls = roles.urls;
    this.roles = roles.roles;
    this.registerOutputs({ roles: this.roles, ...this.urls });
  }
}
