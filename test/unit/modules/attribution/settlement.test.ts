import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { DEC_SCALE } from "../../../../src/app/coins.js";
import {
  AttributionCode,
  canonicalRequestJson,
  ceilDiv,
  defaultAttributionParams,
  type InferenceRequestData,
  inferenceFee,
  requestSignBytes,
  signRequest,
  splitByWeights,
  splitNet,
  validateAttributionParams,
  verifyRequest,
} from "../../../../src/modules/attribution/index.js";
import { Params } from "../../../../src/modules/attribution/proto.js";
import { hdAccount } from "../../../../src/testing/index.js";
import { CodedError } from "../../../../src/types/errors.js";

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REQ: InferenceRequestData = {
  chainId: "openledger-test",
  modelId: 7n,
  requester: hdAccount(1).address,
  promptSha256: "ab".repeat(32),
  maxFee: 123456789n,
  nonce: 42n,
  expiryHeight: 1000n,
};

describe("attribution fee arithmetic", () => {
  it("rounds each token term up", () => {
    assert.equal(ceilDiv(0n, 1000n), 0n);
    assert.equal(ceilDiv(1n, 1000n), 1n);
    assert.equal(ceilDiv(1000n, 1000n), 1n);
    assert.equal(ceilDiv(1001n, 1000n), 2n);
    // 3 input tokens at 1 per 1k → 1; 1000 output tokens at 7 per 1k → 7; + platform 5.
    assert.equal(inferenceFee(3n, 1000n, 1n, 7n, 5n), 13n);
    assert.equal(inferenceFee(0n, 0n, 10n, 10n, 5n), 5n);
  });

  it("splits the net fee exactly, the remainder to the contributors", () => {
    const r = rng(1);
    for (let i = 0; i < 500; i++) {
      const net = BigInt(Math.floor(r() * 1e12));
      const a = BigInt(Math.floor(r() * 1e6)) * 10n ** 11n;
      const b = BigInt(Math.floor(r() * 1e6)) * 10n ** 11n;
      const c = DEC_SCALE - a - b > 0n ? (DEC_SCALE - a - b) / 2n : 0n;
      const s = splitNet(net, a, b, c);
      assert.equal(s.owner + s.operator + s.stakers + s.contributors, net);
      assert.ok(s.contributors >= 0n);
    }
  });

  it("splits by weights with the largest remainder, summing to the total", () => {
    assert.deepEqual(splitByWeights(10n, [1n, 1n, 1n]), [4n, 3n, 3n]);
    assert.deepEqual(splitByWeights(10n, [0n, 0n]), [0n, 0n]);
    assert.deepEqual(splitByWeights(7n, [500_000n, 500_000n]), [4n, 3n]);
    const r = rng(2);
    for (let i = 0; i < 300; i++) {
      const n = 1 + Math.floor(r() * 20);
      const w = Array.from({ length: n }, () => BigInt(Math.floor(r() * 1_000_000)));
      const total = BigInt(Math.floor(r() * 1e15));
      const out = splitByWeights(total, w);
      const sumW = w.reduce((x, y) => x + y, 0n);
      assert.equal(
        out.reduce((x, y) => x + y, 0n),
        sumW === 0n ? 0n : total,
      );
      if (sumW > 0n) {
        w.forEach((wi, j) => {
          assert.ok(out[j]! - (total * wi) / sumW <= 1n);
        });
      }
    }
  });
});

describe("attribution request signing", () => {
  it("builds the ADR-036 sign doc byte for byte as CosmJS does", () => {
    const json = canonicalRequestJson(REQ);
    assert.equal(
      json,
      `{"chain_id":"openledger-test","expiry_height":"1000","max_fee":"123456789","model_id":"7","nonce":"42","prompt_sha256":"${"ab".repeat(32)}","requester":"${REQ.requester}"}`,
    );
    const doc = makeSignDoc(
      [
        {
          type: "sign/MsgSignData",
          value: { signer: REQ.requester, data: Buffer.from(json, "utf8").toString("base64") },
        },
      ],
      { gas: "0", amount: [] },
      "",
      "",
      0,
      0,
    );
    assert.deepEqual(requestSignBytes(REQ), serializeSignDoc(doc));
  });

  it("verifies the requester's signature and rejects any change", () => {
    const acc = hdAccount(1);
    const sig = signRequest(REQ, acc.privKey);
    assert.equal(verifyRequest(REQ, sig, acc.pubKey), true);
    assert.equal(verifyRequest({ ...REQ, nonce: 43n }, sig, acc.pubKey), false);
    assert.equal(verifyRequest({ ...REQ, maxFee: 123456790n }, sig, acc.pubKey), false);
    assert.equal(verifyRequest(REQ, sig, hdAccount(2).pubKey), false);
    assert.equal(verifyRequest(REQ, signRequest(REQ, hdAccount(2).privKey), acc.pubKey), false);
  });
});

describe("attribution params", () => {
  it("accepts the defaults and refuses shares not summing to exactly 10^18", () => {
    const p = defaultAttributionParams();
    validateAttributionParams(p, "aopen");
    const bad = (over: Record<string, unknown>) => {
      try {
        validateAttributionParams(Params.create({ ...p, ...over }), "aopen");
        return undefined;
      } catch (e) {
        assert.ok(e instanceof CodedError);
        return e.code;
      }
    };
    assert.equal(bad({ ownerShare: (BigInt(p.ownerShare) + 1n).toString() }), AttributionCode.InvalidParams);
    assert.equal(bad({ ownerShare: "-1" }), AttributionCode.InvalidParams);
    assert.equal(bad({ minSpanTokens: 0 }), AttributionCode.InvalidParams);
    assert.equal(bad({ maxRows: 0 }), AttributionCode.InvalidParams);
    assert.equal(bad({ unattributedPolicy: 0 }), AttributionCode.InvalidParams);
    assert.equal(bad({ platformFee: { denom: "uatom", amount: "1" } }), AttributionCode.InvalidParams);
    assert.equal(bad({ maxOutputBytes: 0 }), AttributionCode.InvalidParams);
    assert.equal(bad({}), undefined);
  });
});
