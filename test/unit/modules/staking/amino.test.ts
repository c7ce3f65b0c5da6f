/** Our amino JSON of staking, distribution and slashing messages equals CosmJS's (`aminomessages.ts`). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AminoTypes, createDefaultAminoConverters } from "@cosmjs/stargate";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { OpenLedgerApp } from "../../../../src/app/app.js";
import { createStakingStack } from "../../../../src/modules/staking/stack.js";
import { MemoryDatabase, StateStore } from "../../../../src/store/index.js";

const cosmjs = new AminoTypes(createDefaultAminoConverters());
const stack = createStakingStack(() => app.bankKeeper);
const app: OpenLedgerApp = new OpenLedgerApp(
  { chainId: "t" },
  { store: StateStore.open(new MemoryDatabase()), modules: stack.modules },
);

const del = "open1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du";
const val = "openvaloper1qyqszqgpqyqszqgpqyqszqgpqyqszqgp2kvz5q";
const coin = { denom: "aopen", amount: "1000" };
const desc = { moniker: "m", identity: "i", website: "w", securityContact: "s", details: "d" };

const msgs: { typeUrl: string; value: Record<string, unknown> }[] = [
  {
    typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
    value: {
      description: desc,
      commission: {
        rate: "100000000000000000",
        maxRate: "200000000000000000",
        maxChangeRate: "10000000000000000",
      },
      minSelfDelegation: "1",
      delegatorAddress: "",
      validatorAddress: val,
      pubkey: {
        typeUrl: "/cosmos.crypto.ed25519.PubKey",
        value: Ed25519PubKey.encode({ key: new Uint8Array(32).fill(3) }).finish(),
      },
      value: coin,
    },
  },
  {
    typeUrl: "/cosmos.staking.v1beta1.MsgEditValidator",
    value: {
      description: desc,
      validatorAddress: val,
      commissionRate: "120000000000000000",
      minSelfDelegation: "",
    },
  },
  {
    typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
    value: { delegatorAddress: del, validatorAddress: val, amount: coin },
  },
  {
    typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
    value: { delegatorAddress: del, validatorAddress: val, amount: coin },
  },
  {
    typeUrl: "/cosmos.staking.v1beta1.MsgBeginRedelegate",
    value: { delegatorAddress: del, validatorSrcAddress: val, validatorDstAddress: val, amount: coin },
  },
  {
    typeUrl: "/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation",
    value: { delegatorAddress: del, validatorAddress: val, amount: coin, creationHeight: 12n },
  },
  {
    typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
    value: { delegatorAddress: del, validatorAddress: val },
  },
  {
    typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission",
    value: { validatorAddress: val },
  },
  {
    typeUrl: "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress",
    value: { delegatorAddress: del, withdrawAddress: del },
  },
  { typeUrl: "/cosmos.distribution.v1beta1.MsgFundCommunityPool", value: { depositor: del, amount: [coin] } },
];

describe("amino converters", () => {
  for (const m of msgs) {
    it(`${m.typeUrl} matches CosmJS`, () => {
      const def = app.msgDef(m.typeUrl);
      assert.ok(def?.amino, `no amino converter for ${m.typeUrl}`);
      const ours = {
        type: def.amino.aminoType,
        value: JSON.parse(JSON.stringify(def.amino.toAmino(m.value))),
      };
      const theirs = JSON.parse(JSON.stringify(cosmjs.toAmino(m)));
      assert.deepEqual(ours, theirs);
    });
  }

  it("cosmos-sdk/MsgUnjail is {address}", () => {
    const def = app.msgDef("/cosmos.slashing.v1beta1.MsgUnjail");
    assert.equal(def?.amino?.aminoType, "cosmos-sdk/MsgUnjail");
    assert.deepEqual(def?.amino?.toAmino({ validatorAddr: val }), { address: val });
  });
});
