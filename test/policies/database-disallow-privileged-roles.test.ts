import { describe, expect, it } from "vitest";
import { KIND } from "../../components/lib/resource-kinds";
import { TYPE } from "../../policies/lib/types";
import { databaseDisallowPrivilegedRoles as rule } from "../../policies/rules/database-disallow-privileged-roles";
import { dynamic, envFile, envVar, neonProject, postgresRole, randomPassword, vercelProject } from "./fixtures";
import { type Res, U, validateResource } from "./harness";

async function violations(res: Res): Promise<string[]> {
  return (await validateResource(rule, res)).violations;
}

const ROLE_MAKERS = "roles are made only by portal:postgres:Role, whose privileges this pack checks";

describe("database-disallow-privileged-roles: compliant baselines", () => {
  it.each<[string, Res]>([
    ["app role a", postgresRole("portal_app_a")],
    ["migrations role", postgresRole("portal_migrations")],
    [
      "readonly role, member of an unprivileged group role",
      postgresRole("portal_readonly_a", { inRoles: ["portal_readers"] }),
    ],
    ["Neon project", neonProject()],
    ["Neon branch", dynamic(KIND.neonBranch, "staging", { name: "staging", parentId: U.string })],
    [
      "grants resource with ordinary SQL",
      dynamic("portal:postgres:Grants", "grants", {
        sql: "GRANT SELECT ON ALL TABLES IN SCHEMA app TO portal_readonly_a; ALTER DEFAULT PRIVILEGES FOR ROLE portal_migrations IN SCHEMA app GRANT SELECT ON TABLES TO portal_readonly_a",
      }),
    ],
    [
      "command that runs migrations",
      { type: TYPE.commandLocal, name: "migrate", props: { create: "npm run db:migrate" } },
    ],
    ["Vercel project", vercelProject()],
    ["Vercel variable", envVar("NEON_DATABASE_URL", "production")],
    ["RandomPassword", randomPassword("NEON_DATABASE_URL", { slot: "a" })],
    ["local env file", envFile({})],
  ])("%s: no violations", async (_, res) => {
    expect(await violations(res)).toEqual([]);
  });
});

describe("database-disallow-privileged-roles: portal:postgres:Role", () => {
  const subject = "Postgres role `portal_app_a` (`neon-portal-app-a`)";

  it.each([
    ["superuser", "SUPERUSER"],
    ["createRole", "CREATEROLE"],
    ["createDb", "CREATEDB"],
    ["replication", "REPLICATION"],
    ["bypassRls", "BYPASSRLS"],
  ])("reports %s", async (field, attribute) => {
    expect(await violations(postgresRole("portal_app_a", { [field]: true }))).toEqual([
      `${subject} asks for ${attribute}: app roles are least-privilege; set \`${field}: false\``,
    ]);
  });

  it.each(["superuser", "createRole", "createDb", "replication", "bypassRls"])(
    "reports %s left unset (every flag is explicit)",
    async (field) => {
      const res = postgresRole("portal_app_a");
      delete res.props[field];
      expect(await violations(res)).toEqual([
        `${subject} does not set \`${field}\`: every privilege flag is explicit, so set \`${field}: false\``,
      ]);
    },
  );

  it.each(["superuser", "createRole", "createDb", "replication", "bypassRls"])(
    "reports %s unknown during preview",
    async (field) => {
      expect(await violations(postgresRole("portal_app_a", { [field]: U.boolean }))).toEqual([
        `${subject}: \`${field}\` is unknown during preview, so the role's privileges can't be verified: set it as a literal`,
      ]);
    },
  );

  it("reports membership in neon_superuser, however it is spelled", async () => {
    expect(await violations(postgresRole("portal_app_a", { inRoles: ["portal_readers", '"NEON_SUPERUSER"'] }))).toEqual(
      [
        `${subject} is a member of \`neon_superuser\`, which grants CREATEROLE, CREATEDB, BYPASSRLS and pg_read_all_data: remove it from \`inRoles\``,
      ],
    );
  });

  it("reports membership in a privileged built-in role", async () => {
    expect(await violations(postgresRole("portal_app_a", { inRoles: ["pg_write_all_data"] }))).toEqual([
      `${subject} is a member of \`pg_write_all_data\`, which writes every table in every schema: remove it from \`inRoles\``,
    ]);
  });

  it("reports memberships unknown during preview", async () => {
    expect(await violations(postgresRole("portal_app_a", { inRoles: U.array }))).toEqual([
      `${subject}: \`inRoles\` is unknown during preview, so the role's privileges can't be verified: set it as a literal`,
    ]);
  });

  it("reports one membership unknown during preview", async () => {
    expect(await violations(postgresRole("portal_app_a", { inRoles: ["portal_readers", U.string] }))).toEqual([
      `${subject}: \`inRoles[1]\` is unknown during preview, so the role's privileges can't be verified: set it as a literal`,
    ]);
  });

  it("reports every problem of one role", async () => {
    expect(
      await violations(postgresRole("portal_app_a", { superuser: true, bypassRls: true, inRoles: ["neon_superuser"] })),
    ).toEqual([
      `${subject} asks for SUPERUSER: app roles are least-privilege; set \`superuser: false\``,
      `${subject} asks for BYPASSRLS: app roles are least-privilege; set \`bypassRls: false\``,
      `${subject} is a member of \`neon_superuser\`, which grants CREATEROLE, CREATEDB, BYPASSRLS and pg_read_all_data: remove it from \`inRoles\``,
    ]);
  });
});

describe("database-disallow-privileged-roles: roles made any other way", () => {
  it("reports a role made through Neon's API", async () => {
    const res: Res = {
      type: TYPE.neonRole,
      name: "app",
      props: { projectId: U.string, branchId: U.string, name: "app" },
    };
    expect(await violations(res)).toEqual([
      "`app` is a Neon API role, and Neon makes every such role a member of neon_superuser (CREATEROLE, BYPASSRLS, pg_read_all_data): create app roles with SQL through portal:postgres:Role instead",
    ]);
  });

  it("reports a dynamic resource of another kind named like a role maker", async () => {
    expect(await violations(dynamic("portal:neon:Role", "app", { name: "app" }))).toEqual([
      `\`app\` (portal:neon:Role) looks like it makes database roles: ${ROLE_MAKERS}`,
    ]);
  });

  it("reports a dynamic resource of another kind that runs CREATE ROLE", async () => {
    const res = dynamic("portal:postgres:Sql", "bootstrap", {
      statements: ["SELECT 1", "create role reporting login password 'x'"],
    });
    expect(await violations(res)).toEqual([
      `\`bootstrap\` (portal:postgres:Sql) runs role-making SQL in \`statements[1]\`: ${ROLE_MAKERS}`,
    ]);
  });

  it("reports a shell command that alters a role", async () => {
    const res: Res = {
      type: TYPE.commandLocal,
      name: "fix-role",
      props: { create: 'psql "$URL" -c "ALTER ROLE portal_app_a CREATEDB"' },
    };
    expect(await violations(res)).toEqual([
      `\`fix-role\` (command:local:Command) runs role-making SQL in \`create\`: ${ROLE_MAKERS}`,
    ]);
  });

  it("reports a grant of neon_superuser", async () => {
    const res = dynamic("portal:postgres:Grants", "grants", { sql: "GRANT neon_superuser TO portal_migrations" });
    expect(await violations(res)).toEqual([
      `\`grants\` (portal:postgres:Grants) runs role-making SQL in \`sql\`: ${ROLE_MAKERS}`,
    ]);
  });

  it("does not read the provider's own code as an input", async () => {
    const res: Res = {
      type: TYPE.dynamic,
      name: "branch",
      props: { __provider: "exports.handler = () => client.query('CREATE ROLE x')", resourceKind: KIND.neonBranch },
    };
    expect(await violations(res)).toEqual([]);
  });

  it("reports a dynamic resource whose kind is unknown during preview", async () => {
    const res: Res = { type: TYPE.dynamic, name: "mystery", props: { resourceKind: U.string } };
    expect(await violations(res)).toEqual([
      "`mystery`: `resourceKind` is unknown during preview, so whether it creates database roles can't be verified: set it as a literal",
    ]);
  });
});
