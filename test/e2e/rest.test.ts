/**
 * e2e for the REST gateway (port 1317): a real `openledgerd dev` process, its routes derived from the
 * Cosmos SDK protos (the `@protobufs/*` packages, or `OPENLEDGER_PROTO_PATH`), read with plain HTTP,
 * a tx signed by CosmJS broadcast over REST and found by hash and by events, and hostile input.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { protobufsPackagesDir } from "../../src/rest/protoLoader.js";
import { DEV_MNEMONIC, NodeProcess } from "./harness.js";

const PREFIX = "open";
const GAS_PRICE = GasPrice.fromString("1000000000aopen");
const SDK_PROTOS = protobufsPackagesDir() !== undefined || (process.env.OPENLEDGER_PROTO_PATH ?? "") !== "";

type Obj = Record<string, unknown>;

describe("REST gateway against a dev node", () => {
  it("has the Cosmos SDK protos it derives routes from (a declared dependency: missing is a failure)", () => {
    assert.ok(SDK_PROTOS, "the Cosmos SDK protos (@protobufs/cosmos) are not installed: run npm ci");
  });

  let node: NodeProcess;
  let api: string;
  let alice: string;
  let wallet: DirectSecp256k1HdWallet;

  const get = async (path: string): Promise<{ status: number; json: Obj }> => {
    const r = await fetch(`${api}${path}`);
    return { status: r.status, json: (await r.json()) as Obj };
  };
  const post = async (path: string, body: unknown): Promise<{ status: number; json: Obj }> => {
    const r = await fetch(`${api}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: r.status, json: (await r.json()) as Obj };
  };

  before(async () => {
    node = await NodeProcess.start();
    api = `http://127.0.0.1:${node.apiPort}`;
    wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, { prefix: PREFIX });
    const [a] = await wallet.getAccounts();
    alice = a?.address ?? "";
  });

  after(async () => {
    await node?.destroy();
  });

  it("reads balances, accounts, supply, denom metadata and params", async () => {
    const client = await StargateClient.connect(node.rpcUrl);
    const expected = await client.getBalance(alice, "aopen");
    client.disconnect();
    const balances = await get(`/cosmos/bank/v1beta1/balances/${alice}`);
    assert.equal(balances.status, 200);
    assert.deepEqual(balances.json.balances, [{ denom: "aopen", amount: expected.amount }]);
    assert.deepEqual(Object.keys(balances.json.pagination as Obj), ["next_key", "total"]);
    const one = await get(`/cosmos/bank/v1beta1/balances/${alice}/by_denom?denom=aopen`);
    assert.deepEqual(one.json, { balance: { denom: "aopen", amount: expected.amount } });

    const acct = await get(`/cosmos/auth/v1beta1/accounts/${alice}`);
    assert.equal(acct.status, 200);
    const account = acct.json.account as Obj;
    assert.equal(account["@type"], "/cosmos.auth.v1beta1.BaseAccount");
    assert.equal(account.address, alice);
    assert.match(String(account.account_number), /^\d+$/);
    assert.match(String(account.sequence), /^\d+$/);
    assert.ok("pub_key" in account);

    const nobody = toBech32(PREFIX, new Uint8Array(20).fill(7));
    const missing = await get(`/cosmos/auth/v1beta1/accounts/${nobody}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.code, 5);
    assert.match(String(missing.json.message), /not found/);
    assert.deepEqual(missing.json.details, []);

    const supply = await get("/cosmos/bank/v1beta1/supply");
    assert.equal(supply.status, 200);
    assert.ok(
      (supply.json.supply as Obj[]).some((c) => c.denom === "aopen" && BigInt(String(c.amount)) > 0n),
    );
    const meta = await get("/cosmos/bank/v1beta1/denoms_metadata/aopen");
    assert.equal(meta.status, 200);
    assert.equal((meta.json.metadata as Obj).base, "aopen");
    const bankParams = await get("/cosmos/bank/v1beta1/params");
    assert.equal((bankParams.json.params as Obj).default_send_enabled, true);
    const authParams = await get("/cosmos/auth/v1beta1/params");
    assert.match(String((authParams.json.params as Obj).max_memo_characters), /^\d+$/);
  });

  it("serves node_info, syncing, blocks and validator sets", async () => {
    const info = await get("/cosmos/base/tendermint/v1beta1/node_info");
    assert.equal(info.status, 200);
    const dni = info.json.default_node_info as Obj;
    assert.equal(dni.network, "openledger-dev");
    assert.match(String(dni.version), /^0\.38\./);
    assert.deepEqual((await get("/cosmos/base/tendermint/v1beta1/syncing")).json, { syncing: false });
    const latest = await get("/cosmos/base/tendermint/v1beta1/blocks/latest");
    assert.equal(latest.status, 200);
    const header = (latest.json.block as Obj).header as Obj;
    assert.equal(header.chain_id, "openledger-dev");
    assert.ok(Number(header.height) >= 1);
    assert.match(String(((latest.json.sdk_block as Obj).header as Obj).proposer_address), /^openvalcons1/);
    const first = await get("/cosmos/base/tendermint/v1beta1/blocks/1");
    assert.equal(((first.json.block as Obj).header as Obj).height, "1");
    const tooHigh = await get("/cosmos/base/tendermint/v1beta1/blocks/99999999");
    assert.equal(tooHigh.status, 400);
    const vals = await get("/cosmos/base/tendermint/v1beta1/validatorsets/latest");
    const v = (vals.json.validators as Obj[])[0] ?? {};
    assert.equal((v.pub_key as Obj)["@type"], "/cosmos.crypto.ed25519.PubKey");
  });

  it("simulates, broadcasts over REST, then finds the tx by hash and by events", async () => {
    const signer = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GAS_PRICE,
    });
    const to = toBech32(PREFIX, new Uint8Array(20).fill(9));
    const msg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice, toAddress: to, amount: [{ denom: "aopen", amount: "12345" }] },
    };
    const raw = await signer.sign(alice, [msg], calculateFee(200_000, GAS_PRICE), "via rest");
    signer.disconnect();
    const txBytes = Buffer.from(TxRaw.encode(raw).finish()).toString("base64");

    const sim = await post("/cosmos/tx/v1beta1/simulate", { tx_bytes: txBytes });
    assert.equal(sim.status, 200, JSON.stringify(sim.json));
    assert.ok(Number((sim.json.gas_info as Obj).gas_used) > 0);

    const sent = await post("/cosmos/tx/v1beta1/txs", { tx_bytes: txBytes, mode: "BROADCAST_MODE_SYNC" });
    assert.equal(sent.status, 200);
    const txr = sent.json.tx_response as Obj;
    assert.equal(txr.code, 0, String(txr.raw_log));
    const hash = String(txr.txhash);
    assert.match(hash, /^[0-9A-F]{64}$/);

    let found: { status: number; json: Obj } = { status: 0, json: {} };
    for (let i = 0; i < 60 && found.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      found = await get(`/cosmos/tx/v1beta1/txs/${hash}`);
    }
    assert.equal(found.status, 200, JSON.stringify(found.json));
    const resp = found.json.tx_response as Obj;
    assert.equal(resp.txhash, hash);
    assert.equal(resp.code, 0);
    assert.ok(Number(resp.height) >= 1);
    const body = (found.json.tx as Obj).body as Obj;
    assert.equal(body.memo, "via rest");
    assert.deepEqual((body.messages as Obj[])[0], {
      "@type": "/cosmos.bank.v1beta1.MsgSend",
      from_address: alice,
      to_address: to,
      amount: [{ denom: "aopen", amount: "12345" }],
    });
    const events = resp.events as { type: string; attributes: { key: string; value: string }[] }[];
    const transfer = events.find((e) => e.type === "transfer" && e.attributes.some((a) => a.value === to));
    assert.ok(transfer, "transfer event with plain-string attributes");

    const q = encodeURIComponent(`transfer.recipient='${to}'`);
    const byQuery = await get(`/cosmos/tx/v1beta1/txs?query=${q}`);
    assert.equal(byQuery.status, 200, JSON.stringify(byQuery.json));
    assert.equal(byQuery.json.total, "1");
    assert.equal(((byQuery.json.tx_responses as Obj[])[0] as Obj).txhash, hash);
    const byEvents = await get(`/cosmos/tx/v1beta1/txs?events=${q}&order_by=ORDER_BY_DESC`);
    assert.equal(byEvents.json.total, "1");

    const decoded = await post("/cosmos/tx/v1beta1/decode", { tx_bytes: txBytes });
    assert.equal(decoded.status, 200, JSON.stringify(decoded.json));
    assert.equal(((decoded.json.tx as Obj).body as Obj).memo, "via rest");
    const encoded = await post("/cosmos/tx/v1beta1/encode", { tx: decoded.json.tx });
    assert.equal(encoded.status, 200, JSON.stringify(encoded.json));
    assert.equal(encoded.json.tx_bytes, txBytes);
    const withTxs = await get(`/cosmos/tx/v1beta1/txs/block/${String(resp.height)}`);
    assert.equal(withTxs.status, 200, JSON.stringify(withTxs.json));
    assert.ok((withTxs.json.txs as Obj[]).some((t) => (t.body as Obj).memo === "via rest"));

    const gone = await get(`/cosmos/tx/v1beta1/txs/${"0".repeat(64)}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.json.code, 5);
  });

  it("serves the SDK 0.50 queries of auth, bank, staking, distribution and gov", async () => {
    const info = await get(`/cosmos/auth/v1beta1/account_info/${alice}`);
    assert.equal(info.status, 200, JSON.stringify(info.json));
    const base = info.json.info as Obj;
    assert.equal(base.address, alice);
    assert.match(String(base.account_number), /^\d+$/);
    const nobody = toBech32(PREFIX, new Uint8Array(20).fill(11));
    const none = await get(`/cosmos/auth/v1beta1/account_info/${nobody}`);
    assert.equal(none.status, 404);
    assert.equal(none.json.code, 5);

    const se = await get("/cosmos/bank/v1beta1/send_enabled");
    assert.equal(se.status, 200, JSON.stringify(se.json));
    assert.ok(Array.isArray(se.json.send_enabled));
    const spendable = await get(`/cosmos/bank/v1beta1/spendable_balances/${alice}/by_denom?denom=aopen`);
    assert.equal(spendable.status, 200, JSON.stringify(spendable.json));
    assert.equal((spendable.json.balance as Obj).denom, "aopen");
    assert.match(String((spendable.json.balance as Obj).amount), /^\d+$/);

    const vals = await get("/cosmos/staking/v1beta1/validators");
    assert.equal(vals.status, 200, JSON.stringify(vals.json));
    const list = vals.json.validators as Obj[];
    assert.ok(Array.isArray(list));
    for (const v of list) assert.match(String(v.operator_address), /^openvaloper1/);
    assert.deepEqual(Object.keys(vals.json.pagination as Obj), ["next_key", "total"]);

    const pool = await get("/cosmos/distribution/v1beta1/community_pool");
    assert.equal(pool.status, 200, JSON.stringify(pool.json));
    assert.ok(Array.isArray(pool.json.pool));

    const voting = await get("/cosmos/gov/v1/params/voting");
    assert.equal(voting.status, 200, JSON.stringify(voting.json));
    assert.match(String((voting.json.voting_params as Obj).voting_period), /^\d+s$/);
    assert.match(String((voting.json.params as Obj).quorum), /^0\.\d{18}$/);
    const constitution = await get("/cosmos/gov/v1/constitution");
    assert.equal(constitution.status, 200);
    assert.equal(typeof constitution.json.constitution, "string");
  });

  it("answers hostile input with coded JSON errors and keeps producing blocks", async () => {
    const h0 = await node.height();
    const badAddr = await get("/cosmos/bank/v1beta1/balances/not-an-address");
    assert.equal(badAddr.status, 400);
    assert.equal(badAddr.json.code, 3);
    const unknown = await get("/cosmos/nothing/here");
    assert.deepEqual(
      [unknown.status, unknown.json],
      [501, { code: 12, message: "Not Implemented", details: [] }],
    );
    const badLimit = await get(`/cosmos/bank/v1beta1/balances/${alice}?pagination.limit=lots`);
    assert.equal(badLimit.status, 400);
    const badJson = await post("/cosmos/tx/v1beta1/txs", "{nope");
    assert.equal(badJson.status, 400);
    const badTx = await post("/cosmos/tx/v1beta1/txs", { tx_bytes: "AAAA", mode: "BROADCAST_MODE_SYNC" });
    assert.equal(badTx.status, 200);
    assert.notEqual((badTx.json.tx_response as Obj).code, 0);
    const huge = await fetch(`${api}/cosmos/tx/v1beta1/txs`, {
      method: "POST",
      body: "x".repeat(2_000_000),
    }).catch(() => undefined);
    if (huge) assert.equal(huge.status, 413);
    const doc = await get("/openapi.json");
    assert.ok("/cosmos/bank/v1beta1/balances/{address}" in (doc.json.paths as Obj));
    await node.waitForHeight(h0 + 1);
  });
});
