/**
 * `RESIDENCY_REPORT_SECRET` and `SHARE_LINK_HASH_SALT` rotate as current + previous: a token signed or
 * hashed before a turn still verifies after one turn, and not after two. The values come from the
 * program itself under mocks, at three instants a window apart.
 */
import { describe, expect, it } from "vitest";
import { hashToken, matchToken, sign, verify } from "../../components/lib/signed-tokens";
import { runProgram, unwrapSecrets } from "../support/program";

async function keysAt(now: string): Promise<Record<string, string>> {
  const run = await runProgram("local", { now: new Date(now) });
  const [envFile] = run.byKind("portal:local:EnvFile");
  return unwrapSecrets(envFile.inputs.entries) as Record<string, string>;
}

function key(values: Record<string, string>, name: string) {
  return { current: values[name], previous: values[`${name}_PREVIOUS`] };
}

describe("current + previous", () => {
  // Anchor 2026-01-05; RESIDENCY_REPORT_SECRET turns every 180 days, SHARE_LINK_HASH_SALT every 365.
  it("a signed URL issued before a turn verifies after one turn and not after two", async () => {
    const before = await keysAt("2026-12-03T00:00:00Z"); // window 1
    const oneTurn = await keysAt("2027-01-01T00:00:00Z"); // window 2
    const twoTurns = await keysAt("2027-07-01T00:00:00Z"); // window 3
    const signature = sign("export/2026-12/report.pdf", before.RESIDENCY_REPORT_SECRET);

    expect(oneTurn.RESIDENCY_REPORT_SECRET).not.toBe(before.RESIDENCY_REPORT_SECRET);
    expect(oneTurn.RESIDENCY_REPORT_SECRET_PREVIOUS).toBe(before.RESIDENCY_REPORT_SECRET);
    expect(verify("export/2026-12/report.pdf", signature, key(before, "RESIDENCY_REPORT_SECRET"))).toBe(true);
    expect(verify("export/2026-12/report.pdf", signature, key(oneTurn, "RESIDENCY_REPORT_SECRET"))).toBe(true);
    expect(verify("export/2026-12/report.pdf", signature, key(twoTurns, "RESIDENCY_REPORT_SECRET"))).toBe(false);
    expect(verify("export/2026-12/other.pdf", signature, key(oneTurn, "RESIDENCY_REPORT_SECRET"))).toBe(false);
  });

  it("a share-link hash made before a turn matches after one turn (and is re-made), not after two", async () => {
    const before = await keysAt("2026-12-03T00:00:00Z"); // window 0
    const oneTurn = await keysAt("2027-01-05T00:00:00Z"); // window 1
    const twoTurns = await keysAt("2028-01-05T00:00:00Z"); // window 2
    const stored = hashToken("share-token-123", before.SHARE_LINK_HASH_SALT);

    const afterOne = matchToken("share-token-123", stored, key(oneTurn, "SHARE_LINK_HASH_SALT"));
    expect(afterOne).toEqual({ match: true, rehash: hashToken("share-token-123", oneTurn.SHARE_LINK_HASH_SALT) });
    expect(matchToken("share-token-123", afterOne.rehash as string, key(twoTurns, "SHARE_LINK_HASH_SALT"))).toEqual({
      match: true,
      rehash: hashToken("share-token-123", twoTurns.SHARE_LINK_HASH_SALT),
    });
    expect(matchToken("share-token-123", stored, key(twoTurns, "SHARE_LINK_HASH_SALT"))).toEqual({ match: false });
  });
});
