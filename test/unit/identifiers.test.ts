import { describe, expect, it } from "vitest";
import {
  assertIdentifier,
  IdentifierError,
  identifierProblem,
  quoteIdent,
  quoteLiteral,
} from "../../components/lib/identifiers";

describe("identifierProblem", () => {
  it.each(["portal_app_a", "app", "_x", "a".repeat(63), "portal2"])("accepts role %j", (name) => {
    expect(identifierProblem("role", "name", name)).toBeUndefined();
  });

  it.each([
    ["pg_signal_backend", "reserved (names starting with pg_ are reserved by Postgres)"],
    ["neon_superuser", "reserved (it is Neon's privileged role (CREATEROLE, BYPASSRLS, pg_read_all_data))"],
    ["neon_x", "reserved (names starting with neon_ are reserved by Neon)"],
    ["cloud_admin", "reserved (it is Neon's internal administrator)"],
    ["public", "reserved (it is the pseudo-role every role belongs to)"],
    ["postgres", "reserved (it is the bootstrap superuser)"],
    ["current_user", "reserved (it is a role specification keyword)"],
  ])("refuses reserved role %j", (name, reason) => {
    expect(identifierProblem("role", "name", name)).toBe(
      `\`name\` is \`${name}\`, which is ${reason}: choose another name`,
    );
  });

  it.each([
    'a"; DROP ROLE x; --',
    "x'); DROP TABLE t; --",
    "App",
    "1abc",
    "",
    "a b",
    "a-b",
    "é",
    "a".repeat(64),
    "x\u0000",
  ])("refuses malformed %j with the rule to follow", (name) => {
    expect(identifierProblem("role", "database.rolePrefix", name)).toBe(
      `\`database.rolePrefix\` is ${JSON.stringify(name)}, which is not a valid role name: use lower-case a-z, 0-9 and _, starting with a letter or _, at most 63 characters`,
    );
  });

  it("has per-kind reserved names", () => {
    expect(identifierProblem("schema", "database.schema", "public")).toMatch(
      /reserved \(its CREATE privilege is revoked/,
    );
    expect(identifierProblem("schema", "database.schema", "pg_catalog")).toMatch(/reserved by Postgres/);
    expect(identifierProblem("database", "database.name", "template1")).toMatch(
      /reserved \(it is a template database\)/,
    );
    expect(identifierProblem("database", "database.name", "portal")).toBeUndefined();
    expect(identifierProblem("schema", "database.schema", "app")).toBeUndefined();
  });

  it("refuses non-strings", () => {
    expect(identifierProblem("role", "name", 42)).toBe("`name` must be a role name (a string), not number");
    expect(() => assertIdentifier("role", "name", undefined)).toThrow(IdentifierError);
  });
});

describe("quoting", () => {
  it.each([
    ["app", '"app"'],
    ['we"ird', '"we""ird"'],
    ["select", '"select"'],
  ])("quotes identifier %j as %s", (name, quoted) => expect(quoteIdent(name)).toBe(quoted));

  it.each([
    ["SCRAM-SHA-256$4096:abc=$def:ghi", "'SCRAM-SHA-256$4096:abc=$def:ghi'"],
    ["it's", "'it''s'"],
    ["back\\slash'", "E'back\\\\slash'''"],
  ])("quotes literal %j as %s", (value, quoted) => expect(quoteLiteral(value)).toBe(quoted));

  it("refuses NUL", () => {
    expect(() => quoteIdent("a\u0000")).toThrow(IdentifierError);
    expect(() => quoteLiteral("a\u0000")).toThrow(IdentifierError);
  });
});
