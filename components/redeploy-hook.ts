import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link RedeployHook}. */
export interface RedeployHookArgs {
  /** The Vercel project's deploy hook URL (secret: anyone holding it can deploy). */
  readonly url: pulumi.Input<string>;
  /**
   * Non-secret versions of every secret the project consumes (`KEY:w3.g0`, `KEY:rotatedAt`): when one
   * changes, the hook is called once. Versions, never values, so the trigger reveals nothing.
   */
  readonly versions: readonly string[];
}

// Runs under the engine's `command` provider: node's fetch, so no curl is needed, and the URL never
// reaches a log line or an error (only the status does).
const CALL_HOOK = [
  "node -e '",
  'fetch(process.env.DEPLOY_HOOK_URL, { method: "POST" })',
  '.then((r) => { if (!r.ok) { console.error("deploy hook answered " + r.status); process.exit(1); }',
  ' console.log("redeploy requested: " + r.status); })',
  '.catch((e) => { console.error("deploy hook unreachable: " + (e.cause?.code ?? e.name)); process.exit(1); })',
  "'",
].join("");

/**
 * Requests one redeploy of a Vercel project when a secret it consumes rotates: new values reach users
 * only after a redeploy. Replaced (and so run once) exactly when `versions` change.
 */
export class RedeployHook extends pulumi.ComponentResource {
  static readonly TYPE = "portal:vercel:RedeployHook";

  readonly call: command.local.Command;

  constructor(name: string, args: RedeployHookArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(RedeployHook.TYPE, name, {}, opts);
    this.call = new command.local.Command(
      `${name}-call`,
      {
        create: CALL_HOOK,
        environment: { DEPLOY_HOOK_URL: pulumi.secret(args.url) },
        triggers: [...args.versions],
        logging: "stdoutAndStderr",
      },
      { parent: this },
    );
    this.registerOutputs({ versions: args.versions });
  }
}
