import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { KIND } from "../../components/lib/resource-kinds";
import { keysOf, listOf, read, UNKNOWN } from "../lib/preview";
import { kindOf, TYPE } from "../lib/types";

/**
 * Postgres roles are least-privilege (DESIGN.md, "Least privilege on Postgres"). Roles made through
 * Neon's API join `neon_superuser` (CREATEROLE, BYPASSRLS, pg_read_all_data, ...), so app roles are
 * created with SQL by the `portal:postgres:Role` dynamic resource, whose explicit flags and
 * memberships are checked here; any other resource that creates roles escapes those checks and is
 * refused.
 */
export const databaseDisallowPrivilegedRoles: ResourceValidationPolicy = {
  name: "database-disallow-privileged-roles",
  description:
    "Database roles are least-privilege: never SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, never members of neon_superuser, and never made through Neon's role API.",
  severity: "critical",
  validateResource: (args, reportViolation) => {
    const kind = kindOf(args.type, args.props);
    if (args.type === TYPE.neonRole) {
      reportViolation(
        `\`${args.name}\` is a Neon API role, and Neon makes every such role a member of neon_superuser (CREATEROLE, BYPASSRLS, pg_read_all_data): create app roles with SQL through ${KIND.postgresRole} instead`,
      );
    } else if (kind === KIND.postgresRole) {
      checkPostgresRole(args, reportViolation);
    } else if (kind === UNKNOWN) {
      reportViolation(
        `\`${args.name}\`: \`resourceKind\` is unknown during preview, so whether it creates database roles can't be verified: set it as a literal`,
      );
    } else if (args.type === TYPE.dynamic || args.type === TYPE.commandLocal || args.type === TYPE.commandRemote) {
      checkOtherRoleMakers(args, kind, reportViolation);
    }
  },
};

/** Flag input -> the SQL attribute it grants. */
const FLAGS = {
  superuser: "SUPERUSER",
  createRole: "CREATEROLE",
  createDb: "CREATEDB",
  replication: "REPLICATION",
  bypassRls: "BYPASSRLS",
} as const;

/** Roles whose membership grants more than an app role may have, and why. */
const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  neon_superuser: "which grants CREATEROLE, CREATEDB, BYPASSRLS and pg_read_all_data",
  pg_read_all_data: "which reads every table in every schema",
  pg_write_all_data: "which writes every table in every schema",
  pg_read_server_files: "which reads files on the database server",
  pg_write_server_files: "which writes files on the database server",
  pg_execute_server_program: "which runs programs on the database server",
  pg_signal_backend: "which can cancel or terminate other sessions",
};

function checkPostgresRole(args: ResourceValidationArgs, report: ReportViolation): void {
  const roleName = read(args.props, "name");
  const subject = `Postgres role ${typeof roleName === "string" ? `\`${roleName}\` ` : ""}(\`${args.name}\`)`;
  const unverifiable = (field: string) =>
    `${subject}: \`${field}\` is unknown during preview, so the role's privileges can't be verified: set it as a literal`;

  for (const [field, attribute] of Object.entries(FLAGS)) {
    const value = read(args.props, field);
    if (value === UNKNOWN) report(unverifiable(field));
    else if (value === undefined) {
      report(`${subject} does not set \`${field}\`: every privilege flag is explicit, so set \`${field}: false\``);
    } else if (value !== false) {
      report(`${subject} asks for ${attribute}: app roles are least-privilege; set \`${field}: false\``);
    }
  }

  const inRoles = listOf(read(args.props, "inRoles"));
  if (inRoles === UNKNOWN) {
    report(unverifiable("inRoles"));
    return;
  }
  (inRoles ?? []).forEach((member, i) => {
    if (member === UNKNOWN) {
      report(unverifiable(`inRoles[${i}]`));
      return;
    }
    // Identifiers fold to lower case unless quoted; compare the role Postgres would resolve.
    const role = String(member)
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
    const why = PRIVILEGED_ROLES[role];
    if (why) report(`${subject} is a member of \`${role}\`, ${why}: remove it from \`inRoles\``);
  });
}

/** SQL that creates, alters or grants privileged roles. */
const ROLE_SQL = /\b(CREATE|ALTER)\s+(ROLE|USER)\b|\bGRANT\s+"?neon_superuser"?\b/i;

/**
 * Another dynamic kind (or a shell command) that creates roles: found by a kind named like a role, or
 * by role-making SQL in any of its string inputs. Either way the role would skip the checks above.
 */
function checkOtherRoleMakers(args: ResourceValidationArgs, kind: unknown, report: ReportViolation): void {
  const what = typeof kind === "string" ? kind : args.type;
  if (typeof kind === "string" && /role|user/i.test(kind)) {
    report(
      `\`${args.name}\` (${what}) looks like it makes database roles: roles are made only by ${KIND.postgresRole}, whose privileges this pack checks`,
    );
    return;
  }
  const field = findRoleSql(args.props, "");
  if (field) {
    report(
      `\`${args.name}\` (${what}) runs role-making SQL in \`${field}\`: roles are made only by ${KIND.postgresRole}, whose privileges this pack checks`,
    );
  }
}

function findRoleSql(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return ROLE_SQL.test(value) ? path : undefined;
  for (const key of keysOf(value)) {
    if (path === "" && key === "__provider") continue; // the provider's own code, not an input
    const child = read(value, key);
    const found = findRoleSql(child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}
