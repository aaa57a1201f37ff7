import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { type CatalogueEntry, catalogueEntry } from "../../components/lib/catalogue";
import { clockFromEnv } from "../../components/lib/clock";
import { parseRotationComment } from "../../components/lib/env-plan";
import { KIND } from "../../components/lib/resource-kinds";
import { addDays, daysOverdue, rotationWindow } from "../../components/lib/rotation";
import { days, keysOf, listOf, read, UNKNOWN } from "../lib/preview";
import { kindOf, RANDOM_PREFIX, TYPE } from "../lib/types";

/**
 * Every catalogue secret rotates on time (DESIGN.md, "Rotation by keeper"). Generated secrets are
 * `random` resources whose keepers (`keepersFor` in components/lib/rotation.ts) name the catalogue key,
 * cadence, anchor and window: the window must be the current one (two-slot secrets: at most one
 * behind, since a slot stays valid for one window after its turn). Vendor-issued secrets carry a
 * `rotationComment` (components/lib/env-plan.ts) on their Vercel variable or `.env.local` line, whose
 * `rotatedAt` plus cadence must not lie in the past. "Now" is `PORTAL_CLOCK` or the system clock.
 * Messages name the key, the resource and the days overdue, never a value.
 */
export const rotationEnforceCadence: ResourceValidationPolicy = {
  name: "rotation-enforce-cadence",
  description:
    "Every catalogue secret rotates within the catalogue's maximum cadence: generated secrets are in their current window and vendor-issued secrets were rotated within their cadence.",
  severity: "high",
  validateResource: (args, reportViolation) => {
    const now = clockFromEnv().now();
    if (args.type.startsWith(RANDOM_PREFIX)) checkGenerated(args, now, reportViolation);
    else if (args.type === TYPE.vercelEnvVar) checkVercelVariable(args, now, reportViolation);
    else if (kindOf(args.type, args.props) === KIND.envFile) checkEnvFile(args, now, reportViolation);
  },
};

function overdue(d: number): string {
  return d === 0 ? "rotation is due now" : `rotation is ${days(d)} overdue`;
}

function cadenceTooLong(subject: string, entry: CatalogueEntry, cadence: number): string {
  return `${subject} rotates every ${days(cadence)}; the catalogue allows at most ${days(entry.maxCadenceDays)}: set \`secrets.${entry.key}.cadenceDays\` to ${entry.maxCadenceDays} or less`;
}

// ---------------------------------------------------------------------------------------- generated

function checkGenerated(args: ResourceValidationArgs, now: Date, report: ReportViolation): void {
  const secret = read(args.props, "keepers", "secret");
  if (secret === undefined) return; // not a catalogue secret (a name suffix, a test fixture's seed, ...)
  if (secret === UNKNOWN) {
    report(
      `\`${args.name}\`: keeper \`secret\` is unknown during preview, so the secret can't be matched to the catalogue: keepers must be plain values (keepersFor)`,
    );
    return;
  }
  const entry = catalogueEntry(String(secret));
  if (!entry) {
    report(
      `\`${args.name}\` has keeper \`secret\` \`${String(secret)}\`, which is not in the secret catalogue: fix the spelling, or add it to components/lib/catalogue.ts first`,
    );
    return;
  }
  if (entry.source === "vendor") {
    report(
      `\`${args.name}\` generates \`${entry.key}\`, which is vendor-issued: rotate it in ${entry.console} and record \`secrets.${entry.key}.rotatedAt\` instead`,
    );
    return;
  }

  const keepers = ["cadenceDays", "anchor", "window", "slot"] as const;
  const raw = Object.fromEntries(keepers.map((k) => [k, read(args.props, "keepers", k)])) as Record<
    (typeof keepers)[number],
    unknown
  >;
  const unknown = keepers.filter((k) => raw[k] === UNKNOWN);
  const slot = raw.slot === undefined || raw.slot === UNKNOWN ? undefined : String(raw.slot);
  const subject = `\`${entry.key}\`${slot ? ` slot ${slot}` : ""} (\`${args.name}\`)`;
  for (const k of unknown) {
    report(
      `${subject}: keeper \`${k}\` is unknown during preview, so its rotation can't be verified: keepers must be plain values known at preview (keepersFor)`,
    );
  }
  if (unknown.length > 0) return;

  const cadence = Number(raw.cadenceDays);
  const anchor = typeof raw.anchor === "string" ? new Date(raw.anchor) : undefined;
  const window = Number(raw.window);
  const problems: string[] = [];
  if (raw.cadenceDays === undefined || !(cadence > 0) || !Number.isFinite(cadence)) problems.push("cadenceDays");
  if (!anchor || Number.isNaN(anchor.getTime())) problems.push("anchor");
  if (raw.window === undefined || !Number.isInteger(window)) problems.push("window");
  if (slot !== undefined && slot !== "a" && slot !== "b") problems.push("slot");
  for (const k of problems) {
    report(`${subject} has no valid keeper \`${k}\`: build the keepers with keepersFor() (components/lib/rotation.ts)`);
  }
  if (problems.length > 0 || !anchor) return;

  if (cadence > entry.maxCadenceDays) report(cadenceTooLong(subject, entry, cadence));
  if (anchor.getTime() > now.getTime()) {
    report(
      `${subject} has keeper \`anchor\` ${anchor.toISOString()}, after now (${now.toISOString()}): windows count from a past instant; check \`secrets.${entry.key}.anchor\` and PORTAL_CLOCK`,
    );
    return;
  }

  const current = rotationWindow(anchor, cadence, now).index;
  if (window > current) {
    report(
      `${subject} is in window ${window}, ahead of the current window ${current} at ${now.toISOString()}: check \`secrets.${entry.key}.anchor\` and PORTAL_CLOCK`,
    );
    return;
  }
  // A single value expires when its window ends; a slot of a two-slot secret one window later, because
  // consumers still holding it are served by the other slot until then.
  const validWindows = slot === undefined ? 1 : 2;
  if (window > current - validWindows) return;
  const late = daysOverdue(addDays(anchor, (window + validWindows) * cadence), now);
  report(
    slot === undefined
      ? `${subject} is still in window ${window}, but the current window is ${current}: ${overdue(late)}; run \`pulumi up\` to replace it`
      : `${subject} last turned in window ${window}, but the current window is ${current} and a slot stays valid for one window after its turn: ${overdue(late)}; run \`pulumi up\` to replace it`,
  );
}

// ---------------------------------------------------------------------------------------- vendor-issued

function checkVercelVariable(args: ResourceValidationArgs, now: Date, report: ReportViolation): void {
  const key = read(args.props, "key");
  if (key === UNKNOWN) {
    report(
      `Vercel variable \`${args.name}\`: \`key\` is unknown during preview, so it can't be matched to the secret catalogue: set the key as a literal`,
    );
    return;
  }
  const entry = catalogueEntry(String(key));
  if (entry?.source !== "vendor") return;
  const subject = `\`${entry.key}\` (\`${args.name}\`)`;

  const targets = listOf(read(args.props, "targets"));
  const custom = listOf(read(args.props, "customEnvironmentIds"));
  if (targets === UNKNOWN || custom === UNKNOWN) {
    report(
      `${subject}: \`${targets === UNKNOWN ? "targets" : "customEnvironmentIds"}\` is unknown during preview, so whether it holds a real secret can't be verified: set the targets as literals`,
    );
    return;
  }
  // `development` only ever holds a sample value (secrets-require-sensitive), which has nothing to rotate.
  const developmentOnly = (custom ?? []).length === 0 && (targets ?? []).every((t) => t === "development");
  if (developmentOnly && (targets ?? []).length > 0) return;

  checkVendorComment(entry, subject, "comment", read(args.props, "comment"), now, report);
}

function checkEnvFile(args: ResourceValidationArgs, now: Date, report: ReportViolation): void {
  const comments = read(args.props, "comments");
  if (comments === UNKNOWN) {
    report(
      `\`${args.name}\` (${KIND.envFile}): \`comments\` is unknown during preview, so rotation dates can't be verified: pass rotationComment() strings, plain values known at preview`,
    );
    return;
  }
  // Keys of `entries` are not secret (only values are), so a vendor key written without a comment is caught.
  const keys = new Set([...keysOf(read(args.props, "entries")), ...keysOf(comments)]);
  for (const key of [...keys].sort()) {
    const entry = catalogueEntry(key);
    if (entry?.source !== "vendor") continue;
    checkVendorComment(entry, `\`${key}\` (\`${args.name}\`)`, `comments.${key}`, read(comments, key), now, report);
  }
}

function checkVendorComment(
  entry: CatalogueEntry,
  subject: string,
  field: string,
  comment: unknown,
  now: Date,
  report: ReportViolation,
): void {
  if (comment === UNKNOWN) {
    report(
      `${subject}: \`${field}\` is unknown during preview, so when it was last rotated can't be verified: set it from rotationComment(), a plain value known at preview`,
    );
    return;
  }
  const parsed = parseRotationComment(typeof comment === "string" ? comment : undefined);
  if (!parsed) {
    report(
      `${subject} carries no rotation comment in \`${field}\`, so when it was last rotated can't be checked: set it to rotationComment() of \`secrets.${entry.key}\``,
    );
    return;
  }
  const { rotatedAt, cadenceDays } = parsed;
  if (!rotatedAt || Number.isNaN(rotatedAt.getTime())) {
    report(
      `${subject} has a rotation comment without a valid \`rotatedAt\`: set \`secrets.${entry.key}.rotatedAt\` to the date of its last rotation in ${entry.console}`,
    );
    return;
  }
  if (cadenceDays === undefined || !(cadenceDays > 0)) {
    report(
      `${subject} has a rotation comment without a valid \`cadence\`: set \`secrets.${entry.key}.cadenceDays\` (at most ${entry.maxCadenceDays})`,
    );
    return;
  }
  if (cadenceDays > entry.maxCadenceDays) report(cadenceTooLong(subject, entry, cadenceDays));
  if (rotatedAt.getTime() > now.getTime()) {
    report(
      `${subject} claims it was rotated ${rotatedAt.toISOString()}, after now (${now.toISOString()}): set \`secrets.${entry.key}.rotatedAt\` to the real date of its last rotation`,
    );
    return;
  }
  // A cadence beyond the catalogue's maximum is reported above and does not buy extra time here.
  const cadence = Math.min(cadenceDays, entry.maxCadenceDays);
  const due = addDays(rotatedAt, cadence);
  if (due.getTime() >= now.getTime()) return;
  report(
    `${subject} was last rotated ${rotatedAt.toISOString().slice(0, 10)} on a ${cadence}-day cadence, so it was due ${due.toISOString().slice(0, 10)}: ${overdue(daysOverdue(due, now))}; rotate it in ${entry.console}, then set \`secrets.${entry.key}.rotatedAt\``,
  );
}
