/**
 * e2e for staking and distribution: a real `openledgerd dev` (one self-bonded validator) driven by
 * unmodified CosmJS — `delegateTokens`, `undelegateTokens`, `withdrawRewards` (direct and amino
 * signing) and the `setupStakingExtension` / `setupDistributionExtension` queries.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { makeCosmoshubPath, Secp256k1HdWallet } from "@cosmjs/amino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import {
  coin,
  GasPrice,
  QueryClient,
  SigningStargateClient,
  setupDistributionExtension,
  setupStakingExtension,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { DEV_MNEMONIC, NodeProcess, runCli, tempHome } from "./harness.js";

const PREFIX = "open";
const OPEN = 10n ** 18n;
const GAS_PRICE = GasPrice.fromString("1000000000aopen");

async function wallet(i: number) {
  return DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
    prefix: PREFIX,
    hdPaths: [makeCosmoshubPath(i)],
  });
}

describe("staking e2e", { concurrency: 2 }, () => {
  describe("staking and distribution with CosmJS", { concurrency: 1 }, () => {
    let node: NodeProcess;
    let comet: Comet38Client;
    let q: ReturnType<typeof makeQuery>;
    let validator: string;

    function makeQuery(c: Comet38Client) {
      return QueryClient.withExtensions(c, setupStakingExtension, setupDistributionExtension);
    }

    before(async () => {
      node = await NodeProcess.start();
      comet = await Comet38Client.connect(node.rpcUrl);
      q = makeQuery(comet);
    });

    after(async () => {
      comet?.disconnect();
      await node?.destroy();
    });

    it("serves the bonded validator, pool and params", async () => {
      const { validators } = await q.staking.validators("BOND_STATUS_BONDED");
      assert.equal(validators.length, 1);
      validator = validators[0]!.operatorAddress;
      assert.match(validator, /^openvaloper1/);
      assert.equal(validators[0]!.tokens, (100n * OPEN).toString());
      const pool = await q.staking.pool();
      assert.equal(pool.pool.bondedTokens, (100n * OPEN).toString());
      const params = await q.staking.params();
      assert.equal(params.params.bondDenom, "aopen");
      const v = await q.staking.validator(validator);
      assert.equal(v.validator.description.moniker.length > 0, true);
      const dp = await q.distribution.params();
      assert.equal(dp.params.withdrawAddrEnabled, true);
      await assert.rejects(q.staking.validator("openvaloper1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"));
    });

    it("delegates, accrues rewards, withdraws them and undelegates (direct signing)", async () => {
      const w = await wallet(3);
      const del = (await w.getAccounts())[0]!.address;
      const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, w, { gasPrice: GAS_PRICE });
      const r = await client.delegateTokens(del, validator, coin((100n * OPEN).toString(), "aopen"), "auto");
      assert.equal(r.code, 0, r.rawLog);
      const d = await q.staking.delegation(del, validator);
      assert.equal(d.delegationResponse?.balance?.amount, (100n * OPEN).toString());
      const start = await node.height();
      await node.waitFor(async () => (await node.height()) >= start + 3, 20_000, "three blocks");
      const rewards = await q.distribution.delegationRewards(del, validator);
      assert.ok(rewards.rewards.length === 1 && BigInt(rewards.rewards[0]!.amount) > 0n, "rewards accrue");
      const total = await q.distribution.delegationTotalRewards(del);
      assert.equal(total.rewards.length, 1);
      const before = BigInt((await client.getBalance(del, "aopen")).amount);
      const wr = await client.withdrawRewards(del, validator, "auto");
      assert.equal(wr.code, 0, wr.rawLog);
      const withdrawn = wr.events
        .find((e) => e.type === "withdraw_rewards")
        ?.attributes.find((a) => a.key === "amount")?.value;
      assert.ok(withdrawn && BigInt(withdrawn.replace(/aopen$/, "")) > 0n, `withdrawn ${withdrawn}`);
      assert.ok(BigInt((await client.getBalance(del, "aopen")).amount) > before - 10n ** 16n);
      const ur = await client.undelegateTokens(
        del,
        validator,
        coin((40n * OPEN).toString(), "aopen"),
        "auto",
      );
      assert.equal(ur.code, 0, ur.rawLog);
      const ubd = await q.staking.unbondingDelegation(del, validator);
      assert.equal(ubd.unbond.entries[0]?.balance, (40n * OPEN).toString());
      const dels = await q.staking.delegatorDelegations(del);
      assert.equal(dels.delegationResponses[0]?.balance?.amount, (60n * OPEN).toString());
      const vals = await q.staking.delegatorValidators(del);
      assert.equal(vals.validators[0]?.operatorAddress, validator);
      const wa = await q.distribution.delegatorWithdrawAddress(del);
      assert.equal(wa.withdrawAddress, del);
      const ubds = await q.staking.delegatorUnbondingDelegations(del);
      assert.equal(ubds.unbondingResponses.length, 1);
      const vd = await q.staking.validatorDelegations(validator);
      assert.equal(vd.delegationResponses.length, 2);
      client.disconnect();
    });

    it("delegates with amino signing; the operator withdraws commission; community pool and outstanding rewards are served", async () => {
      const aw = await Secp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
        prefix: PREFIX,
        hdPaths: [makeCosmoshubPath(4)],
      });
      const del = (await aw.getAccounts())[0]!.address;
      const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, aw, { gasPrice: GAS_PRICE });
      const r = await client.delegateTokens(del, validator, coin((5n * OPEN).toString(), "aopen"), "auto");
      assert.equal(r.code, 0, r.rawLog);
      client.disconnect();
      const op = await wallet(0);
      const opAddr = (await op.getAccounts())[0]!.address;
      const oc = await SigningStargateClient.connectWithSigner(node.rpcUrl, op, { gasPrice: GAS_PRICE });
      const commission = await q.distribution.validatorCommission(validator);
      assert.ok(BigInt(commission.commission?.commission[0]?.amount ?? "0") > 0n);
      const res = await oc.signAndBroadcast(
        opAddr,
        [
          {
            typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission",
            value: { validatorAddress: validator },
          },
        ],
        "auto",
      );
      assert.equal(res.code, 0, res.rawLog);
      oc.disconnect();
      const pool = await q.distribution.communityPool();
      assert.ok(BigInt(pool.pool[0]?.amount ?? "0") > 0n);
      const out = await q.distribution.validatorOutstandingRewards(validator);
      assert.ok(out.rewards !== undefined);
      const slashes = await q.distribution.validatorSlashes(validator, 0, 1_000_000);
      assert.equal(slashes.slashes.length, 0);
    });
  });

  describe("genesis gentx and collect-gentxs", () => {
    let node: NodeProcess | undefined;
    after(async () => {
      await node?.destroy();
    });

    it("a gentx becomes the genesis validator and the node produces blocks with it", async () => {
      const home = tempHome("openledger-gentx-");
      const kr = ["--keyring-backend", "test", "--home", home];
      const ok = (r: { status: number | null; stdout: string; stderr: string }) =>
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      ok(runCli(["init", "val1", "--chain-id", "gentx-test", "--home", home]));
      ok(runCli(["keys", "add", "op", "--recover", ...kr], { input: `${DEV_MNEMONIC}\n` }));
      ok(runCli(["genesis", "add-genesis-account", "op", `${1000n * OPEN}aopen`, ...kr]));
      // a gentx larger than the account's genesis balance is refused
      const tooMuch = runCli([
        "genesis",
        "gentx",
        "op",
        `${2000n * OPEN}aopen`,
        "--chain-id",
        "gentx-test",
        ...kr,
      ]);
      assert.notEqual(tooMuch.status, 0);
      ok(
        runCli([
          "genesis",
          "gentx",
          "op",
          `${500n * OPEN}aopen`,
          "--moniker",
          "val1",
          "--chain-id",
          "gentx-test",
          ...kr,
        ]),
      );
      ok(runCli(["genesis", "collect-gentxs", "--home", home]));
      ok(runCli(["genesis", "validate", "--home", home]));
      node = await NodeProcess.start({ home, command: "start" });
      const c = await Comet38Client.connect(node.rpcUrl);
      const qc = QueryClient.withExtensions(c, setupStakingExtension);
      const { validators } = await qc.staking.validators("BOND_STATUS_BONDED");
      assert.equal(validators.length, 1);
      assert.equal(validators[0]!.tokens, (500n * OPEN).toString());
      assert.equal(validators[0]!.description.moniker, "val1");
      const vs = await c.validators({ height: 1 });
      assert.equal(vs.validators[0]?.votingPower, 500n);
      c.disconnect();
    });
  });
});
