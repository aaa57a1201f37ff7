import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { CATALOGUE, envKeysOf, looksLikeSecretKey, urlCarriesCredentials } from "../../components/lib/catalogue";
import { sampleValue } from "../../components/lib/env-plan";
import { listOf, read, UNKNOWN } from "../lib/preview";
import { TYPE } from "../lib/types";

/**
 * Secrets on Vercel are `sensitive` (write-only: never shown again by the API or dashboard) wherever
 * Vercel allows it, i.e. on `preview`, `production` and custom environments; `development` can't be
 * sensitive, so it only ever gets sample values (DESIGN.md, "Facts that bite").
 *
 * What counts as "a production value on development", decided here:
 * - a catalogue key (`..._PREVIOUS` included) on `development` must hold exactly its `sampleValue(key)` (for `NEON_*_URL` the
 *   sample URL with any database name, since the sample is made per database);
 * - any secret-shaped variable on `development` fails if its value is unknown during preview (it is
 *   another resource's output, e.g. a generated password) or is a URL carrying credentials;
 * - a secret-shaped variable may not target `development` together with any other target: one value
 *   would serve both, and the other targets hold real secrets.
 * Whether a value is a Pulumi secret can't be used: the policy SDK unwraps secrets before a rule sees
 * them, so secretness is invisible here. The value itself is only compared, never reported.
 */
export const secretsRequireSensitive: ResourceValidationPolicy = {
  name: "secrets-require-sensitive",
  description:
    "Vercel variables holding secrets are sensitive on preview and production, and development only ever holds sample values.",
  severity: "high",
  validateResource: (args, reportViolation) => {
    if (args.type === TYPE.vercelEnvVar) checkVariable(args, reportViolation);
  },
};

const DEVELOPMENT = "development";

/** Every variable the catalogue produces, `..._PREVIOUS` of current-and-previous secrets included. */
const CATALOGUE_ENV_KEYS: ReadonlySet<string> = new Set(CATALOGUE.flatMap(envKeysOf));
const isCatalogueKey = (key: string) => CATALOGUE_ENV_KEYS.has(key);

function unverifiable(subject: string, field: string, what: string, fix: string): string {
  return `${subject}: \`${field}\` is unknown during preview, so ${what} can't be verified: ${fix}`;
}

function checkVariable(args: ResourceValidationArgs, report: ReportViolation): void {
  const key = read(args.props, "key");
  if (key === UNKNOWN) {
    report(
      unverifiable(`Vercel variable \`${args.name}\``, "key", "whether it holds a secret", "set the key as a literal"),
    );
    return;
  }
  const name = String(key ?? "");
  const subject = `Vercel variable \`${name}\` (\`${args.name}\`)`;

  const targets = listOf(read(args.props, "targets"));
  const custom = listOf(read(args.props, "customEnvironmentIds"));
  if (targets === UNKNOWN || custom === UNKNOWN) {
    const field = targets === UNKNOWN ? "targets" : "customEnvironmentIds";
    report(unverifiable(subject, field, "where its value goes", "set the targets as literals"));
    return;
  }
  if ((targets ?? []).includes(UNKNOWN)) {
    report(unverifiable(subject, "targets", "where its value goes", "set the targets as literals"));
    return;
  }
  const onDevelopment = (targets ?? []).includes(DEVELOPMENT);
  const elsewhere = [
    ...(targets ?? []).filter((t) => t !== DEVELOPMENT).map(String),
    ...((custom ?? []).length > 0 ? ["custom environments"] : []),
  ];

  // `value` may be write-only (`valueWo`, from an ephemeral resource) instead.
  const valueField = read(args.props, "value") !== undefined ? "value" : "valueWo";
  const value = read(args.props, valueField);
  const reason = isCatalogueKey(name)
    ? "is in the secret catalogue"
    : looksLikeSecretKey(name)
      ? "is named like a secret"
      : typeof value === "string" && urlCarriesCredentials(value)
        ? "holds a URL carrying credentials"
        : undefined;

  if (elsewhere.length > 0) checkSensitive(args, subject, name, reason, value, valueField, elsewhere, report);
  if (!onDevelopment) return;
  if (elsewhere.length === 0) checkDevelopmentValue(subject, name, reason, value, valueField, report);
  else if (reason !== undefined) {
    report(
      `${subject} ${reason} and shares one value between development and ${elsewhere.join(", ")}, so a real secret would reach development: declare one variable per target`,
    );
  }
}

function checkSensitive(
  args: ResourceValidationArgs,
  subject: string,
  name: string,
  reason: string | undefined,
  value: unknown,
  valueField: string,
  elsewhere: readonly string[],
  report: ReportViolation,
): void {
  const sensitive = read(args.props, "sensitive");
  if (sensitive === UNKNOWN) {
    report(unverifiable(subject, "sensitive", "whether its value is write-only", "set `sensitive: true` as a literal"));
    return;
  }
  if (sensitive === true) return;
  if (reason !== undefined) {
    report(
      `${subject} ${reason} and targets ${elsewhere.join(", ")}, but is not sensitive: set \`sensitive: true\` so Vercel never shows its value again`,
    );
  } else if (value === UNKNOWN) {
    // Not named like a secret, but an output of another resource might be one (a URL with a password).
    report(
      unverifiable(
        subject,
        valueField,
        "whether it carries credentials",
        `set \`sensitive: true\`, or give \`${name}\` a literal value`,
      ),
    );
  }
}

function checkDevelopmentValue(
  subject: string,
  name: string,
  reason: string | undefined,
  value: unknown,
  valueField: string,
  report: ReportViolation,
): void {
  const fix = isCatalogueKey(name) ? `use \`sampleValue("${name}")\`` : "use a sample value";
  if (value === UNKNOWN && reason === undefined) {
    report(
      unverifiable(
        subject,
        valueField,
        "whether it carries credentials",
        "development gets sample values only: give it a literal value",
      ),
    );
  } else if (value === UNKNOWN) {
    report(
      `${subject} targets development and its \`${valueField}\` is unknown during preview, i.e. another resource's output, likely a real secret: development gets sample values only; ${fix}`,
    );
  } else if (isCatalogueKey(name)) {
    if (!isSampleOf(name, value)) {
      report(
        `${subject} targets development with a value that is not its sample: development gets sample values only; ${fix}`,
      );
    }
  } else if (reason !== undefined && typeof value === "string" && urlCarriesCredentials(value)) {
    report(
      `${subject} targets development with a URL carrying credentials: development gets sample values only; ${fix}`,
    );
  }
}

/** `sampleValue(key)`; for database URLs, the sample for whichever database the URL names. */
function isSampleOf(key: string, value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (value === sampleValue(key)) return true;
  const database = /\/([a-z_][a-z0-9_]*)$/.exec(value)?.[1];
  return database !== undefined && value === sampleValue(key, database);
}
