import * as onepassword from "@1password/pulumi-onepassword";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link BreakGlassCopy}. */
export interface BreakGlassCopyArgs {
  /** 1Password vault UUID that holds break-glass copies (Owen + reliability partner). */
  readonly vault: string;
  /** Item title, e.g. `portal/production/NEON_DATABASE_URL`. */
  readonly title: string;
  readonly value: pulumi.Input<string>;
  /** Rotation metadata (`rotationComment`), kept beside the value as evidence. */
  readonly rotation: string;
}

/**
 * A break-glass copy of one secret in 1Password, updated in place on every rotation, so a person can
 * recover a tier if Vercel or the state backend is unavailable.
 */
export class BreakGlassCopy extends pulumi.ComponentResource {
  static readonly TYPE = "portal:onepassword:BreakGlassCopy";

  readonly item: onepassword.Item;

  constructor(name: string, args: BreakGlassCopyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(BreakGlassCopy.TYPE, name, {}, opts);
    this.item = new onepassword.Item(
      `${name}-item`,
      {
        vault: args.vault,
        title: args.title,
        category: "password",
        password: pulumi.secret(args.value),
        tags: ["portal-infra", "break-glass"],
        sections: [{ label: "rotation", fields: [{ label: "metadata", type: "STRING", value: args.rotation }] }],
      },
      { parent: this },
    );
    this.registerOutputs({ itemId: this.item.id });
  }
}
