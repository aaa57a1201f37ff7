import { describe, expect, it } from "vitest";
import { DATABASE_URL_KEYS, parsePostgresUrl, postgresUrl, redactUrl } from "../../components/lib/database-urls";

describe("postgresUrl", () => {
  it.each([
    [
      { host: "ep-x.ap-southeast-2.aws.neon.tech", sslmode: "require" as const },
      "postgresql://portal_app_a:pw@ep-x.ap-southeast-2.aws.neon.tech/portal?sslmode=require",
    ],
    [
      { host: "127.0.0.1", port: 54321, sslmode: "disable" as const },
      "postgresql://portal_app_a:pw@127.0.0.1:54321/portal",
    ],
    [{ host: "::1", port: 5432, sslmode: "disable" as const }, "postgresql://portal_app_a:pw@[::1]/portal"],
  ])("%j", (parts, url) => {
    expect(postgresUrl({ user: "portal_app_a", password: "pw", database: "portal", ...parts })).toBe(url);
  });

  it("percent-encodes user, password and database", () => {
    expect(postgresUrl({ user: "a@b", password: "p:/@?#", host: "h", database: "d b", sslmode: "disable" })).toBe(
      "postgresql://a%40b:p%3A%2F%40%3F%23@h/d%20b",
    );
  });

  it("round-trips through parsePostgresUrl", () => {
    const url = postgresUrl({
      user: "u",
      password: "p@ss:w/rd",
      host: "h.example",
      port: 6543,
      database: "portal",
      sslmode: "require",
    });
    expect(parsePostgresUrl(url)).toEqual({
      user: "u",
      password: "p@ss:w/rd",
      host: "h.example",
      port: 6543,
      database: "portal",
      sslmode: "require",
    });
  });

  it("refuses a URL without host", () => {
    expect(() => postgresUrl({ user: "u", password: "p", host: "", database: "d", sslmode: "require" })).toThrow(
      /role `u` has no host yet/,
    );
  });

  it("names the three URL keys", () => {
    expect(DATABASE_URL_KEYS).toEqual(["NEON_DATABASE_URL", "NEON_MIGRATIONS_URL", "NEON_READONLY_URL"]);
  });
});

describe("parsePostgresUrl errors never contain the password", () => {
  it.each([
    ["http://u:Secret123@h/d", /scheme `http:`/],
    ["postgresql://u:Secret123@h/", /host h\) has no database/],
    ["postgresql://:Secret123@h/d", /has no user/],
    ["not a url Secret123", /is not a URL/],
  ])("%s", (url, message) => {
    const error = (() => {
      try {
        parsePostgresUrl(url, "admin.url");
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain("Secret123");
  });

  it("redacts", () => {
    expect(redactUrl("postgresql://u:Secret123@h/d?sslmode=require")).toBe("postgresql://u:***@h/d?sslmode=require");
  });
});
