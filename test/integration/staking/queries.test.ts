/** Queries: answers and SDK error codes for bad input. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  QueryDelegationRewardsRequest,
  QueryDelegationRewardsResponse,
} from "cosmjs-types/cosmos/distribution/v1beta1/query";
import {
  QuerySigningInfoRequest,
  QuerySigningInfoResponse,
} from "cosmjs-types/cosmos/slashing/v1beta1/query";
import {
  QueryHistoricalInfoRequest,
  QueryHistoricalInfoResponse,
  QueryPoolRequest,
  QueryPoolResponse,
  QueryValidatorRequest,
  QueryValidatorResponse,
  QueryValidatorsRequest,
  QueryValidatorsResponse,
} from "cosmjs-types/cosmos/staking/v1beta1/query";
import { toBech32 } from "../../../src/crypto/address.js";
import { OPEN, TestChain } from "./chain.js";

const S = "/cosmos.staking.v1beta1.Query";

describe("staking, distribution and slashing queries", () => {
  it("answer and refuse bad input with coded errors", async () => {
    const c = await TestChain.create();
    await c.blocks(2);
    const vals = await c.query(
      `${S}/Validators`,
      QueryValidatorsRequest.encode({ status: "BOND_STATUS_BONDED" }).finish(),
      QueryValidatorsResponse.decode,
    );
    assert.equal(vals.value?.validators.length, 1);
    const none = await c.query(
      `${S}/Validators`,
      QueryValidatorsRequest.encode({ status: "BOND_STATUS_UNBONDED" }).finish(),
      QueryValidatorsResponse.decode,
    );
    assert.equal(none.value?.validators.length, 0);
    const badStatus = await c.query(
      `${S}/Validators`,
      QueryValidatorsRequest.encode({ status: "nope" }).finish(),
      QueryValidatorsResponse.decode,
    );
    assert.equal(badStatus.code, 18);
    const missing = c.valoper(7);
    const nf = await c.query(
      `${S}/Validator`,
      QueryValidatorRequest.encode({ validatorAddr: missing }).finish(),
      QueryValidatorResponse.decode,
    );
    assert.equal(nf.code, 22);
    assert.equal(nf.log, `rpc error: code = NotFound desc = validator ${missing} not found: key not found`);
    const malformed = await c.query(
      `${S}/Validator`,
      QueryValidatorRequest.encode({ validatorAddr: "x" }).finish(),
      QueryValidatorResponse.decode,
    );
    assert.equal(malformed.code, 18);
    const garbage = await c.query(
      `${S}/Validator`,
      Uint8Array.of(0xff, 0xff, 0xff),
      QueryValidatorResponse.decode,
    );
    assert.equal(garbage.code, 18);
    const pool = await c.query(`${S}/Pool`, QueryPoolRequest.encode({}).finish(), QueryPoolResponse.decode);
    assert.equal(pool.value?.pool.bondedTokens, (1000n * OPEN).toString());
    const hist = await c.query(
      `${S}/HistoricalInfo`,
      QueryHistoricalInfoRequest.encode({ height: 2n }).finish(),
      QueryHistoricalInfoResponse.decode,
    );
    assert.equal(hist.value?.hist?.valset.length, 1);
    const noHist = await c.query(
      `${S}/HistoricalInfo`,
      QueryHistoricalInfoRequest.encode({ height: 99n }).finish(),
      QueryHistoricalInfoResponse.decode,
    );
    assert.equal(noHist.code, 22);
    const rw = await c.query(
      "/cosmos.distribution.v1beta1.Query/DelegationRewards",
      QueryDelegationRewardsRequest.encode({
        delegatorAddress: c.acc(1).address,
        validatorAddress: missing,
      }).finish(),
      QueryDelegationRewardsResponse.decode,
    );
    assert.equal(rw.code, 12);
    const si = await c.query(
      "/cosmos.slashing.v1beta1.Query/SigningInfo",
      QuerySigningInfoRequest.encode({ consAddress: toBech32("openvalcons", new Uint8Array(20)) }).finish(),
      QuerySigningInfoResponse.decode,
    );
    assert.equal(si.code, 22);
  });
});
