import * as pulumi from "@pulumi/pulumi";
import { type DatabasePasswords, type DatabaseUrls, postgresUrl, type SslMode } from "./lib/database-urls";
import { identifierProblem } from "./lib/identifiers";
import type { PostgresAdmin } from "./lib/postgres-admin";
import { type RoleKind, type RoleNames, roleNames } from "./lib/postgres-grants";
import type { Slot } from "./lib/rotation";
import type { DatabaseConfig } from "./lib/stack-config";
import { PostgresRole, secretAdmin } from "./postgres-role";
import type { RotatingSecret } from "./rotating-secret";

/** Arguments of {@link DatabaseRoles}. */
export interface DatabaseRolesArgs {
  /** Database, app schema and role-name prefix. */
  readonly database: DatabaseConfig;
  /** app and readonly: 2 slots (alternating users); migrations: 1. */
  readonly passwords: DatabasePasswords;
  /** The administrator the roles are made through: `{ url }` (made secret here) or `{ sandboxFile }`. */
  readonly admin: pulumi.Input<PostgresAdmin>;
  /** `require` for Neon, `disable` for the local sandbox (no TLS on 127.0.0.1). */
  readonly sslmode: SslMode;
  /**
   * Create the database when missing (the local sandbox; Neon makes it with the project).
   * @default false
   */
  readonly createDatabase?: boolean;
}

/**
 * The least-privilege roles of one database: `<prefix>_migrations` (owns the app schema),
 * `<prefix>_app_a`/`_b` and `<prefix>_readonly_a`/`_b` (alternating users), each a
 * `portal:postgres:Role`, and the URLs the app uses (secret).
 */
export class DatabaseRoles extends pulumi.ComponentResource {
  static readonly TYPE = "portal:postgres:Roles";

  /** Role names, migrations first. */
  readonly roles: string[];
  readonly names: RoleNames;
  readonly urls: DatabaseUrls;
  readonly migrations: PostgresRole;
  readonly app: Readonly<Record<Slot, PostgresRole>>;
  readonly readonly: Readonly<Record<Slot, PostgresRole>>;

  constructor(name: string, args: DatabaseRolesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(DatabaseRoles.TYPE, name, {}, opts);
    this.names = validatedNames(args.database);
    assertSlots(args.passwords);
    const admin = secretAdmin(args.admin);

    this.migrations = this.role(
      `${name}-migrations-role`,
      this.names.migrations,
      "migrations",
      args.passwords.migrations.valueOf("a"),
      args,
      admin,
    );
    const after = { dependsOn: [this.migrations] };
    this.app = {
      a: this.role(`${name}-app-a-role`, this.names.app.a, "app", args.passwords.app.valueOf("a"), args, admin, after),
      b: this.role(`${name}-app-b-role`, this.names.app.b, "app", args.passwords.app.valueOf("b"), args, admin, after),
    };
    this.readonly = {
      a: this.role(
        `${name}-readonly-a-role`,
        this.names.readonly.a,
        "readonly",
        args.passwords.readonly.valueOf("a"),
        args,
        admin,
        after,
      ),
      b: this.role(
        `${name}-readonly-b-role`,
        this.names.readonly.b,
        "readonly",
        args.passwords.readonly.valueOf("b"),
        args,
        admin,
        after,
      ),
    };
    this.roles = [
      this.names.migrations,
      this.names.app.a,
      this.names.app.b,
      this.names.readonly.a,
      this.names.readonly.b,
    ];

    const appSlot = args.passwords.app.currentSlot;
    const readonlySlot = args.passwords.readonly.currentSlot;
    this.urls = {
      NEON_DATABASE_URL: urlOf(this.app[appSlot], args.passwords.app, appSlot, args.sslmode),
      NEON_MIGRATIONS_URL: urlOf(this.migrations, args.passwords.migrations, "a", args.sslmode),
      NEON_READONLY_URL: urlOf(this.readonly[readonlySlot], args.passwords.readonly, readonlySlot, args.sslmode),
    };
    this.registerOutputs({ roles: this.roles, ...this.urls });
  }

  private role(
    resourceName: string,
    roleName: string,
    kind: RoleKind,
    password: pulumi.Output<string>,
    args: DatabaseRolesArgs,
    admin: pulumi.Input<PostgresAdmin>,
    opts: pulumi.CustomResourceOptions = {},
  ): PostgresRole {
    return new PostgresRole(
      resourceName,
      {
        name: roleName,
        kind,
        database: args.database.name,
        schema: args.database.schema,
        migrationsRole: this.names.migrations,
        password,
        admin,
        createDatabase: args.createDatabase ?? false,
        // The migrations role owns the schema and its tables: deleting it is refused while they exist.
        // Others should own nothing; if they do, their objects move to the migrations role, never dropped.
        onDeleteOwned: kind === "migrations" ? "refuse" : "reassign",
      },
      { parent: this, ...opts },
    );
  }
}

/** Validates the database config's names before anything is registered. */
export function validatedNames(database: DatabaseConfig): RoleNames {
  const names = roleNames(database.rolePrefix);
  const problems = [
    identifierProblem("database", "database.name", database.name),
    identifierProblem("schema", "database.schema", database.schema),
    identifierProblem("role", "database.rolePrefix", database.rolePrefix),
    ...[names.migrations, names.app.a, names.app.b, names.readonly.a, names.readonly.b, names.owner].map((n) =>
      identifierProblem("role", `role name from \`database.rolePrefix\` (${database.rolePrefix})`, n),
    ),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0)
    throw new Error(`database config is invalid:\n${[...new Set(problems)].map((p) => `  - ${p}`).join("\n")}`);
  return names;
}

function assertSlots(passwords: DatabasePasswords): void {
  const want: [keyof DatabasePasswords, number][] = [
    ["app", 2],
    ["readonly", 2],
    ["migrations", 1],
  ];
  for (const [key, slots] of want) {
    const have = passwords[key].slots.length;
    if (have !== slots) {
      throw new Error(
        `\`passwords.${key}\` has ${have} slot(s); ${key} needs ${slots} (${slots === 2 ? "alternating users" : "a single role"}): create its RotatingSecret with slots: ${slots}`,
      );
    }
  }
}

/**
 * Where the role provider always returns `host` and `port`. Pulumi mocks echo inputs instead, which have
 * neither: the URL then names a host that can't resolve (RFC 2606 `.invalid`) rather than never
 * resolving, so program tests still see every variable. Give the mock real values to test them.
 */
export const UNRESOLVED_HOST = "unresolved-host.invalid";

function urlOf(role: PostgresRole, secret: RotatingSecret, slot: Slot, sslmode: SslMode): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([role.name, role.host, role.port, role.database, secret.valueOf(slot)])
      .apply(([user, host, port, database, password]) =>
        postgresUrl({ user, password, host: host ?? UNRESOLVED_HOST, port: port ?? 5432, database, sslmode }),
      ),
  );
}
