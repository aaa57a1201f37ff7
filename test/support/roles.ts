/** A least-privilege `portal:postgres:Role` input, for tests that change one field of it. */
import { KIND } from "../../components/lib/resource-kinds";
import type { PostgresRoleInputs } from "../../components/lib/role-inputs";

export function appRoleInputs(overrides: Partial<PostgresRoleInputs> = {}): PostgresRoleInputs {
  return {
    resourceKind: KIND.postgresRole,
    name: "portal_app_a",
    superuser: false,
    createRole: false,
    createDb: false,
    replication: false,
    bypassRls: false,
    inRoles: [],
    kind: "app",
    database: "portal",
    schema: "app",
    migrationsRole: "portal_migrations",
    password: "Zq7xK2mP9wL4vB8nR3tY6hJ1cF5gD0sAeU3iO8pW",
    admin: { url: "postgresql://o:p@h/portal" },
    createDatabase: false,
    onDeleteOwned: "reassign",
    ...overrides,
  };
}
