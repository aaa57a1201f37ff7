/**
 * Rotation evidence for auditors, derived from a stack's state and outputs: per secret, its source,
 * cadence, last rotation, window, next due date, days overdue, the consumers that were updated and the
 * reason of any manual rotation. Pure; never reads or prints a value (secret state stays encrypted).
 */
import { catalogueEntry } from "../../components/lib/catalogue";
import type { ScheduleRow } from "../../components/lib/env-plan";
import { daysOverdue } from "../../components/lib/rotation";

/** One resource of `pulumi stack export` (deployment v3), as far as the report reads it. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly created?: string;
  readonly modified?: string;
}

export interface ConsumerEvidence {
  readonly consumer: string;
  /** When the consumer's resource was last written; undefined when it is not in the state. */
  readonly modified?: string;
  /** Written at or after the secret's last rotation. */
  readonly updated: boolean;
}

export interface EvidenceRow {
  readonly key: string;
  readonly source: string;
  readonly strategy: string;
  readonly cadenceDays: number;
  readonly lastRotated?: string;
  readonly window?: number;
  readonly generation?: number;
  readonly nextDue: string;
  readonly daysOverdue: number;
  readonly reason?: string;
  readonly consumers: readonly ConsumerEvidence[];
}

export interface Evidence {
  readonly stack: string;
  readonly generatedAt: string;
  readonly rows: readonly EvidenceRow[];
}

export function buildEvidence(
  stack: string,
  schedule: readonly ScheduleRow[],
  state: readonly StateResource[],
  now: Date,
): Evidence {
  const rows = schedule.map((row): EvidenceRow => {
    const lastRotated = row.source === "generated" ? generatedRotation(row, state) : row.rotatedAt;
    return {
      key: row.key,
      source: row.source,
      strategy: row.strategy,
      cadenceDays: row.cadenceDays,
      lastRotated,
      window: row.window,
      generation: row.generation,
      nextDue: row.nextDue,
      daysOverdue: daysOverdue(new Date(row.nextDue), now),
      reason: row.generationReason,
      consumers: row.consumers.map((consumer) => consumerEvidence(consumer, state, lastRotated)),
    };
  });
  return { stack, generatedAt: now.toISOString(), rows };
}

/** The creation time of the random resource behind the slot turned most recently. */
function generatedRotation(row: ScheduleRow, state: readonly StateResource[]): string | undefined {
  const slots = state.filter(
    (r) => r.type === "random:index/randomPassword:RandomPassword" && keepers(r)?.secret === row.key,
  );
  const latest = slots.sort((a, b) => Number(keepers(b)?.window) - Number(keepers(a)?.window))[0];
  return latest?.created;
}

function keepers(resource: StateResource): Record<string, string> | undefined {
  return (resource.inputs?.keepers ?? undefined) as Record<string, string> | undefined;
}

function consumerEvidence(consumer: string, state: readonly StateResource[], rotatedAt?: string): ConsumerEvidence {
  const resource = state.find((r) => consumerMatches(consumer, r));
  const modified = resource?.modified ?? resource?.created;
  return { consumer, modified, updated: Boolean(modified && rotatedAt && modified >= rotatedAt) };
}

/** `vercel:<project>/<target>/<KEY>`, `postgres:role/<name>`, `local:.env.local/<KEY>`, `1password:<title>`. */
function consumerMatches(consumer: string, resource: StateResource): boolean {
  const inputs = resource.inputs ?? {};
  const [kind, rest = ""] = consumer.split(/:(.*)/s);
  switch (kind) {
    case "vercel": {
      const [, target, key] = rest.split("/");
      return (
        resource.type === "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable" &&
        inputs.key === key &&
        Array.isArray(inputs.targets) &&
        inputs.targets.includes(target)
      );
    }
    case "postgres":
      return inputs.resourceKind === "portal:postgres:Role" && `role/${inputs.name}` === rest;
    case "local":
      return inputs.resourceKind === "portal:local:EnvFile";
    case "1password":
      return resource.type === "onepassword:index/item:Item" && inputs.title === rest;
    default:
      return false;
  }
}

const COLUMNS = [
  "key",
  "source",
  "cadence",
  "last rotated",
  "window",
  "next due",
  "overdue",
  "consumers updated",
  "reason",
];

function cells(row: EvidenceRow): string[] {
  const updated = row.consumers.filter((c) => c.updated).length;
  return [
    row.key,
    row.source,
    `${row.cadenceDays}d`,
    row.lastRotated?.slice(0, 19).replace("T", " ") ?? "unknown",
    row.window === undefined ? "-" : `${row.window} (g${row.generation ?? 0})`,
    row.nextDue.slice(0, 10),
    row.daysOverdue > 0 ? `${row.daysOverdue} days` : "no",
    `${updated}/${row.consumers.length}`,
    row.reason ?? "",
  ];
}

export function renderTable(evidence: Evidence): string {
  const rows = [COLUMNS, ...evidence.rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(rows[0]), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)].join("\n");
}

export function renderMarkdown(evidence: Evidence): string {
  const escapePipes = (s: string) => s.replace(/\|/g, "\\|");
  const out = [
    `# Rotation evidence: stack \`${evidence.stack}\``,
    "",
    `Generated ${evidence.generatedAt} from the stack's state and outputs by \`npm run rotation:report\`. No secret values.`,
    "",
    `| ${COLUMNS.join(" | ")} |`,
    `|${COLUMNS.map(() => "---").join("|")}|`,
    ...evidence.rows.map((row) => `| ${cells(row).map(escapePipes).join(" | ")} |`),
    "",
    "## Consumers",
    "",
  ];
  for (const row of evidence.rows) {
    const console = catalogueEntry(row.key)?.console;
    out.push(`### ${row.key}${console ? ` (rotated in ${console})` : ""}`, "");
    for (const c of row.consumers) {
      out.push(
        `- ${c.updated ? "updated" : "NOT updated since the rotation"}: \`${c.consumer}\` (${c.modified ?? "not in state"})`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}
