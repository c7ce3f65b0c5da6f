import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultDistrParams, validateDistrParams } from "../../../../src/modules/distribution/params.js";
import {
  MsgUpdateRewardStream,
  QueryRewardStreamResponse,
} from "../../../../src/modules/distribution/rewardStream.js";

describe("distribution reward stream and params", () => {
  it("round-trips MsgUpdateRewardStream and skips unknown fields", () => {
    const m = { authority: "open1gov", amountPerBlock: "1000000000000000000" };
    assert.deepEqual(MsgUpdateRewardStream.decode(MsgUpdateRewardStream.encode(m)), m);
    const withUnknown = new Uint8Array([...MsgUpdateRewardStream.encode(m), 0x18, 0x05]);
    assert.deepEqual(MsgUpdateRewardStream.decode(withUnknown), m);
    const r = { amountPerBlock: "5", source: "community_rewards", sourceBalance: "7" };
    assert.deepEqual(QueryRewardStreamResponse.decode(QueryRewardStreamResponse.encode(r)), r);
  });

  it("validates params", () => {
    validateDistrParams(defaultDistrParams());
    assert.throws(
      () => validateDistrParams({ ...defaultDistrParams(), communityTax: (2n * 10n ** 18n).toString() }),
      (e: { code: number }) => e.code === 18,
    );
  });
});
