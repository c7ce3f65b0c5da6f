import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defaultSlashingParams,
  fromProtoParams,
  slashingParamsFromJson,
  slashingParamsToJson,
  toProtoParams,
} from "../../../../src/modules/slashing/params.js";

describe("slashing params", () => {
  it("round-trip through proto (LegacyDec as ASCII bytes) and genesis JSON", () => {
    const p = defaultSlashingParams();
    assert.deepEqual(fromProtoParams(toProtoParams(p)), p);
    assert.deepEqual(slashingParamsFromJson(slashingParamsToJson(p)), p);
    assert.equal(new TextDecoder().decode(toProtoParams(p).minSignedPerWindow), "500000000000000000");
    assert.equal(slashingParamsToJson(p)["downtime_jail_duration"], "600s");
  });

  it("refuse invalid values with sdk 18", () => {
    const bad = (j: Record<string, unknown>) =>
      assert.throws(
        () => slashingParamsFromJson(j),
        (e: { code: number }) => e.code === 18,
      );
    bad({ signed_blocks_window: "0" });
    bad({ min_signed_per_window: "1.5" });
    bad({ downtime_jail_duration: "ten" });
    bad({ slash_fraction_downtime: "abc" });
  });
});
