import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { createApiClient } from "@neondatabase/api-client";
import { Client } from "pg";
import { KIND } from "../../components/lib/resource-kinds";

function mk() {
  const settings: { key?: string } = {};
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest) { settings.key = req.config.get("portal-infra:neonApiKey"); },
    async create(inputs: any) {
      const api = createApiClient({ apiKey: settings.key ?? null });
      void api; void Client; void KIND;
      return { id: "x", outs: inputs };
    },
  };
}
describe("spike", () => {
  it("serializes", async () => {
    const sf = await pulumi.runtime.serializeFunction(() => mk(), { allowSecrets: true });
    console.log(sf.text.length, sf.text.slice(0, 3000));
    expect(sf.text).toContain("create");
  });
});
