/**
 * The cloud tier's chain, provider by provider, as `NeonDatabase` wires it: the Neon double makes the
 * project, branch and compute, its owner URI points at a real Postgres 17 where the owner is, as on
 * Neon, not a superuser; the role provider makes the roles through that URI, and the URLs the app gets
 * connect as the right roles.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUrl } from "../../components/lib/database-urls";
import { roleNames } from "../../components/lib/postgres-grants";
import { KIND } from "../../components/lib/resource-kinds";
import { type NeonBranchOutputs, neonBranchProvider } from "../../components/neon-branch";
import { type NeonEndpointOutputs, neonEndpointProvider } from "../../components/neon-endpoint";
import { type NeonProjectOutputs, neonProjectProvider } from "../../components/neon-project";
import {
  type PostgresRoleInputs,
  type PostgresRoleOutputs,
  postgresRoleProvider,
} from "../../components/postgres-role";
import { FAST_NEON_POLICY, NeonDouble } from "../support/neon-double";
import { startTestPostgres, type TestPostgres } from "../support/postgres";

const API_KEY = "napi_e2e_key_abcdefghijklmnopqrstuvwxyz0123456789";
const OWNER_PASSWORD = "OwnerPw0rdOnTheLocalServerAbcdefghij";

const names = roleNames("portal");

let pg: TestPostgres;
let double: NeonDouble;

beforeAll(async () => {
  pg = await startTestPostgres();
  // What Neon makes with the project: an owner role (CREATEROLE, not superuser) owning the database.
  await pg.query(`CREATE ROLE ${names.owner} LOGIN CREATEROLE CREATEDB PASSWORD '${OWNER_PASSWORD}'`);
  await pg.query(`CREATE DATABASE portal OWNER ${names.owner}`);
  double = await new NeonDouble({
    apiKey: API_KEY,
    operationMs: 10,
    ownerPassword: OWNER_PASSWORD,
    connectionHost: () => `${pg.host}:${pg.port}`,
    sslmode: "disable",
  }).start();
});

afterAll(async () => {
  await double?.stop();
  await pg?.stop();
});

describe("Neon project, branch and compute, then roles through the owner's URI", () => {
  it("gives working URLs for the current app and readonly slots and for migrations", async () => {
    const configure = {
      config: {
        get: (k: string) => ({ "portal-infra:neonApiKey": API_KEY, "portal-infra:neonApiHost": double.baseUrl })[k],
        require: (k: string) => k,
      },
    };
    const projects = neonProjectProvider({ policy: FAST_NEON_POLICY });
    const branches = neonBranchProvider({ policy: FAST_NEON_POLICY });
    const endpoints = neonEndpointProvider({ policy: FAST_NEON_POLICY });
    for (const p of [projects, branches, endpoints]) await p.configure?.(configure);

    const project = (
      await projects.create({
        resourceKind: KIND.neonProject,
        name: "portal",
        regionId: "aws-ap-southeast-2",
        pgVersion: 17,
        lifecycle: "owned",
        protected: true,
        rootBranch: "production",
        databaseName: "portal",
        ownerRole: names.owner,
      })
    ).outs as NeonProjectOutputs;
    const branch = (
      await branches.create({
        resourceKind: KIND.neonBranch,
        projectId: project.projectId,
        name: "production",
        protected: true,
      })
    ).outs as NeonBranchOutputs;
    const endpoint = (
      await endpoints.create({
        resourceKind: KIND.neonEndpoint,
        projectId: project.projectId,
        branchId: branch.branchId,
        type: "read_write",
        minCu: 0.25,
        maxCu: 2,
        suspendTimeoutSeconds: 0,
        databaseName: "portal",
        ownerRole: names.owner,
      })
    ).outs as NeonEndpointOutputs;
    expect(endpoint.adminUri).toBe(
      `postgresql://${names.owner}:${OWNER_PASSWORD}@${pg.host}:${pg.port}/portal?sslmode=disable`,
    );

    const roles = postgresRoleProvider();
    const password = (name: string) => `${name.replace(/_/g, "")}Xy7Qz9Wk3Lm5Np8Rt2Vb4Hj6Df1Gs0`.slice(0, 40);
    const made: Record<string, PostgresRoleOutputs> = {};
    const base = {
      resourceKind: KIND.postgresRole,
      superuser: false,
      createRole: false,
      createDb: false,
      replication: false,
      bypassRls: false,
      inRoles: [],
      database: "portal",
      schema: "app",
      migrationsRole: names.migrations,
      admin: { url: endpoint.adminUri },
      createDatabase: false,
    } as const;
    const make = async (name: string, kind: PostgresRoleInputs["kind"]) => {
      const inputs: PostgresRoleInputs = {
        ...base,
        name,
        kind,
        password: password(name),
        onDeleteOwned: kind === "migrations" ? "refuse" : "reassign",
      };
      expect((await roles.check?.({} as PostgresRoleInputs, inputs))?.failures).toEqual([]);
      made[name] = (await roles.create(inputs)).outs as PostgresRoleOutputs;
    };
    await make(names.migrations, "migrations");
    await Promise.all([
      make(names.app.a, "app"),
      make(names.app.b, "app"),
      make(names.readonly.a, "readonly"),
      make(names.readonly.b, "readonly"),
    ]);

    // The URLs as DatabaseRoles builds them (local server: no TLS, so sslmode is left out here).
    const url = (name: string) =>
      postgresUrl({
        user: name,
        password: password(name),
        host: made[name].host,
        port: made[name].port,
        database: made[name].database,
        sslmode: "disable",
      });
    const run = async (name: string, sql: string) => {
      const client = new Client({ connectionString: url(name) });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    await run(names.migrations, "CREATE TABLE app.things (id serial PRIMARY KEY, v text)");
    await run(names.app.b, "INSERT INTO app.things (v) VALUES ('from app b')");
    expect(await run(names.readonly.a, "SELECT v FROM app.things")).toEqual([{ v: "from app b" }]);
    await expect(run(names.readonly.a, "DELETE FROM app.things")).rejects.toThrow(/permission denied/);
    await expect(run(names.app.a, "DROP TABLE app.things")).rejects.toThrow(/must be owner/);
    // The administrator is Neon's owner, never one of ours: our roles hold no membership at all.
    expect(
      await pg.query(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname LIKE 'portal\\_%' AND r.rolname <> $1",
        [names.owner],
      ),
    ).toEqual([]);
    // Nothing in the role provider's outputs names the key.
    expect(JSON.stringify(made)).not.toContain(API_KEY);
  });
});
