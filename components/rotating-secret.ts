import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { keepersFor, lastTurnOf, type RotationWindow, rotationWindow, type Slot, slotTurningIn } from "./lib/rotation";

/** Arguments of {@link RotatingSecret}. Plain values, not Inputs: keepers must be known at preview. */
export interface RotatingSecretArgs {
  /** Catalogue key this secret serves, e.g. `SHARE_LINK_HASH_SALT`. */
  readonly key: string;
  /** Days per rotation window. */
  readonly cadenceDays: number;
  /** Instant the windows are counted from. */
  readonly anchor: Date;
  /** "Now", from the injectable clock. */
  readonly now: Date;
  /**
   * Emergency-rotation counter: bumping it replaces every slot at once.
   * @default 0
   */
  readonly generation?: number;
  /**
   * 1: a single value replaced each window. 2: two slots turning in alternate windows, so the value a
   * consumer read last stays valid for one more window (alternating users, current + previous).
   * @default 1
   */
  readonly slots?: 1 | 2;
  /**
   * Characters per value (alphanumeric: safe in URLs; 40 gives ~238 bits).
   * @default 40
   */
  readonly length?: number;
}

export interface SecretSlot {
  readonly slot: Slot;
  /** The window in which this slot last turned (-1: not yet turned since the anchor). */
  readonly window: number;
  readonly value: pulumi.Output<string>;
}

/**
 * A generated secret rotated by keepers: each slot is a `random.RandomPassword` whose keepers hold
 * its window and the generation, so the first `pulumi up` after the window turns replaces it.
 */
export class RotatingSecret extends pulumi.ComponentResource {
  static readonly TYPE = "portal:secrets:RotatingSecret";

  readonly key: string;
  readonly cadenceDays: number;
  readonly generation: number;
  readonly window: RotationWindow;
  /** The slot turned most recently: what consumers should use now. */
  readonly currentSlot: Slot;
  readonly slots: readonly SecretSlot[];
  /** The value consumers should use now (secret). */
  readonly current: pulumi.Output<string>;
  /** With two slots: the value before the last turn, still valid until the next one (secret). */
  readonly previous?: pulumi.Output<string>;
  /** Non-secret tag that changes exactly when a value turns; triggers redeploys without exposing values. */
  readonly version: string;

  constructor(name: string, args: RotatingSecretArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(RotatingSecret.TYPE, name, {}, opts);
    const { generation = 0, slots = 1, length = 40 } = args;
    this.key = args.key;
    this.cadenceDays = args.cadenceDays;
    this.generation = generation;
    this.window = rotationWindow(args.anchor, args.cadenceDays, args.now, `secrets.${args.key}.anchor`);
    this.currentSlot = slots === 1 ? "a" : slotTurningIn(this.window.index);
    this.version = `w${this.window.index}.g${generation}`;

    const slotNames: Slot[] = slots === 1 ? ["a"] : ["a", "b"];
    this.slots = slotNames.map((slot) => {
      const window = slots === 1 ? this.window.index : lastTurnOf(slot, this.window.index);
      return { slot, window, value: this.password(name, args, slot, slots === 2, window, generation, length) };
    });
    this.current = this.valueOf(this.currentSlot);
    this.previous = slots === 2 ? this.valueOf(this.currentSlot === "a" ? "b" : "a") : undefined;

    this.registerOutputs({ window: this.window.index, currentSlot: this.currentSlot, version: this.version });
  }

  valueOf(slot: Slot): pulumi.Output<string> {
    const found = this.slots.find((s) => s.slot === slot);
    if (!found) throw new Error(`${this.key} has no slot ${slot}`);
    return found.value;
  }

  private password(
    name: string,
    args: RotatingSecretArgs,
    slot: Slot,
    named: boolean,
    window: number,
    generation: number,
    length: number,
  ): pulumi.Output<string> {
    const keepers = keepersFor({
      key: args.key,
      slot: named ? slot : undefined,
      cadenceDays: args.cadenceDays,
      anchor: args.anchor,
      window,
      generation,
    });
    const resource = new random.RandomPassword(
      named ? `${name}-${slot}` : name,
      { length, special: false, keepers },
      { parent: this },
    );
    return resource.result;
  }
}
