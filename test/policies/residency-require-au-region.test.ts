import { describe, expect, it } from "vitest";
import { KIND } from "../../components/lib/resource-kinds";
import { TYPE } from "../../policies/lib/types";
import { residencyRequireAuRegion as rule } from "../../policies/rules/residency-require-au-region";
import {
  dynamic,
  envFile,
  envVar,
  neonProject,
  postgresRole,
  randomPassword,
  vendorComment,
  vercelProject,
} from "./fixtures";
import { type Res, U, validateResource } from "./harness";

async function violations(res: Res): Promise<string[]> {
  return (await validateResource(rule, res)).violations;
}

const USE_SYD1 = 'use `resourceConfig.functionDefaultRegions: ["syd1"]`';
const unverifiable = (subject: string, field: string) =>
  `${subject}: \`${field}\` is unknown during preview, so its region can't be verified: set it to a literal Australian value, not another resource's output`;

describe("residency-require-au-region: compliant baselines", () => {
  it.each<[string, Res]>([
    ["Vercel project in syd1 without failover", vercelProject()],
    ["Neon project (dynamic) in aws-ap-southeast-2", neonProject()],
    [
      "Neon project (bridged provider)",
      { type: TYPE.neonProject, name: "neon", props: { name: "mm-portal", regionId: "aws-ap-southeast-2" } },
    ],
    ["Vercel variable (project id unknown during preview)", envVar("CLERK_SECRET_KEY", "production")],
    ["RandomPassword", randomPassword("NEON_MIGRATIONS_URL")],
    ["Postgres role", postgresRole("portal_app_a")],
    ["local env file", envFile({ CLERK_SECRET_KEY: vendorComment("CLERK_SECRET_KEY", "2026-11-01") })],
    ["AWS provider in Sydney", { type: "pulumi:providers:aws", name: "au", props: { region: "ap-southeast-2" } }],
    [
      "Azure resource in Australia East",
      { type: "azure-native:resources:ResourceGroup", name: "rg", props: { location: "australiaeast" } },
    ],
    [
      "Neon branch (dynamic) naming the AU region",
      dynamic(KIND.neonBranch, "staging", { regionId: "aws-ap-southeast-2" }),
    ],
  ])("%s: no violations", async (_, res) => {
    expect(await violations(res)).toEqual([]);
  });
});

describe("residency-require-au-region: Vercel projects", () => {
  const subject = "Vercel project `mm-portal`";

  it("reports a function region abroad", async () => {
    expect(await violations(vercelProject({ resourceConfig: { functionDefaultRegions: ["iad1"] } }))).toEqual([
      `${subject} has \`resourceConfig.functionDefaultRegions\` including \`iad1\`; functions must run in Sydney: ${USE_SYD1}`,
    ]);
  });

  it("reports each region abroad next to syd1, once (not again as a generic region input)", async () => {
    expect(
      await violations(vercelProject({ resourceConfig: { functionDefaultRegions: ["syd1", "sfo1", "fra1"] } })),
    ).toEqual([
      `${subject} has \`resourceConfig.functionDefaultRegions\` including \`sfo1\`; functions must run in Sydney: ${USE_SYD1}`,
      `${subject} has \`resourceConfig.functionDefaultRegions\` including \`fra1\`; functions must run in Sydney: ${USE_SYD1}`,
    ]);
  });

  const missing = `${subject} sets no \`resourceConfig.functionDefaultRegions\`, so its functions run in Vercel's default region (iad1, Washington): ${USE_SYD1}`;
  it("reports missing function regions (Vercel's default is abroad)", async () => {
    const project = vercelProject();
    delete project.props.resourceConfig;
    expect(await violations(project)).toEqual([missing]);
  });

  it("reports an empty function region list", async () => {
    expect(await violations(vercelProject({ resourceConfig: { functionDefaultRegions: [] } }))).toEqual([missing]);
  });

  it("reports function regions unknown during preview", async () => {
    expect(await violations(vercelProject({ resourceConfig: { functionDefaultRegions: U.array } }))).toEqual([
      unverifiable(subject, "resourceConfig.functionDefaultRegions"),
    ]);
  });

  it("reports a resourceConfig unknown during preview", async () => {
    expect(await violations(vercelProject({ resourceConfig: U.object }))).toEqual([
      unverifiable(subject, "resourceConfig.functionDefaultRegions"),
    ]);
  });

  it("reports one function region unknown during preview", async () => {
    expect(await violations(vercelProject({ resourceConfig: { functionDefaultRegions: ["syd1", U.string] } }))).toEqual(
      [unverifiable(subject, "resourceConfig.functionDefaultRegions[1]")],
    );
  });

  it("reports the deprecated serverlessFunctionRegion abroad", async () => {
    expect(await violations(vercelProject({ serverlessFunctionRegion: "iad1" }))).toEqual([
      `${subject} has \`serverlessFunctionRegion\` \`iad1\`; functions must run in Sydney: remove the deprecated field and ${USE_SYD1}`,
    ]);
  });

  it("accepts the deprecated serverlessFunctionRegion in syd1", async () => {
    expect(await violations(vercelProject({ serverlessFunctionRegion: "syd1" }))).toEqual([]);
  });

  it("reports serverlessFunctionRegion unknown during preview", async () => {
    expect(await violations(vercelProject({ serverlessFunctionRegion: U.string }))).toEqual([
      unverifiable(subject, "serverlessFunctionRegion"),
    ]);
  });

  it("reports failover switched on", async () => {
    expect(await violations(vercelProject({ functionFailover: true }))).toEqual([
      `${subject} has \`functionFailover\` true, so functions may fail over to a region abroad: set \`functionFailover: false\``,
    ]);
  });

  it("reports failover left to Vercel's default", async () => {
    const project = vercelProject();
    delete project.props.functionFailover;
    expect(await violations(project)).toEqual([
      `${subject} does not set \`functionFailover\`, and Vercel's default may fail functions over to a region abroad: set \`functionFailover: false\``,
    ]);
  });

  it("reports failover unknown during preview", async () => {
    expect(await violations(vercelProject({ functionFailover: U.boolean }))).toEqual([
      unverifiable(subject, "functionFailover"),
    ]);
  });
});

describe("residency-require-au-region: Neon projects", () => {
  const subject = "Neon project `neon-project`";

  it("reports a region abroad", async () => {
    expect(await violations(neonProject({ regionId: "aws-us-east-2" }))).toEqual([
      `${subject} has \`regionId\` \`aws-us-east-2\`; data must stay in Australia: use \`aws-ap-southeast-2\``,
    ]);
  });

  it("accepts only Neon's Sydney region, even where another Australian region exists elsewhere", async () => {
    expect(await violations(neonProject({ regionId: "aws-ap-southeast-4" }))).toEqual([
      `${subject} has \`regionId\` \`aws-ap-southeast-4\`; data must stay in Australia: use \`aws-ap-southeast-2\``,
    ]);
  });

  it("reports a missing region (Neon's default is abroad)", async () => {
    const project = neonProject();
    delete project.props.regionId;
    expect(await violations(project)).toEqual([
      `${subject} sets no \`regionId\`, so Neon would choose a region abroad: set \`regionId: "aws-ap-southeast-2"\``,
    ]);
  });

  it("reports a region unknown during preview", async () => {
    expect(await violations(neonProject({ regionId: U.string }))).toEqual([unverifiable(subject, "regionId")]);
  });

  it("checks the bridged Neon provider's projects the same way", async () => {
    const res: Res = {
      type: TYPE.neonProject,
      name: "neon",
      props: { name: "mm-portal", regionId: "aws-eu-central-1" },
    };
    expect(await violations(res)).toEqual([
      "Neon project `neon` has `regionId` `aws-eu-central-1`; data must stay in Australia: use `aws-ap-southeast-2`",
    ]);
  });
});

describe("residency-require-au-region: any other region or location input", () => {
  const outside = (subject: string, field: string, value: string) =>
    `${subject} has \`${field}\` \`${value}\`, which is outside Australia: use an Australian region (e.g. \`ap-southeast-2\`, \`syd1\`, \`aws-ap-southeast-2\`)`;

  it("reports a provider's region abroad", async () => {
    const res: Res = { type: "pulumi:providers:aws", name: "us", props: { region: "us-east-1" } };
    expect(await violations(res)).toEqual([outside("`us` (pulumi:providers:aws)", "region", "us-east-1")]);
  });

  it("names a dynamic resource by its kind", async () => {
    const res = dynamic(KIND.neonBranch, "staging", { regionId: "aws-eu-central-1" });
    expect(await violations(res)).toEqual([
      outside(`\`staging\` (${KIND.neonBranch})`, "regionId", "aws-eu-central-1"),
    ]);
  });

  it("finds nested locations", async () => {
    const res: Res = { type: "example:index:Thing", name: "thing", props: { settings: { location: "westeurope" } } };
    expect(await violations(res)).toEqual([
      outside("`thing` (example:index:Thing)", "settings.location", "westeurope"),
    ]);
  });

  it("checks every member of a region list", async () => {
    const res: Res = { type: "example:index:Thing", name: "thing", props: { regions: ["syd1", "iad1"] } };
    expect(await violations(res)).toEqual([outside("`thing` (example:index:Thing)", "regions[1]", "iad1")]);
  });

  it("checks region-named keys of any casing and suffix", async () => {
    const res: Res = {
      type: "example:index:Thing",
      name: "thing",
      props: {
        primaryRegion: "eu-west-1",
        backupLocations: ["australiasoutheast", "japaneast"],
        regionName: "ap-southeast-2",
      },
    };
    expect(await violations(res)).toEqual([
      outside("`thing` (example:index:Thing)", "primaryRegion", "eu-west-1"),
      outside("`thing` (example:index:Thing)", "backupLocations[1]", "japaneast"),
    ]);
  });

  it("reports a region unknown during preview", async () => {
    const res: Res = { type: "pulumi:providers:aws", name: "aws", props: { region: U.string } };
    expect(await violations(res)).toEqual([unverifiable("`aws` (pulumi:providers:aws)", "region")]);
  });

  it("ignores unknown values under keys that name no region", async () => {
    const res: Res = {
      type: "example:index:Thing",
      name: "thing",
      props: { endpoint: U.string, nested: U.object, region: "syd1" },
    };
    expect(await violations(res)).toEqual([]);
  });
});
