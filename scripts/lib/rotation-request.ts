/**
 * The config change behind an emergency rotation (`npm run rotate`): pure edits of a stack file's
 * YAML that keep its comments and layout, so the change reads well in review.
 */
import { isMap, isScalar, parseDocument } from "yaml";
import { CATALOGUE, type CatalogueEntry, catalogueEntry } from "../../components/lib/catalogue";
import { parseInstant } from "../../components/lib/clock";
import { NAMESPACE } from "../../components/lib/stack-config";

export interface RotationRequest {
  readonly stack: string;
  readonly key: string;
  readonly reason: string;
  readonly now: Date;
  /** Vendor-issued secrets: when the new value was issued in the vendor's console. */
  readonly rotatedAt?: string;
}

export interface RotationEdit {
  readonly entry: CatalogueEntry;
  readonly text: string;
  readonly summary: string;
}

export function requireEntry(key: string | undefined): CatalogueEntry {
  if (!key) throw new Error("`--secret` is missing: name the catalogue key to rotate, e.g. --secret NEON_DATABASE_URL");
  const entry = catalogueEntry(key);
  if (!entry) {
    throw new Error(
      `\`--secret\` is \`${key}\`, which is not in the catalogue: use one of ${CATALOGUE.map((e) => e.key).join(", ")}`,
    );
  }
  return entry;
}

export function requireReason(reason: string | undefined): string {
  const text = reason?.trim();
  if (!text)
    throw new Error(
      '`--reason` is missing: say why, e.g. --reason "leaked in a CI log": it lands in the rotation evidence',
    );
  return text;
}

/**
 * Generated secret: bump `secrets.<KEY>.generation` and record the reason; the keepers change, so the
 * next `pulumi up` replaces every slot. Vendor-issued: the new value must already be set (its
 * ciphertext differs from `committedText`'s) and `rotatedAt` moves to the date given.
 */
export function editForRotation(text: string, request: RotationRequest, committedText?: string): RotationEdit {
  const entry = requireEntry(request.key);
  const doc = parseDocument(text);
  const secretsPath = ["config", `${NAMESPACE}:secrets`, request.key];
  const setting = doc.getIn(secretsPath);
  if (!isMap(setting)) {
    throw new Error(`Pulumi.${request.stack}.yaml has no \`secrets.${request.key}\`: add its cadence first`);
  }
  const reason = `${request.now.toISOString().slice(0, 10)}: ${requireReason(request.reason)}`;

  if (entry.source === "generated") {
    const current = doc.getIn([...secretsPath, "generation"]);
    const generation = (isScalar(current) ? Number(current.value) : Number(current ?? 0)) + 1;
    doc.setIn([...secretsPath, "generation"], generation);
    doc.setIn([...secretsPath, "generationReason"], reason);
    return {
      entry,
      text: doc.toString(),
      summary: `${request.key}: generation -> ${generation} (every slot is replaced on the next pulumi up)`,
    };
  }

  if (!request.rotatedAt) {
    throw new Error(
      `${request.key} is vendor-issued: rotate it in ${entry.console}, run \`pulumi config set --secret ${request.key} --stack ${request.stack}\` with the new value, then re-run with --rotated-at <ISO date>`,
    );
  }
  const rotatedAt = parseInstant(request.rotatedAt, "--rotated-at");
  if (rotatedAt.getTime() > request.now.getTime()) {
    throw new Error(
      `\`--rotated-at\` is ${request.rotatedAt}, which is in the future: use the date the vendor issued the new value`,
    );
  }
  const valuePath = ["config", `${NAMESPACE}:${request.key}`, "secure"];
  const committed = committedText === undefined ? undefined : parseDocument(committedText).getIn(valuePath);
  if (!doc.getIn(valuePath) || doc.getIn(valuePath) === committed) {
    throw new Error(
      `the value of ${request.key} is unchanged since the last commit: run \`pulumi config set --secret ${request.key} --stack ${request.stack}\` with the new value from ${entry.console} first`,
    );
  }
  doc.setIn([...secretsPath, "rotatedAt"], request.rotatedAt);
  doc.setIn([...secretsPath, "generationReason"], reason);
  return { entry, text: doc.toString(), summary: `${request.key}: new value, rotatedAt -> ${request.rotatedAt}` };
}
