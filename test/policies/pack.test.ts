/**
 * The pack as a whole and the preview plumbing every rule relies on: how @pulumi/policy represents
 * unknown values, that `read` turns them into UNKNOWN instead of letting them escape, the naming and
 * enforcement conventions, and that only policies/index.ts starts a policy server.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { read, UNKNOWN, UNKNOWN_SENTINELS, unknownCheckingProxy } from "../../policies/lib/preview";
import type { ResourceValidationPolicy } from "../../policies/node_modules/@pulumi/policy";
import { RULES } from "../../policies/rules";
import { PROJECT_ROOT } from "../../policies/rules/parity-require-staging-mirrors-production";
import { U, validateResource } from "./harness";

const POLICIES = path.join(PROJECT_ROOT, "policies");

describe("unknown values during preview", () => {
  it("uses the same sentinels as @pulumi/policy (declared @internal there)", () => {
    const proxy = require(path.join(POLICIES, "node_modules/@pulumi/policy/proxy")) as Record<string, unknown>;
    expect(UNKNOWN_SENTINELS).toEqual({
      boolean: proxy.unknownBooleanValue,
      number: proxy.unknownNumberValue,
      string: proxy.unknownStringValue,
      array: proxy.unknownArrayValue,
      asset: proxy.unknownAssetValue,
      archive: proxy.unknownArchiveValue,
      object: proxy.unknownObjectValue,
    });
  });

  it("@pulumi/policy's proxy throws UnknownValueError when a rule reads an unknown", () => {
    const props = unknownCheckingProxy({ region: U.string }) as Record<string, unknown>;
    expect(() => props.region).toThrowError("string value at .region can't be known during preview");
  });

  it("read() turns an unknown into UNKNOWN, at any depth", () => {
    const props = unknownCheckingProxy({ a: { b: [U.array, "x"] }, c: U.object, d: null });
    expect(read(props, "a", "b", 0)).toBe(UNKNOWN);
    expect(read(props, "a", "b", 1)).toBe("x");
    expect(read(props, "c", "anything")).toBe(UNKNOWN);
    expect(read(props, "d")).toBeUndefined();
    expect(read(props, "missing", "deeper")).toBeUndefined();
    expect(read({ raw: U.number }, "raw")).toBe(UNKNOWN);
  });

  it("the harness fails a rule that lets an unknown escape (the engine would only log it as advisory)", async () => {
    const naive: ResourceValidationPolicy = {
      name: "naive",
      description: "Reads props directly.",
      validateResource: (args, report) => {
        if (args.props.region !== "syd1") report("abroad");
      },
    };
    await expect(validateResource(naive, { type: "x:y:Z", name: "z", props: { region: U.string } })).rejects.toThrow(
      "the rule let an UnknownValueError escape",
    );
  });
});

describe("the pack", () => {
  it("names every rule <area>-<verb>-<thing> with a fixed verb, once, each in its own file", () => {
    const names = RULES.map((r) => r.name);
    expect(names).toEqual([
      "residency-require-au-region",
      "rotation-enforce-cadence",
      "secrets-require-sensitive",
      "database-disallow-privileged-roles",
      "parity-require-staging-mirrors-production",
    ]);
    for (const name of names) {
      expect(name).toMatch(/^[a-z]+-(require|disallow|enforce)-[a-z-]+$/);
      expect(fs.existsSync(path.join(POLICIES, "rules", `${name}.ts`))).toBe(true);
    }
  });

  it("describes every rule in a full sentence", () => {
    for (const rule of RULES) expect(rule.description).toMatch(/^[A-Z].+\.$/);
  });

  it("builds the PolicyPack in policies/index.ts only (its constructor starts a server)", () => {
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
          e.name === "node_modules"
            ? []
            : e.isDirectory()
              ? sources(path.join(dir, e.name))
              : e.name.endsWith(".ts")
                ? [path.join(dir, e.name)]
                : [],
        );
    const builders = sources(POLICIES).filter((f) => /new PolicyPack\(/.test(fs.readFileSync(f, "utf8")));
    expect(builders.map((f) => path.relative(POLICIES, f))).toEqual(["index.ts"]);
  });

  it.each([
    ["local", "advisory"],
    ["dev", "advisory"],
    ["staging", "mandatory"],
    ["production", "mandatory"],
  ])("enforces %s as %s through policies/config/<stack>.json", (stack, level) => {
    const config = JSON.parse(fs.readFileSync(path.join(POLICIES, "config", `${stack}.json`), "utf8"));
    expect(config.all).toBe(level);
    for (const [name, value] of Object.entries(config)) {
      if (name === "all") continue;
      expect(RULES.map((r) => r.name)).toContain(name);
      const configured = typeof value === "string" ? value : (value as { enforcementLevel: string }).enforcementLevel;
      // Per-rule entries only switch the stack-only parity rule on or off; they never weaken a stack.
      expect(name === "parity-require-staging-mirrors-production" ? ["disabled", level] : [level]).toContain(
        configured,
      );
    }
  });

  it("has a config file for every stack file", () => {
    const stacks = fs
      .readdirSync(PROJECT_ROOT)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined);
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) expect(fs.existsSync(path.join(POLICIES, "config", `${stack}.json`))).toBe(true);
  });
});
