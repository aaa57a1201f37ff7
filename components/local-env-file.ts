import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { KIND } from "./lib/resource-kinds";

/** Arguments of {@link LocalEnvFile}. */
export interface LocalEnvFileArgs {
  /**
   * Where to write, relative to the program's working directory (the project root); stored absolute
   * because the provider process may run elsewhere.
   * @default ".env.local"
   */
  readonly path?: string;
  /** Variables to write; values are secrets and are kept encrypted in state. */
  readonly entries: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Rotation metadata per key (`rotationComment`), written as a comment above each line. */
  readonly comments: Readonly<Record<string, string>>;
}

interface EnvFileInputs {
  resourceKind: string;
  path: string;
  entries: Record<string, string>;
  comments: Record<string, string>;
}

/** Renders a dotenv file: a comment line of rotation metadata above each `KEY="value"` line. */
export function renderEnvFile(entries: Record<string, string>, comments: Record<string, string>): string {
  const lines = ["# Written by portal-infra (`pulumi up --stack local`). Local sample values only; do not commit."];
  for (const key of Object.keys(entries).sort()) {
    if (comments[key]) lines.push(`# ${comments[key]}`);
    lines.push(`${key}=${JSON.stringify(entries[key])}`);
  }
  return `${lines.join("\n")}\n`;
}

// Methods run in the provider process from a serialized closure: no captured values, requires inside.
const envFileProvider: pulumi.dynamic.ResourceProvider<EnvFileInputs, EnvFileInputs> = {
  async create(inputs) {
    writeEnvFile(inputs);
    return { id: inputs.path, outs: inputs };
  },
  async diff(_id, olds, news) {
    const replaces = olds.path === news.path ? [] : ["path"];
    const changes =
      replaces.length > 0 ||
      JSON.stringify(olds.entries) !== JSON.stringify(news.entries) ||
      JSON.stringify(olds.comments) !== JSON.stringify(news.comments);
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async update(_id, _olds, news) {
    writeEnvFile(news);
    return { outs: news };
  },
  async delete(_id, props) {
    const fs = require("node:fs") as typeof import("node:fs");
    fs.rmSync(props.path, { force: true });
  },
};

function writeEnvFile(inputs: EnvFileInputs): void {
  const fs = require("node:fs") as typeof import("node:fs");
  // Write beside the target with 0600 and rename, so the file is never readable by others nor half-written.
  const temp = `${inputs.path}.${process.pid}.tmp`;
  fs.writeFileSync(temp, renderEnvFile(inputs.entries, inputs.comments), { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, inputs.path);
}

/** The local tier's `.env.local`: mode 0600, git-ignored, values encrypted in state. */
export class LocalEnvFile extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;

  constructor(name: string, args: LocalEnvFileArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      envFileProvider,
      name,
      {
        resourceKind: KIND.envFile,
        path: path.resolve(args.path ?? ".env.local"),
        entries: pulumi.secret(args.entries),
        comments: args.comments,
      },
      { ...opts, additionalSecretOutputs: ["entries"] },
    );
  }
}
