/**
 * A local double of Neon's API (v2), on 127.0.0.1 only, following the published contract as typed in
 * `@neondatabase/api-client` (paths, request and response payloads), with the behaviour our providers
 * rely on:
 *
 * - bearer-key authentication (401 otherwise);
 * - mutating calls return `operations` with status `running` that turn `finished` after
 *   `operationMs`; while one runs, other mutating calls on the project answer `423 Locked`;
 * - protected and default branches can't be deleted (422), a project's region can't change (the
 *   update request has no such field; unknown fields are rejected with 400);
 * - injectable faults (`failNext`: 429 with Retry-After, 500, 503, ...) and a log of every request.
 *
 * Point the client at `double.baseUrl` (e.g. provider config `portal-infra:neonApiHost`).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  Branch,
  BranchCreateRequest,
  BranchUpdateRequest,
  Endpoint,
  EndpointCreateRequest,
  EndpointUpdateRequest,
  Operation,
  Project,
  ProjectCreateRequest,
  ProjectUpdateRequest,
} from "@neondatabase/api-client";
import type { NeonCallPolicy } from "../../components/lib/neon-api";

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly authorization: string | undefined;
  readonly status: number;
}

export interface Fault {
  readonly method?: string;
  /** Matched against the path after `/api/v2`. */
  readonly path?: RegExp;
  readonly status: number;
  /** How many matching requests fail. @default 1 */
  readonly times?: number;
  /** Seconds, sent as `Retry-After`. */
  readonly retryAfter?: number;
  readonly message?: string;
}

export interface NeonDoubleOptions {
  readonly apiKey: string;
  /** How long an operation stays `running`. @default 20 */
  readonly operationMs?: number;
  /** Host (and port) that connection URIs point at, e.g. a local Postgres for end-to-end tests. */
  readonly connectionHost?: (endpoint: Endpoint) => string;
  /** `sslmode` in connection URIs. @default "require" (a local Postgres has no TLS: use "disable") */
  readonly sslmode?: "require" | "disable";
  /** Password of the owner role in connection URIs (random otherwise). */
  readonly ownerPassword?: string;
  /** Regions Neon offers. */
  readonly regions?: readonly string[];
}

interface ProjectRecord {
  project: Project;
  branches: Map<string, Branch>;
  endpoints: Map<string, Endpoint>;
  operations: Map<string, Operation & { finishesAt: number }>;
  /** role name -> password, per project (branches share their parent's roles) */
  roles: Map<string, string>;
  databases: Set<string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const API_PREFIX = "/api/v2";
const word = () =>
  ["bitter", "floral", "quiet", "bold", "round", "dark", "young", "misty"][Math.floor(Math.random() * 8)];
const neonId = (prefix: string) => `${prefix}${word()}-${word()}-${randomBytes(4).toString("hex")}`;
const now = () => new Date().toISOString();

export class NeonDouble {
  readonly requests: LoggedRequest[] = [];
  readonly projects = new Map<string, ProjectRecord>();
  private readonly faults: (Fault & { left: number })[] = [];
  private server?: Server;
  private port = 0;

  constructor(private readonly options: NeonDoubleOptions) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}${API_PREFIX}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests matching `fault` fail with its status. */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Starts a system operation (e.g. a compute suspend) that keeps the project locked for `ms`. */
  lock(projectId: string, ms: number): void {
    const record = this.record(projectId);
    this.operation(record, "suspend_compute", undefined, undefined, ms);
  }

  /** Clears the request log. */
  resetLog(): void {
    this.requests.length = 0;
  }

  mutatingRequests(): LoggedRequest[] {
    return this.requests.filter((r) => r.method !== "GET" && r.status < 400);
  }

  private record(projectId: string): ProjectRecord {
    const record = this.projects.get(projectId);
    if (!record) throw new HttpError(404, `project ${projectId} not found`);
    return record;
  }

  private operation(
    record: ProjectRecord,
    action: string,
    branchId?: string,
    endpointId?: string,
    ms = this.options.operationMs ?? 20,
  ) {
    const op = {
      id: randomUUID(),
      project_id: record.project.id,
      ...(branchId ? { branch_id: branchId } : {}),
      ...(endpointId ? { endpoint_id: endpointId } : {}),
      action: action as Operation["action"],
      status: "running" as Operation["status"],
      failures_count: 0,
      created_at: now(),
      updated_at: now(),
      total_duration_ms: 0,
      finishesAt: Date.now() + ms,
    };
    record.operations.set(op.id, op);
    return op;
  }

  private publicOperation(op: Operation & { finishesAt: number }): Operation {
    const { finishesAt, ...rest } = op;
    if (Date.now() >= finishesAt && rest.status === "running") {
      op.status = "finished" as Operation["status"];
      op.updated_at = now();
      return { ...rest, status: op.status, updated_at: op.updated_at };
    }
    return rest;
  }

  private assertUnlocked(record: ProjectRecord): void {
    for (const op of record.operations.values()) {
      if (this.publicOperation(op).status === "running") {
        throw new HttpError(
          423,
          `project already has running conflicting operations, scheduling of new ones is prohibited`,
        );
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const method = req.method ?? "GET";
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        body,
        authorization: req.headers.authorization,
        status,
      });
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(400, { code: "", message: "request body is not JSON" });
    }
    if (req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return send(401, { code: "", message: "authorization failed", request_id: randomUUID() });
    }
    const fault = this.faults.find(
      (f) => f.left > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(path)),
    );
    if (fault) {
      fault.left--;
      return send(
        fault.status,
        { code: "", message: fault.message ?? `injected ${fault.status}`, request_id: randomUUID() },
        fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {},
      );
    }
    try {
      const [status, payload] = this.route(method, path, url.searchParams, body);
      send(status, payload);
    } catch (err) {
      if (err instanceof HttpError)
        return send(err.status, { code: "", message: err.message, request_id: randomUUID() });
      send(500, { code: "", message: `double failed: ${(err as Error).message}` });
    }
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown): [number, unknown] {
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const route = `${method} /${parts.map((p, i) => (i % 2 === 1 ? ":" : p)).join("/")}`;
    switch (route) {
      case "POST /projects":
        return this.createProject(body as ProjectCreateRequest);
      case "GET /projects":
        return this.listProjects(query);
      case "GET /projects/:":
        return [200, { project: this.record(parts[1]).project }];
      case "PATCH /projects/:":
        return this.updateProject(parts[1], body as ProjectUpdateRequest);
      case "DELETE /projects/:":
        return this.deleteProject(parts[1]);
      case "GET /projects/:/operations/:": {
        const op = this.record(parts[1]).operations.get(parts[3]);
        if (!op) throw new HttpError(404, "operation not found");
        return [200, { operation: this.publicOperation(op) }];
      }
      case "GET /projects/:/branches":
        return this.listBranches(parts[1], query);
      case "POST /projects/:/branches":
        return this.createBranch(parts[1], body as BranchCreateRequest);
      case "GET /projects/:/branches/:":
        return [200, { branch: this.branch(parts[1], parts[3]) }];
      case "PATCH /projects/:/branches/:":
        return this.updateBranch(parts[1], parts[3], body as BranchUpdateRequest);
      case "DELETE /projects/:/branches/:":
        return this.deleteBranch(parts[1], parts[3]);
      case "GET /projects/:/branches/:/endpoints": {
        const record = this.record(parts[1]);
        this.branch(parts[1], parts[3]);
        return [200, { endpoints: [...record.endpoints.values()].filter((e) => e.branch_id === parts[3]) }];
      }
      case "POST /projects/:/endpoints":
        return this.createEndpoint(parts[1], body as EndpointCreateRequest);
      case "GET /projects/:/endpoints/:":
        return [200, { endpoint: this.endpoint(parts[1], parts[3]) }];
      case "PATCH /projects/:/endpoints/:":
        return this.updateEndpoint(parts[1], parts[3], body as EndpointUpdateRequest);
      case "DELETE /projects/:/endpoints/:":
        return this.deleteEndpoint(parts[1], parts[3]);
      case "GET /projects/:/connection_uri":
        return this.connectionUri(parts[1], query);
      default:
        throw new HttpError(404, `no route ${method} ${path}`);
    }
  }

  private rejectUnknown(what: string, value: Record<string, unknown> | undefined, allowed: readonly string[]): void {
    if (!value || typeof value !== "object") throw new HttpError(400, `${what} is required`);
    const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) throw new HttpError(400, `${what} has unknown field(s): ${unknown.join(", ")}`);
  }

  private createProject(body: ProjectCreateRequest): [number, unknown] {
    this.rejectUnknown("project", body?.project as Record<string, unknown>, [
      "settings",
      "name",
      "branch",
      "autoscaling_limit_min_cu",
      "autoscaling_limit_max_cu",
      "provisioner",
      "region_id",
      "default_endpoint_settings",
      "pg_version",
      "store_passwords",
      "history_retention_seconds",
      "org_id",
    ]);
    const spec = body.project;
    const regions = this.options.regions ?? ["aws-ap-southeast-2", "aws-us-east-1", "aws-eu-central-1"];
    const region = spec.region_id ?? "aws-us-east-2";
    if (!regions.includes(region)) throw new HttpError(400, `region ${region} is not available`);
    const id = `${word()}-${word()}-${Math.floor(Math.random() * 1e8)}`;
    const project: Project = {
      data_storage_bytes_hour: 0,
      data_transfer_bytes: 0,
      written_data_bytes: 0,
      compute_time_seconds: 0,
      active_time_seconds: 0,
      cpu_used_sec: 0,
      id,
      platform_id: "aws",
      region_id: region,
      name: spec.name ?? id,
      provisioner: "k8s-neonvm" as Project["provisioner"],
      pg_version: spec.pg_version ?? 17,
      proxy_host: `${region.replace(/^aws-/, "")}.aws.neon.tech`,
      branch_logical_size_limit: 0,
      branch_logical_size_limit_bytes: 0,
      store_passwords: spec.store_passwords ?? true,
      creation_source: "console",
      history_retention_seconds: 86400,
      created_at: now(),
      updated_at: now(),
      consumption_period_start: now(),
      consumption_period_end: now(),
      owner_id: "owner",
      ...(spec.org_id ? { org_id: spec.org_id } : {}),
    };
    const record: ProjectRecord = {
      project,
      branches: new Map(),
      endpoints: new Map(),
      operations: new Map(),
      roles: new Map(),
      databases: new Set(),
    };
    this.projects.set(id, record);
    const roleName = spec.branch?.role_name ?? "neondb_owner";
    const databaseName = spec.branch?.database_name ?? "neondb";
    const password = this.options.ownerPassword ?? randomBytes(12).toString("base64url");
    record.roles.set(roleName, password);
    record.databases.add(databaseName);
    const branch = this.newBranch(record, spec.branch?.name ?? "main", undefined, false, true);
    const endpoint = this.newEndpoint(record, branch.id, 0.25, spec.autoscaling_limit_max_cu ?? 0.25, 0);
    const operations = [
      this.operation(record, "create_timeline", branch.id),
      this.operation(record, "start_compute", branch.id, endpoint.id),
    ];
    const uri = this.uri(roleName, password, endpoint, databaseName);
    return [
      201,
      {
        project,
        connection_uris: [
          {
            connection_uri: uri,
            connection_parameters: {
              database: databaseName,
              password,
              role: roleName,
              host: endpoint.host,
              pooler_host: endpoint.host,
            },
          },
        ],
        roles: [
          { branch_id: branch.id, name: roleName, password, protected: false, created_at: now(), updated_at: now() },
        ],
        databases: [
          {
            id: 1,
            branch_id: branch.id,
            name: databaseName,
            owner_name: roleName,
            created_at: now(),
            updated_at: now(),
          },
        ],
        operations: operations.map((op) => this.publicOperation(op)),
        branch,
        endpoints: [endpoint],
      },
    ];
  }

  private listProjects(query: URLSearchParams): [number, unknown] {
    const search = query.get("search");
    const org = query.get("org_id");
    const limit = Number(query.get("limit") ?? 10);
    const cursor = query.get("cursor");
    const all = [...this.projects.values()]
      .map((r) => r.project)
      .filter((p) => (!search || p.name.includes(search) || p.id === search) && (!org || p.org_id === org));
    // Cursor pagination as Neon's: the cursor is the last id of the previous page.
    const from = cursor ? all.findIndex((p) => p.id === cursor) + 1 : 0;
    const projects = all.slice(from, from + limit).map((p) => ({ ...p, active_time: 0 }));
    return [
      200,
      { projects, pagination: { cursor: projects.at(-1)?.id ?? cursor ?? "" }, applications: {}, integrations: {} },
    ];
  }

  private updateProject(id: string, body: ProjectUpdateRequest): [number, unknown] {
    const record = this.record(id);
    this.rejectUnknown("project", body?.project as Record<string, unknown>, [
      "settings",
      "name",
      "default_endpoint_settings",
      "history_retention_seconds",
    ]);
    this.assertUnlocked(record);
    if (body.project.name !== undefined) record.project.name = body.project.name;
    record.project.updated_at = now();
    return [200, { project: record.project, operations: [] }];
  }

  private deleteProject(id: string): [number, unknown] {
    const record = this.record(id);
    this.assertUnlocked(record);
    this.projects.delete(id);
    return [200, { project: record.project }];
  }

  private newBranch(
    record: ProjectRecord,
    name: string,
    parentId: string | undefined,
    isProtected: boolean,
    isDefault: boolean,
  ): Branch {
    const branch: Branch = {
      id: neonId("br-"),
      project_id: record.project.id,
      ...(parentId ? { parent_id: parentId } : {}),
      name,
      current_state: "ready",
      state_changed_at: now(),
      creation_source: "console",
      default: isDefault,
      protected: isProtected,
      cpu_used_sec: 0,
      compute_time_seconds: 0,
      active_time_seconds: 0,
      written_data_bytes: 0,
      data_transfer_bytes: 0,
      created_at: now(),
      updated_at: now(),
      ...(isDefault ? { primary: true } : {}),
    };
    record.branches.set(branch.id, branch);
    return branch;
  }

  private branch(projectId: string, branchId: string): Branch {
    const branch = this.record(projectId).branches.get(branchId);
    if (!branch) throw new HttpError(404, `branch ${branchId} not found`);
    return branch;
  }

  private listBranches(projectId: string, query: URLSearchParams): [number, unknown] {
    const search = query.get("search");
    const branches = [...this.record(projectId).branches.values()].filter(
      (b) => !search || b.name.includes(search) || b.id === search,
    );
    return [200, { branches, annotations: {}, pagination: {} }];
  }

  private createBranch(projectId: string, body: BranchCreateRequest): [number, unknown] {
    const record = this.record(projectId);
    this.rejectUnknown("body", body as Record<string, unknown>, ["endpoints", "branch", "annotation_value"]);
    this.rejectUnknown("branch", (body.branch ?? {}) as Record<string, unknown>, [
      "parent_id",
      "name",
      "parent_lsn",
      "parent_timestamp",
      "protected",
      "archived",
      "init_source",
      "expires_at",
    ]);
    this.assertUnlocked(record);
    const parentId = body.branch?.parent_id ?? [...record.branches.values()].find((b) => b.default)?.id;
    if (parentId && !record.branches.has(parentId)) throw new HttpError(400, `parent branch ${parentId} not found`);
    const name = body.branch?.name ?? neonId("br-");
    if ([...record.branches.values()].some((b) => b.name === name))
      throw new HttpError(409, `branch ${name} already exists`);
    const branch = this.newBranch(record, name, parentId, body.branch?.protected ?? false, false);
    const operations = [this.operation(record, "create_branch", branch.id)];
    const endpoints = (body.endpoints ?? []).map((e) => {
      const endpoint = this.newEndpoint(
        record,
        branch.id,
        e.autoscaling_limit_min_cu ?? 0.25,
        e.autoscaling_limit_max_cu ?? 0.25,
        e.suspend_timeout_seconds ?? 0,
      );
      operations.push(this.operation(record, "start_compute", branch.id, endpoint.id));
      return endpoint;
    });
    return [
      201,
      { branch, endpoints, operations: operations.map((op) => this.publicOperation(op)), roles: [], databases: [] },
    ];
  }

  private updateBranch(projectId: string, branchId: string, body: BranchUpdateRequest): [number, unknown] {
    const record = this.record(projectId);
    const branch = this.branch(projectId, branchId);
    this.rejectUnknown("branch", body?.branch as Record<string, unknown>, ["name", "protected", "expires_at"]);
    this.assertUnlocked(record);
    if (body.branch.name !== undefined) branch.name = body.branch.name;
    if (body.branch.protected !== undefined) branch.protected = body.branch.protected;
    branch.updated_at = now();
    return [200, { branch, operations: [] }];
  }

  private deleteBranch(projectId: string, branchId: string): [number, unknown] {
    const record = this.record(projectId);
    const branch = this.branch(projectId, branchId);
    if (branch.protected) throw new HttpError(422, "cannot delete a protected branch");
    if (branch.default) throw new HttpError(422, "cannot delete the default branch");
    if ([...record.branches.values()].some((b) => b.parent_id === branchId))
      throw new HttpError(422, "branch has children");
    this.assertUnlocked(record);
    const operations = [...record.endpoints.values()]
      .filter((e) => e.branch_id === branchId)
      .map((e) => {
        record.endpoints.delete(e.id);
        return this.operation(record, "suspend_compute", branchId, e.id);
      });
    operations.push(this.operation(record, "delete_timeline", branchId));
    record.branches.delete(branchId);
    return [200, { branch, operations: operations.map((op) => this.publicOperation(op)) }];
  }

  private uri(role: string, password: string, endpoint: Endpoint, database: string): string {
    return `postgresql://${role}:${password}@${this.hostOf(endpoint)}/${database}?sslmode=${this.options.sslmode ?? "require"}`;
  }

  private hostOf(endpoint: Endpoint): string {
    return this.options.connectionHost?.(endpoint) ?? endpoint.host;
  }

  private newEndpoint(record: ProjectRecord, branchId: string, min: number, max: number, suspend: number): Endpoint {
    const id = neonId("ep-");
    const endpoint: Endpoint = {
      host: `${id}.${record.project.proxy_host}`,
      id,
      project_id: record.project.id,
      branch_id: branchId,
      autoscaling_limit_min_cu: min,
      autoscaling_limit_max_cu: max,
      region_id: record.project.region_id,
      type: "read_write" as Endpoint["type"],
      current_state: "idle" as Endpoint["current_state"],
      settings: {},
      pooler_enabled: false,
      pooler_mode: "transaction" as Endpoint["pooler_mode"],
      disabled: false,
      passwordless_access: true,
      creation_source: "console",
      created_at: now(),
      updated_at: now(),
      proxy_host: record.project.proxy_host,
      suspend_timeout_seconds: suspend,
      provisioner: "k8s-neonvm" as Endpoint["provisioner"],
    };
    record.endpoints.set(id, endpoint);
    return endpoint;
  }

  private endpoint(projectId: string, endpointId: string): Endpoint {
    const endpoint = this.record(projectId).endpoints.get(endpointId);
    if (!endpoint) throw new HttpError(404, `endpoint ${endpointId} not found`);
    return endpoint;
  }

  private createEndpoint(projectId: string, body: EndpointCreateRequest): [number, unknown] {
    const record = this.record(projectId);
    this.rejectUnknown("endpoint", body?.endpoint as Record<string, unknown>, [
      "branch_id",
      "region_id",
      "type",
      "settings",
      "autoscaling_limit_min_cu",
      "autoscaling_limit_max_cu",
      "provisioner",
      "pooler_enabled",
      "pooler_mode",
      "disabled",
      "passwordless_access",
      "suspend_timeout_seconds",
      "name",
    ]);
    const spec = body.endpoint;
    if (!spec.branch_id || !spec.type) throw new HttpError(400, "endpoint.branch_id and endpoint.type are required");
    this.branch(projectId, spec.branch_id);
    this.assertUnlocked(record);
    if (
      spec.type === "read_write" &&
      [...record.endpoints.values()].some((e) => e.branch_id === spec.branch_id && e.type === "read_write")
    ) {
      throw new HttpError(422, "read_write endpoint already exists for the branch");
    }
    const endpoint = this.newEndpoint(
      record,
      spec.branch_id,
      spec.autoscaling_limit_min_cu ?? 0.25,
      spec.autoscaling_limit_max_cu ?? 0.25,
      spec.suspend_timeout_seconds ?? 0,
    );
    const operations = [this.operation(record, "start_compute", spec.branch_id, endpoint.id)];
    return [201, { endpoint, operations: operations.map((op) => this.publicOperation(op)) }];
  }

  private updateEndpoint(projectId: string, endpointId: string, body: EndpointUpdateRequest): [number, unknown] {
    const record = this.record(projectId);
    const endpoint = this.endpoint(projectId, endpointId);
    this.rejectUnknown("endpoint", body?.endpoint as Record<string, unknown>, [
      "branch_id",
      "autoscaling_limit_min_cu",
      "autoscaling_limit_max_cu",
      "provisioner",
      "settings",
      "pooler_enabled",
      "pooler_mode",
      "disabled",
      "passwordless_access",
      "suspend_timeout_seconds",
      "name",
    ]);
    this.assertUnlocked(record);
    const spec = body.endpoint;
    if (spec.autoscaling_limit_min_cu !== undefined) endpoint.autoscaling_limit_min_cu = spec.autoscaling_limit_min_cu;
    if (spec.autoscaling_limit_max_cu !== undefined) endpoint.autoscaling_limit_max_cu = spec.autoscaling_limit_max_cu;
    if (spec.suspend_timeout_seconds !== undefined) endpoint.suspend_timeout_seconds = spec.suspend_timeout_seconds;
    endpoint.updated_at = now();
    const operations = [this.operation(record, "apply_config", endpoint.branch_id, endpoint.id)];
    return [200, { endpoint, operations: operations.map((op) => this.publicOperation(op)) }];
  }

  private deleteEndpoint(projectId: string, endpointId: string): [number, unknown] {
    const record = this.record(projectId);
    const endpoint = this.endpoint(projectId, endpointId);
    this.assertUnlocked(record);
    record.endpoints.delete(endpointId);
    const operations = [this.operation(record, "suspend_compute", endpoint.branch_id, endpointId)];
    return [200, { endpoint, operations: operations.map((op) => this.publicOperation(op)) }];
  }

  private connectionUri(projectId: string, query: URLSearchParams): [number, unknown] {
    const record = this.record(projectId);
    const role = query.get("role_name");
    const database = query.get("database_name");
    if (!role || !database) throw new HttpError(400, "role_name and database_name are required");
    const password = record.roles.get(role);
    if (password === undefined) throw new HttpError(404, `role ${role} not found`);
    if (!record.databases.has(database)) throw new HttpError(404, `database ${database} not found`);
    const branchId = query.get("branch_id") ?? [...record.branches.values()].find((b) => b.default)?.id;
    const endpoint =
      (query.get("endpoint_id") && record.endpoints.get(query.get("endpoint_id") as string)) ||
      [...record.endpoints.values()].find((e) => e.branch_id === branchId && e.type === "read_write");
    if (!endpoint) throw new HttpError(404, "no read_write endpoint for the branch");
    return [200, { uri: this.uri(role, password, endpoint, database) }];
  }
}

/** Retry and polling fast enough for tests against the double; same bounds as production, shorter waits. */
export const FAST_NEON_POLICY: NeonCallPolicy = {
  retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 40 },
  pollIntervalMs: 5,
  operationTimeoutMs: 5_000,
  requestTimeoutMs: 5_000,
};
