import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { DirectSecp256k1HdWallet, makeCosmoshubPath } from "@cosmjs/proto-signing";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { AbciEvent, QueryResponse } from "../../../src/abci/types.js";
import { OpenLedgerApp } from "../../../src/app/app.js";
import { verifyProof } from "../../../src/store/index.js";
import {
  checkTx,
  createTestApp,
  DEV_MNEMONIC,
  hdAccount,
  msgSend,
  pubKeyAny,
  runBlock,
  signTx,
  signTxWithWallet,
  type TestAccount,
  testRegistry,
} from "../../../src/testing/index.js";
import { utf8 } from "../../../src/types/bytes.js";

const FEE = [{ denom: "aopen", amount: 200_000n }];

async function query(app: OpenLedgerApp, path: string, data: Uint8Array, height = 0): Promise<QueryResponse> {
  return app.query({ path, data, height, prove: false });
}

async function balance(app: OpenLedgerApp, address: string, denom = "aopen"): Promise<bigint> {
  const r = await query(
    app,
    "/cosmos.bank.v1beta1.Query/Balance",
    QueryBalanceRequest.encode({ address, denom }).finish(),
  );
  assert.equal(r.code, 0, r.log);
  return BigInt(QueryBalanceResponse.decode(r.value).balance!.amount);
}

async function account(app: OpenLedgerApp, address: string): Promise<BaseAccount> {
  const r = await query(
    app,
    "/cosmos.auth.v1beta1.Query/Account",
    QueryAccountRequest.encode({ address }).finish(),
  );
  assert.equal(r.code, 0, r.log);
  return BaseAccount.decode(QueryAccountResponse.decode(r.value).account!.value);
}

function attrs(events: AbciEvent[], type: string): Record<string, string>[] {
  return events
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}

function send(
  from: TestAccount,
  to: TestAccount,
  amount: bigint,
  o: { chainId: string; seq: bigint; accNum?: bigint },
) {
  return signTx(from, [msgSend(from.address, to.address, [{ denom: "aopen", amount }])], {
    chainId: o.chainId,
    accountNumber: o.accNum ?? BigInt(from.index),
    sequence: o.seq,
    fee: FEE,
  });
}

describe("OpenLedgerApp", () => {
  it("exports the genesis it was initialised with (export(init(x)) = x)", async () => {
    const { app, appState } = await createTestApp({ accounts: 5 });
    assert.deepEqual(app.exportGenesis(), appState);
    await runBlock(app, []);
    assert.deepEqual(app.exportGenesis(), appState);
  });

  it("reports info and resumes on the same store", async () => {
    const { app, store, accounts, chainId } = await createTestApp({ accounts: 2 });
    const info0 = await app.info();
    assert.equal(info0.lastBlockHeight, 0);
    assert.equal(info0.lastBlockAppHash.length, 0);
    await runBlock(app, [send(accounts[0]!, accounts[1]!, 7n, { chainId, seq: 0n })]);
    const info1 = await app.info();
    assert.equal(info1.lastBlockHeight, 1);
    const again = new OpenLedgerApp({}, { store });
    assert.equal(again.chainId, chainId);
    assert.equal(again.chain.bech32Prefix, "open");
    assert.deepEqual((await again.info()).lastBlockAppHash, info1.lastBlockAppHash);
    assert.equal(await balance(again, accounts[1]!.address), 10n ** 24n + 7n);
  });

  it("sends coins with SDK events, TxMsgData and fee to the fee collector", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 3 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const res = await runBlock(app, [send(a, b, 1234n, { chainId, seq: 0n })]);
    const r = res.txResults[0]!;
    assert.equal(r.code, 0, r.log);
    assert.equal(r.log, "");
    assert.equal(r.gasWanted, 200_000n);
    assert.ok(r.gasUsed > 0n && r.gasUsed < 200_000n);
    const data = TxMsgData.decode(r.data);
    assert.equal(data.msgResponses[0]!.typeUrl, "/cosmos.bank.v1beta1.MsgSendResponse");
    const msg = attrs(r.events, "message").find((m) => m["action"]);
    assert.deepEqual(msg, {
      action: "/cosmos.bank.v1beta1.MsgSend",
      sender: a.address,
      module: "bank",
      msg_index: "0",
    });
    const transfers = attrs(r.events, "transfer");
    assert.deepEqual(transfers[1], {
      recipient: b.address,
      sender: a.address,
      amount: "1234aopen",
      msg_index: "0",
    });
    assert.deepEqual(attrs(r.events, "tx")[0], { fee: "200000aopen", fee_payer: a.address });
    assert.deepEqual(attrs(r.events, "tx")[1], { acc_seq: `${a.address}/0` });
    assert.ok(attrs(r.events, "tx")[2]!["signature"]);
    assert.ok(r.events.every((e) => e.attributes.every((x) => x.index)));
    assert.equal(await balance(app, a.address), 10n ** 24n - 1234n - 200_000n);
    assert.equal(await balance(app, b.address), 10n ** 24n + 1234n);
    assert.equal(await balance(app, app.moduleAccountAddress("fee_collector")), 200_000n);
    const acc = await account(app, a.address);
    assert.equal(acc.sequence, 1n);
    assert.equal(acc.pubKey?.typeUrl, "/cosmos.crypto.secp256k1.PubKey");
    assert.deepEqual(app.checkInvariants(), []);
  });

  it("creates the recipient account with the next account number", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 1 });
    await runBlock(app, []);
    const fresh = hdAccount(50);
    const r = await runBlock(app, [send(accounts[0]!, fresh, 5n, { chainId, seq: 0n })]);
    assert.equal(r.txResults[0]!.code, 0, r.txResults[0]!.log);
    const acc = await account(app, fresh.address);
    // 1 user account + 5 module accounts at genesis.
    assert.equal(acc.accountNumber, 6n);
  });

  it("multi-sends to several recipients", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 3 });
    await runBlock(app, []);
    const [a, b, c] = accounts as [TestAccount, TestAccount, TestAccount];
    const msg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
      value: {
        inputs: [{ address: a.address, coins: [{ denom: "aopen", amount: "30" }] }],
        outputs: [
          { address: b.address, coins: [{ denom: "aopen", amount: "10" }] },
          { address: c.address, coins: [{ denom: "aopen", amount: "20" }] },
        ],
      },
    };
    const tx = signTx(a, [msg], { chainId, accountNumber: 0n, sequence: 0n, fee: FEE });
    const r = (await runBlock(app, [tx])).txResults[0]!;
    assert.equal(r.code, 0, r.log);
    assert.equal(await balance(app, b.address), 10n ** 24n + 10n);
    assert.equal(await balance(app, c.address), 10n ** 24n + 20n);
    // Mismatched sums: bank codespace 4.
    const bad = structuredClone(msg);
    bad.value.outputs[1]!.coins[0]!.amount = "21";
    const r2 = (
      await runBlock(app, [signTx(a, [bad], { chainId, accountNumber: 0n, sequence: 1n, fee: FEE })])
    ).txResults[0]!;
    assert.equal(r2.codespace, "bank");
    assert.equal(r2.code, 4);
  });

  it("keeps the fee and sequence when a message fails, and reverts its writes and events", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const twoMsgs = signTx(
      a,
      [
        msgSend(a.address, b.address, [{ denom: "aopen", amount: 100n }]),
        msgSend(a.address, b.address, [{ denom: "aopen", amount: 10n ** 30n }]),
      ],
      { chainId, accountNumber: 0n, sequence: 0n, fee: FEE },
    );
    const c = await checkTx(app, twoMsgs);
    assert.equal(c.code, 0, "CheckTx runs the ante only");
    const r = (await runBlock(app, [twoMsgs])).txResults[0]!;
    assert.equal(r.code, 5);
    assert.equal(r.codespace, "sdk");
    assert.match(
      r.log,
      /^failed to execute message; message index: 1: spendable balance \d+aopen is smaller than 1000000000000000000000000000000aopen: insufficient funds$/,
    );
    assert.equal(r.data.length, 0);
    assert.equal(attrs(r.events, "message").filter((m) => m["action"]).length, 0);
    assert.equal(attrs(r.events, "tx").length, 3);
    assert.equal(await balance(app, a.address), 10n ** 24n - 200_000n);
    assert.equal(await balance(app, b.address), 10n ** 24n);
    assert.equal((await account(app, a.address)).sequence, 1n);
    assert.deepEqual(app.checkInvariants(), []);
  });

  it("rejects a replayed tx with sdk 32", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const tx = send(accounts[0]!, accounts[1]!, 1n, { chainId, seq: 0n });
    assert.equal((await runBlock(app, [tx])).txResults[0]!.code, 0);
    const c = await checkTx(app, tx);
    assert.equal(c.code, 32);
    assert.equal(c.codespace, "sdk");
    assert.equal(c.log, "account sequence mismatch, expected 1, got 0: incorrect account sequence");
    const r = (await runBlock(app, [tx])).txResults[0]!;
    assert.equal(r.code, 32);
    assert.equal(await balance(app, accounts[1]!.address), 10n ** 24n + 1n);
  });

  it("rejects a wrong chain id, wrong account number and bad signature with sdk 4", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const wrongChain = send(a, b, 1n, { chainId: "other-chain", seq: 0n });
    const wrongNum = send(a, b, 1n, { chainId, seq: 0n, accNum: 1n });
    const good = TxRaw.decode(send(a, b, 1n, { chainId, seq: 0n }));
    const sig0 = good.signatures[0]!;
    sig0[5] = sig0[5]! ^ 0xff;
    const badSig = TxRaw.encode(good).finish();
    for (const tx of [wrongChain, wrongNum, badSig]) {
      const c = await checkTx(app, tx);
      assert.equal(c.code, 4, c.log);
      assert.equal(c.codespace, "sdk");
      assert.match(
        c.log,
        /^signature verification failed; please verify account number \(0\), sequence \(0\) and chain-id \(openledger-test\): unauthorized$/,
      );
    }
    const before = app.exportGenesis();
    const res = await runBlock(app, [wrongChain, wrongNum, badSig]);
    assert.deepEqual(
      res.txResults.map((r) => r.code),
      [4, 4, 4],
    );
    assert.deepEqual(app.exportGenesis(), before, "failed ante changes nothing");
  });

  it("rejects a fee below the min gas price in CheckTx with sdk 13", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2, minGasPrices: "0.5aopen" });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const low = signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 0n,
      fee: [{ denom: "aopen", amount: 99_999n }],
    });
    const c = await checkTx(app, low);
    assert.equal(c.code, 13);
    assert.equal(c.log, "insufficient fees; got: 99999aopen required: 100000aopen: insufficient fee");
    const ok = signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 0n,
      fee: [{ denom: "aopen", amount: 100_000n }],
    });
    const c2 = await checkTx(app, ok);
    assert.equal(c2.code, 0, c2.log);
    assert.equal(c2.priority, (100_000n * 10n ** 18n) / 200_000n);
    assert.equal(c2.sender, a.address);
    assert.equal(c2.sequence, 0n);
  });

  it("rejects an expired timeout height with sdk 30", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const tx = signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 0n,
      fee: FEE,
      timeoutHeight: 2n,
    });
    const c = await checkTx(app, tx);
    assert.equal(c.code, 30);
    assert.equal(c.log, "block height: 3, timeout height: 2: tx timeout height");
    const ok = signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 0n,
      fee: FEE,
      timeoutHeight: 3n,
    });
    assert.equal((await runBlock(app, [ok])).txResults[0]!.code, 0);
  });

  it("rejects an overspent fee with sdk 5 and a missing account with sdk 9", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2, balance: 1000n });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const c = await checkTx(app, send(a, b, 1n, { chainId, seq: 0n }));
    assert.equal(c.code, 5);
    assert.match(c.log, /^insufficient funds to pay for fees; /);
    const stranger = hdAccount(77);
    const c2 = await checkTx(app, send(stranger, b, 1n, { chainId, seq: 0n, accNum: 0n }));
    assert.equal(c2.code, 9);
  });

  it("accepts amino-signed (SIGN_MODE_LEGACY_AMINO_JSON) sends, including memos with & < >", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const tx = signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 9n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 0n,
      fee: FEE,
      memo: "a & b <c> \u2028",
      mode: "amino",
      timeoutHeight: 100n,
    });
    const r = (await runBlock(app, [tx])).txResults[0]!;
    assert.equal(r.code, 0, r.log);
    assert.equal(await balance(app, b.address), 10n ** 24n + 9n);
    // Amino multi-send too.
    const multi = {
      typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
      value: {
        inputs: [{ address: a.address, coins: [{ denom: "aopen", amount: "3" }] }],
        outputs: [{ address: b.address, coins: [{ denom: "aopen", amount: "3" }] }],
      },
    };
    const r2 = (
      await runBlock(app, [
        signTx(a, [multi], { chainId, accountNumber: 0n, sequence: 1n, fee: FEE, mode: "amino" }),
      ])
    ).txResults[0]!;
    assert.equal(r2.code, 0, r2.log);
  });

  it("accepts txs signed by CosmJS wallets in direct and amino mode", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const hdPaths = [makeCosmoshubPath(0)];
    const direct = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, { prefix: "open", hdPaths });
    const amino = await Secp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, { prefix: "open", hdPaths });
    assert.equal((await direct.getAccounts())[0]!.address, a.address);
    const msg = [msgSend(a.address, b.address, [{ denom: "aopen", amount: 2n }])];
    const t1 = await signTxWithWallet(direct, msg, { chainId, accountNumber: 0n, sequence: 0n, fee: FEE });
    const t2 = await signTxWithWallet(amino, msg, { chainId, accountNumber: 0n, sequence: 1n, fee: FEE });
    const res = await runBlock(app, [t1, t2]);
    assert.deepEqual(
      res.txResults.map((r) => [r.code, r.log]),
      [
        [0, ""],
        [0, ""],
      ],
    );
  });

  it("keeps the check state across CheckTx calls and resets it after commit", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const t0 = send(a, b, 1n, { chainId, seq: 0n });
    const t1 = send(a, b, 1n, { chainId, seq: 1n });
    assert.equal((await checkTx(app, t0)).code, 0);
    assert.equal((await checkTx(app, t1)).code, 0, "sequence 1 follows in the check state");
    assert.equal((await checkTx(app, t0)).code, 32);
    await runBlock(app, [t0]);
    const re = await checkTx(app, t1, true);
    assert.equal(re.code, 0, re.log);
  });

  it("simulates through the Simulate query without signatures or fee, still checking the sequence", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2, minGasPrices: "1aopen" });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({
        messages: [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgSend",
            value: testRegistry.encode(msgSend(a.address, b.address, [{ denom: "aopen", amount: 5n }])),
          },
        ],
      }),
    ).finish();
    const mk = (sequence: bigint) =>
      TxRaw.encode({
        bodyBytes,
        authInfoBytes: AuthInfo.encode(
          AuthInfo.fromPartial({
            signerInfos: [
              {
                publicKey: pubKeyAny(a.pubKey),
                modeInfo: { single: { mode: SignMode.SIGN_MODE_UNSPECIFIED } },
                sequence,
              },
            ],
            fee: { amount: [], gasLimit: 0n },
          }),
        ).finish(),
        signatures: [new Uint8Array()],
      }).finish();
    const r = await query(
      app,
      "/cosmos.tx.v1beta1.Service/Simulate",
      SimulateRequest.encode({ txBytes: mk(0n) }).finish(),
    );
    assert.equal(r.code, 0, r.log);
    assert.ok(r.height > 0);
    const sim = SimulateResponse.decode(r.value);
    assert.ok(sim.gasInfo!.gasUsed > 20_000n);
    assert.equal(sim.result!.msgResponses[0]!.typeUrl, "/cosmos.bank.v1beta1.MsgSendResponse");
    assert.ok(sim.result!.events.some((e) => e.type === "transfer"));
    // Simulated gas covers the real tx.
    const real = (
      await runBlock(app, [
        signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 5n }])], {
          chainId,
          accountNumber: 0n,
          sequence: 0n,
          fee: FEE,
        }),
      ])
    ).txResults[0]!;
    assert.equal(real.code, 0, real.log);
    assert.ok(sim.gasInfo!.gasUsed >= real.gasUsed, `${sim.gasInfo!.gasUsed} >= ${real.gasUsed}`);
    // Simulation did not change state, and a stale sequence is refused.
    const stale = await query(
      app,
      "/cosmos.tx.v1beta1.Service/Simulate",
      SimulateRequest.encode({ txBytes: mk(0n) }).finish(),
    );
    assert.equal(stale.code, 32);
    assert.equal(await balance(app, b.address), 10n ** 24n + 5n);
  });

  it("answers unknown paths with sdk 6 and serves store queries with proofs", async () => {
    const { app, accounts } = await createTestApp({ accounts: 1 });
    await runBlock(app, []);
    const u = await query(app, "/cosmos.nope.v1.Query/X", new Uint8Array());
    assert.equal(u.code, 6);
    assert.equal(u.codespace, "sdk");
    const key = new Uint8Array([0x02, 20, ...accounts[0]!.addressBytes, ...utf8("aopen")]);
    const r = await app.query({ path: "store/bank/key", data: key, height: 0, prove: true });
    assert.equal(r.code, 0, r.log);
    assert.equal(new TextDecoder().decode(r.value), (10n ** 24n).toString());
    assert.ok(r.proofOps.length > 0);
    assert.equal(r.height, 1);
    const info = await app.info();
    const full = new Uint8Array([...utf8("bank/"), ...key]);
    assert.equal(verifyProof(info.lastBlockAppHash, full, r.value, r.proofOps), true);
  });

  it("queries at an older height", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    await runBlock(app, [send(accounts[0]!, accounts[1]!, 10n, { chainId, seq: 0n })]);
    const req = QueryBalanceRequest.encode({ address: accounts[1]!.address, denom: "aopen" }).finish();
    const old = await query(app, "/cosmos.bank.v1beta1.Query/Balance", req, 1);
    assert.equal(old.height, 1);
    assert.equal(QueryBalanceResponse.decode(old.value).balance!.amount, (10n ** 24n).toString());
  });

  it("prepares proposals within maxTxBytes and block gas; rejects undecodable proposals", async () => {
    const { app, accounts, chainId } = await createTestApp({
      accounts: 2,
      consensusParams: {
        block: { maxBytes: 1_000_000, maxGas: 450_000 },
        evidence: { maxAgeNumBlocks: 1, maxAgeDurationSeconds: 1, maxBytes: 1 },
        validator: { pubKeyTypes: ["ed25519"] },
        version: { app: 0 },
      },
    });
    const txs = [0n, 1n, 2n].map((s) => send(accounts[0]!, accounts[1]!, 1n, { chainId, seq: s }));
    const base = {
      localLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      height: 1,
      time: { seconds: 0n, nanos: 0 },
      nextValidatorsHash: new Uint8Array(),
      proposerAddress: new Uint8Array(),
    };
    const p = await app.prepareProposal({
      ...base,
      maxTxBytes: 1_000_000,
      txs: [new Uint8Array([1, 2, 3]), ...txs],
    });
    assert.equal(p.txs.length, 2, "the garbage tx is dropped; gas allows two");
    const p2 = await app.prepareProposal({ ...base, maxTxBytes: txs[0]!.length + 1, txs });
    assert.equal(p2.txs.length, 1);
    const pp = {
      proposedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash: new Uint8Array(),
      height: 1,
      time: { seconds: 0n, nanos: 0 },
      nextValidatorsHash: new Uint8Array(),
      proposerAddress: new Uint8Array(),
    };
    assert.deepEqual(await app.processProposal({ ...pp, txs: txs.slice(0, 2) }), { accept: true });
    assert.deepEqual(await app.processProposal({ ...pp, txs: [new Uint8Array([9])] }), { accept: false });
  });

  it("refuses sends to blocked module accounts and honours gov-only params updates", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 1 });
    await runBlock(app, []);
    const a = accounts[0]!;
    const feeCollector = app.moduleAccountAddress("fee_collector");
    const tx = signTx(a, [msgSend(a.address, feeCollector, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 0n,
      fee: FEE,
    });
    const r = (await runBlock(app, [tx])).txResults[0]!;
    assert.equal(r.code, 4);
    assert.match(r.log, /is not allowed to receive funds/);
    const distr = app.moduleAccountAddress("distribution");
    const txd = signTx(a, [msgSend(a.address, distr, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 1n,
      fee: FEE,
    });
    assert.equal((await runBlock(app, [txd])).txResults[0]!.code, 4);
    const gov = app.moduleAccountAddress("gov");
    const tx2 = signTx(a, [msgSend(a.address, gov, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 2n,
      fee: FEE,
    });
    assert.equal((await runBlock(app, [tx2])).txResults[0]!.code, 0, "gov may receive");
    const upd = {
      typeUrl: "/cosmos.bank.v1beta1.MsgUpdateParams",
      value: { authority: a.address, params: { sendEnabled: [], defaultSendEnabled: false } },
    };
    const tx3 = signTx(a, [upd], { chainId, accountNumber: 0n, sequence: 3n, fee: FEE });
    const r3 = (await runBlock(app, [tx3])).txResults[0]!;
    assert.equal(r3.codespace, "gov");
    assert.equal(r3.code, 13);
  });

  it("rejects a signer info whose key does not match the signer (sdk 8) and a memo over 256 chars (sdk 12)", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const imposter = { ...b, address: a.address, index: 0 };
    const c = await checkTx(
      app,
      signTx(imposter, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
        chainId,
        accountNumber: 0n,
        sequence: 0n,
        fee: FEE,
      }),
    );
    assert.equal(c.code, 8);
    const memo = "x".repeat(257);
    const c2 = await checkTx(
      app,
      signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
        chainId,
        accountNumber: 0n,
        sequence: 0n,
        fee: FEE,
        memo,
      }),
    );
    assert.equal(c2.code, 12);
  });

  it("runs out of gas with sdk 11 and keeps the fee", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const check = signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 0n,
      fee: FEE,
      gas: 35_000n,
    });
    const r = (await runBlock(app, [check])).txResults[0]!;
    assert.equal(r.code, 11);
    assert.match(r.log, /^out of gas in location: .*; gasWanted: 35000, gasUsed: \d+: out of gas$/);
    assert.equal((await account(app, a.address)).sequence, 1n);
    assert.equal(await balance(app, a.address), 10n ** 24n - 200_000n);
    const tiny = signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
      chainId,
      accountNumber: 0n,
      sequence: 1n,
      fee: FEE,
      gas: 100n,
    });
    const c = await checkTx(app, tiny);
    assert.equal(c.code, 11);
  });

  it("simulates from the request's decoded tx field and rejects unknown sign modes with sdk 4", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const [a, b] = accounts as [TestAccount, TestAccount];
    const signed = TxRaw.decode(send(a, b, 3n, { chainId, seq: 0n }));
    const tx = {
      body: TxBody.decode(signed.bodyBytes),
      authInfo: AuthInfo.decode(signed.authInfoBytes),
      signatures: signed.signatures,
    };
    const r = await query(
      app,
      "/cosmos.tx.v1beta1.Service/Simulate",
      SimulateRequest.encode({ tx, txBytes: new Uint8Array() }).finish(),
    );
    assert.equal(r.code, 0, r.log);
    assert.ok(SimulateResponse.decode(r.value).gasInfo!.gasUsed > 0n);
    const empty = await query(
      app,
      "/cosmos.tx.v1beta1.Service/Simulate",
      SimulateRequest.encode({ txBytes: new Uint8Array() }).finish(),
    );
    assert.equal(empty.code, 18);
    const auth = AuthInfo.decode(signed.authInfoBytes);
    auth.signerInfos[0]!.modeInfo = { single: { mode: SignMode.SIGN_MODE_TEXTUAL } };
    const textual = TxRaw.encode({ ...signed, authInfoBytes: AuthInfo.encode(auth).finish() }).finish();
    const c = await checkTx(app, textual);
    assert.equal(c.code, 4);
    assert.equal(c.codespace, "sdk");
  });
});
