import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { AU_NEON_REGION, AU_VERCEL_REGION, isAustralianRegion } from "../../components/lib/residency";
import { KIND } from "../../components/lib/resource-kinds";
import { fieldPath, keysOf, listOf, read, UNKNOWN } from "../lib/preview";
import { kindOf, TYPE } from "../lib/types";

type Path = (string | number)[];

/**
 * Data and functions stay in Australia (DESIGN.md, "Residency"). Neon and Vercel get exact checks,
 * because each has one Australian region and a default abroad; every other input whose key names a
 * region or location must be Australian by `isAustralianRegion`.
 */
export const residencyRequireAuRegion: ResourceValidationPolicy = {
  name: "residency-require-au-region",
  description:
    "Neon projects live in aws-ap-southeast-2, Vercel functions run only in syd1 without failover, and every other region or location is Australian.",
  severity: "critical",
  validateResource: (args, reportViolation) => {
    const handled = new Set<string>();
    if (args.type === TYPE.vercelProject) {
      checkVercelProject(args, reportViolation);
      handled.add("resourceConfig.functionDefaultRegions").add("serverlessFunctionRegion");
    } else if (args.type === TYPE.neonProject || kindOf(args.type, args.props) === KIND.neonProject) {
      checkNeonProject(args, reportViolation);
      handled.add("regionId");
    }
    checkRegionInputs(args, handled, reportViolation);
  },
};

function unverifiable(subject: string, path: Path): string {
  return `${subject}: \`${fieldPath(path)}\` is unknown during preview, so its region can't be verified: set it to a literal Australian value, not another resource's output`;
}

function checkVercelProject(args: ResourceValidationArgs, report: ReportViolation): void {
  const subject = `Vercel project \`${args.name}\``;
  const use = `use \`resourceConfig.functionDefaultRegions: ["${AU_VERCEL_REGION}"]\``;

  const regionsPath: Path = ["resourceConfig", "functionDefaultRegions"];
  const regions = listOf(read(args.props, ...regionsPath));
  if (regions === UNKNOWN) {
    report(unverifiable(subject, regionsPath));
  } else if (regions === undefined || regions.length === 0) {
    report(
      `${subject} sets no \`resourceConfig.functionDefaultRegions\`, so its functions run in Vercel's default region (iad1, Washington): ${use}`,
    );
  } else {
    regions.forEach((region, i) => {
      if (region === UNKNOWN) report(unverifiable(subject, [...regionsPath, i]));
      else if (region !== AU_VERCEL_REGION) {
        report(
          `${subject} has \`resourceConfig.functionDefaultRegions\` including \`${String(region)}\`; functions must run in Sydney: ${use}`,
        );
      }
    });
  }

  // Deprecated, and Vercel refuses it next to resourceConfig; still checked if set, since it wins on old projects.
  const legacy = read(args.props, "serverlessFunctionRegion");
  if (legacy === UNKNOWN) report(unverifiable(subject, ["serverlessFunctionRegion"]));
  else if (legacy !== undefined && legacy !== AU_VERCEL_REGION) {
    report(
      `${subject} has \`serverlessFunctionRegion\` \`${String(legacy)}\`; functions must run in Sydney: remove the deprecated field and ${use}`,
    );
  }

  const failover = read(args.props, "functionFailover");
  if (failover === UNKNOWN) report(unverifiable(subject, ["functionFailover"]));
  else if (failover === undefined) {
    report(
      `${subject} does not set \`functionFailover\`, and Vercel's default may fail functions over to a region abroad: set \`functionFailover: false\``,
    );
  } else if (failover !== false) {
    report(
      `${subject} has \`functionFailover\` ${String(failover)}, so functions may fail over to a region abroad: set \`functionFailover: false\``,
    );
  }
}

function checkNeonProject(args: ResourceValidationArgs, report: ReportViolation): void {
  const subject = `Neon project \`${args.name}\``;
  const region = read(args.props, "regionId");
  if (region === UNKNOWN) report(unverifiable(subject, ["regionId"]));
  else if (region === undefined) {
    report(
      `${subject} sets no \`regionId\`, so Neon would choose a region abroad: set \`regionId: "${AU_NEON_REGION}"\``,
    );
  } else if (region !== AU_NEON_REGION) {
    report(`${subject} has \`regionId\` \`${String(region)}\`; data must stay in Australia: use \`${AU_NEON_REGION}\``);
  }
}

/** region, regions, regionId, location, locations, functionDefaultRegions, primaryRegion, ... */
const REGION_KEY = /(region|location)(s|id|ids|name|names)?$/i;

/** Dynamic resources carry their provider as a serialized closure: code, not an input. */
const SKIPPED_KEYS = new Set(["__provider"]);

function checkRegionInputs(args: ResourceValidationArgs, handled: ReadonlySet<string>, report: ReportViolation): void {
  const kind = kindOf(args.type, args.props);
  const subject = `\`${args.name}\` (${typeof kind === "string" ? kind : args.type})`;
  const visitLeaf = (path: Path, value: unknown) => {
    if (value === UNKNOWN) report(unverifiable(subject, path));
    else if (typeof value === "string" && !isAustralianRegion(value)) {
      report(
        `${subject} has \`${fieldPath(path)}\` \`${value}\`, which is outside Australia: use an Australian region (e.g. \`ap-southeast-2\`, \`syd1\`, \`${AU_NEON_REGION}\`)`,
      );
    }
  };
  const walk = (value: unknown, path: Path, underRegionKey: boolean) => {
    for (const key of keysOf(value)) {
      if (path.length === 0 && SKIPPED_KEYS.has(key)) continue;
      const segment: string | number = Array.isArray(value) ? Number(key) : key;
      const childPath = [...path, segment];
      if (handled.has(fieldPath(childPath))) continue;
      const child = read(value, key);
      const regional = underRegionKey || (typeof segment === "string" && REGION_KEY.test(segment));
      if (child !== null && typeof child === "object") walk(child, childPath, regional);
      else if (regional) visitLeaf(childPath, child);
    }
  };
  walk(args.props, [], false);
}
