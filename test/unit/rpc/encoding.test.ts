import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BlockIdFlag } from "../../../src/abci/types.js";
import {
  encodeAbciInfo,
  encodeBlock,
  encodeBlockId,
  encodeBlockResults,
  encodeBroadcastTx,
  encodeCommitSig,
  encodeConsensusParams,
  encodeExecTxResult,
  encodeHeader,
  encodeQueryResponse,
  encodeStatus,
  encodeTxResult,
  encodeValidator,
  encodeValidatorUpdate,
  rfc3339Nano,
  timestampFromMillis,
} from "../../../src/rpc/encoding.js";
import { jsonDepth, parseJson, stringifyJson } from "../../../src/rpc/json.js";
import { argsFromJson, argsFromUri, type ParamSpec } from "../../../src/rpc/params.js";
import { absentCommitSig, GO_ZERO_TIME, zeroBlockId } from "../../../src/types/block.js";
import { fromHex, toHexUpper, utf8 } from "../../../src/types/bytes.js";
import { buildChain, PARAMS, VALIDATOR } from "./fixture.js";

const HEX_UPPER = /^[0-9A-F]*$/;

describe("rpc encoding: scalars", () => {
  it("formats times as Go's RFC3339Nano (trailing zeros trimmed, UTC)", () => {
    assert.equal(rfc3339Nano({ seconds: 1704164645n, nanos: 123456789 }), "2024-01-02T03:04:05.123456789Z");
    assert.equal(rfc3339Nano({ seconds: 1704164645n, nanos: 120000000 }), "2024-01-02T03:04:05.12Z");
    assert.equal(rfc3339Nano({ seconds: 1704164645n, nanos: 0 }), "2024-01-02T03:04:05Z");
    assert.equal(rfc3339Nano({ seconds: 0n, nanos: 0 }), "1970-01-01T00:00:00Z");
    assert.equal(rfc3339Nano(GO_ZERO_TIME), "0001-01-01T00:00:00Z");
    assert.equal(rfc3339Nano({ seconds: 951782400n, nanos: 5 }), "2000-02-29T00:00:00.000000005Z");
    assert.equal(rfc3339Nano({ seconds: -1n, nanos: 0 }), "1969-12-31T23:59:59Z");
  });

  it("agrees with Date for a sweep of instants", () => {
    let ms = 0;
    for (let i = 0; i < 200; i++) {
      ms = (ms * 48271 + 123456789) % 4102444800000; // deterministic walk over 1970..2100
      const ts = timestampFromMillis(ms);
      assert.equal(rfc3339Nano(ts), new Date(ms).toISOString().replace(/\.?0+Z$/, "Z"));
    }
  });

  it("escapes <, >, & as Go does", () => {
    assert.equal(stringifyJson({ a: "<b>&" }), '{"a":"\\u003cb\\u003e\\u0026"}');
    assert.deepEqual(JSON.parse(stringifyJson({ a: "<b>&" })), { a: "<b>&" });
  });

  it("measures nesting depth without recursion and refuses deep input", () => {
    assert.equal(jsonDepth('{"a":[1,{"b":"[[["}]}'), 3);
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    assert.throws(() => parseJson(deep), /max depth/);
  });
});

describe("rpc encoding: chain data", () => {
  const chain = buildChain();

  it("encodes a header with int64 strings, upper hex hashes and RFC3339 time", () => {
    const meta = chain.metas[1];
    assert.ok(meta);
    const h = encodeHeader(meta.header) as Record<string, unknown>;
    assert.deepEqual(h["version"], { block: "11", app: "0" });
    assert.equal(h["height"], "2");
    assert.equal(h["chain_id"], "openledger-test-1");
    assert.equal(h["time"], "2024-01-02T03:04:07.12Z");
    for (const k of ["data_hash", "app_hash", "validators_hash", "last_commit_hash", "proposer_address"]) {
      assert.match(String(h[k]), HEX_UPPER);
      assert.notEqual(h[k], "");
    }
    const lastId = h["last_block_id"] as { hash: string; parts: { total: number; hash: string } };
    assert.equal(typeof lastId.parts.total, "number");
    assert.equal(lastId.hash, toHexUpper(chain.metas[0]?.blockId.hash ?? new Uint8Array()));
  });

  it("encodes the zero block id and block 1's empty last commit as CometBFT", () => {
    assert.deepEqual(encodeBlockId(zeroBlockId()), { hash: "", parts: { total: 0, hash: "" } });
    const b1 = chain.blocks[0];
    assert.ok(b1);
    const enc = encodeBlock(b1) as Record<string, Record<string, unknown>>;
    assert.deepEqual(enc["last_commit"], {
      height: "0",
      round: 0,
      block_id: { hash: "", parts: { total: 0, hash: "" } },
      signatures: [],
    });
    assert.deepEqual(enc["data"], { txs: [] });
    assert.deepEqual(enc["evidence"], { evidence: [] });
  });

  it("encodes txs as base64 and commit signatures with numeric flags", () => {
    const b2 = chain.blocks[2];
    assert.ok(b2);
    const enc = encodeBlock(b2) as {
      data: { txs: string[] };
      last_commit: { signatures: Record<string, unknown>[] };
    };
    assert.deepEqual(enc.data.txs, [Buffer.from("tx-c").toString("base64")]);
    const sig = enc.last_commit.signatures[0];
    assert.ok(sig);
    assert.equal(sig["block_id_flag"], 2);
    assert.equal(sig["validator_address"], toHexUpper(VALIDATOR.address));
    assert.equal(typeof sig["signature"], "string");
    assert.deepEqual(encodeCommitSig(absentCommitSig()), {
      block_id_flag: BlockIdFlag.Absent,
      validator_address: "",
      timestamp: "0001-01-01T00:00:00Z",
      signature: null,
    });
  });

  it("encodes validators and validator updates", () => {
    assert.deepEqual(encodeValidator(VALIDATOR), {
      address: toHexUpper(VALIDATOR.address),
      pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.from(VALIDATOR.pubKey).toString("base64") },
      voting_power: "10",
      proposer_priority: "0",
    });
    const upd = encodeValidatorUpdate({ pubKey: VALIDATOR.pubKey, power: 5n });
    assert.equal(upd["power"], "5");
    assert.deepEqual(upd["pub_key"], {
      Sum: {
        type: "tendermint.crypto.PublicKey_Ed25519",
        value: { ed25519: Buffer.from(VALIDATOR.pubKey).toString("base64") },
      },
    });
  });
});

describe("rpc encoding: ABCI results", () => {
  const chain = buildChain();

  it("encodes a tx result as jsonpb with defaults (numbers, strings, null data, plain attributes)", () => {
    const failed = chain.txs[1];
    assert.ok(failed);
    assert.deepEqual(encodeExecTxResult(failed.result), {
      code: 5,
      data: null,
      log: "insufficient funds",
      info: "",
      gas_wanted: "200000",
      gas_used: "50001",
      events: [{ type: "tx", attributes: [{ key: "fee", value: "10aopen", index: true }] }],
      codespace: "sdk",
    });
  });

  it("encodes a tx search entry with hash, height string, index number", () => {
    const rec = chain.txs[0];
    assert.ok(rec);
    const hash = fromHex("AB".repeat(32));
    const out = encodeTxResult(hash, rec.height, rec.index, rec.tx, rec.result);
    assert.deepEqual(Object.keys(out), ["hash", "height", "index", "tx_result", "tx"]);
    assert.equal(out["hash"], "AB".repeat(32));
    assert.equal(out["height"], "2");
    assert.equal(out["index"], 0);
    assert.equal(out["tx"], Buffer.from("tx-a").toString("base64"));
  });

  it("encodes block results with null for empty lists and base64 app hash", () => {
    const out = encodeBlockResults(1, {
      events: [],
      txResults: [],
      validatorUpdates: [],
      appHash: utf8("h"),
    });
    assert.deepEqual(out, {
      height: "1",
      txs_results: null,
      finalize_block_events: null,
      validator_updates: null,
      consensus_param_updates: null,
      app_hash: "aA==",
    });
  });

  it("encodes query responses with proofOps, int64 strings and null empty bytes", () => {
    const out = encodeQueryResponse({
      code: 0,
      log: "",
      info: "",
      index: 0n,
      key: new Uint8Array(0),
      value: utf8("v"),
      proofOps: [{ type: "ics23:iavl", key: utf8("k"), data: utf8("d") }],
      height: 7,
      codespace: "",
    });
    assert.deepEqual(out, {
      code: 0,
      log: "",
      info: "",
      index: "0",
      key: null,
      value: "dg==",
      proofOps: { ops: [{ type: "ics23:iavl", key: "aw==", data: "ZA==" }] },
      height: "7",
      codespace: "",
    });
  });

  it("omits empty abci_info fields as libs/json does", () => {
    assert.deepEqual(
      encodeAbciInfo({
        data: "",
        version: "",
        appVersion: 0,
        lastBlockHeight: 0,
        lastBlockAppHash: new Uint8Array(),
      }),
      {},
    );
    assert.deepEqual(
      encodeAbciInfo({
        data: "x",
        version: "1",
        appVersion: 2,
        lastBlockHeight: 3,
        lastBlockAppHash: utf8("a"),
      }),
      { data: "x", version: "1", app_version: "2", last_block_height: "3", last_block_app_hash: "YQ==" },
    );
  });

  it("encodes consensus params with nanosecond durations", () => {
    assert.deepEqual(encodeConsensusParams(PARAMS), {
      block: { max_bytes: "22020096", max_gas: "-1" },
      evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
      validator: { pub_key_types: ["ed25519"] },
      version: { app: "0" },
      abci: { vote_extensions_enable_height: "0" },
    });
  });

  it("encodes broadcast results with hex data and hash", () => {
    assert.deepEqual(
      encodeBroadcastTx(fromHex("0a0b"), { code: 0, data: new Uint8Array(), log: "", codespace: "" }),
      { code: 0, data: "", log: "", codespace: "", hash: "0A0B" },
    );
  });

  it("encodes status with the 0.38 version and protocol versions", () => {
    const out = encodeStatus({
      nodeId: "ab".repeat(20),
      listenAddr: "tcp://0.0.0.0:26656",
      network: "c",
      moniker: "m",
      rpcAddress: "tcp://127.0.0.1:26657",
      latest: { height: 0, hash: utf8("x"), appHash: utf8("y"), time: { seconds: 0n, nanos: 0 } },
      earliest: { height: 0, hash: utf8("x"), appHash: utf8("y"), time: { seconds: 0n, nanos: 0 } },
      catchingUp: false,
      validatorPubKey: VALIDATOR.pubKey,
      votingPower: 10n,
    }) as Record<string, Record<string, unknown>>;
    assert.equal(out["node_info"]?.["version"], "0.38.17");
    assert.deepEqual(out["node_info"]?.["protocol_version"], { p2p: "8", block: "11", app: "0" });
    assert.deepEqual(out["node_info"]?.["other"], { tx_index: "on", rpc_address: "tcp://127.0.0.1:26657" });
    assert.equal(out["sync_info"]?.["latest_block_height"], "0");
    assert.equal(out["validator_info"]?.["address"], toHexUpper(VALIDATOR.address));
  });
});

describe("rpc params", () => {
  const specs: ParamSpec[] = [
    { name: "height", kind: "int64" },
    { name: "hash", kind: "hash" },
    { name: "data", kind: "hexBytes" },
    { name: "tx", kind: "bytes" },
    { name: "query", kind: "string" },
    { name: "prove", kind: "bool" },
    { name: "page", kind: "int" },
    { name: "chunk", kind: "uint" },
  ];

  it("converts named JSON params (int64 as string or number, base64, hex, hash either way)", () => {
    const a = argsFromJson(specs, {
      height: "5",
      hash: "ab".repeat(32),
      data: "0aff",
      tx: "AQID",
      query: "tx.height=5",
      prove: true,
      page: 2,
    });
    assert.equal(a.int("height"), 5);
    assert.equal(toHexUpper(a.bytes("hash") ?? new Uint8Array()), "AB".repeat(32));
    assert.deepEqual(a.bytes("data"), fromHex("0aff"));
    assert.deepEqual(a.bytes("tx"), new Uint8Array([1, 2, 3]));
    assert.equal(a.str("query"), "tx.height=5");
    assert.equal(a.bool("prove"), true);
    assert.equal(a.int("page"), 2);
    const b = argsFromJson(specs, { hash: Buffer.alloc(32, 0xab).toString("base64"), height: null });
    assert.equal(toHexUpper(b.bytes("hash") ?? new Uint8Array()), "AB".repeat(32));
    assert.equal(b.int("height"), undefined);
  });

  it("converts positional params and checks their count", () => {
    const a = argsFromJson(specs, ["7", null, null, null, null, false, null, "1"]);
    assert.equal(a.int("height"), 7);
    assert.equal(a.int("chunk"), 1);
    assert.throws(
      () => argsFromJson(specs, ["7"]),
      (e: unknown) => (e as { code: number }).code === -32602,
    );
  });

  it("rejects wrong types with -32602", () => {
    const bad: Record<string, unknown>[] = [
      { height: true },
      { height: "abc" },
      { height: 1.5 },
      { height: "99999999999999999999" },
      { height: { a: 1 } },
      { query: 5 },
      { prove: "yes" },
      { tx: "not base64!" },
      { data: "zz" },
      { hash: 12 },
      { chunk: "-1" },
      { page: "4294967296" },
    ];
    for (const params of bad) {
      assert.throws(
        () => argsFromJson(specs, params as never),
        (e: unknown) => (e as { code: number }).code === -32602,
        JSON.stringify(params),
      );
    }
    assert.throws(
      () => argsFromJson(specs, "str"),
      (e: unknown) => (e as { code: number }).code === -32602,
    );
  });

  it("converts URI params by CometBFT's rules", () => {
    const q = new URLSearchParams(
      'height=5&hash=0xABAB&data=0x0aff&tx="hello"&query="tx.height=5"&prove=true&page="3"',
    );
    const a = argsFromUri(specs, q);
    assert.equal(a.int("height"), 5);
    assert.deepEqual(a.bytes("hash"), fromHex("abab"));
    assert.deepEqual(a.bytes("data"), fromHex("0aff"));
    assert.deepEqual(a.bytes("tx"), utf8("hello"));
    assert.equal(a.str("query"), "tx.height=5");
    assert.equal(a.bool("prove"), true);
    assert.equal(a.int("page"), 3);
    assert.equal(
      toHexUpper(
        argsFromUri(specs, new URLSearchParams(`hash=${"cd".repeat(32)}`)).bytes("hash") ?? new Uint8Array(),
      ),
      "CD".repeat(32),
    );
  });

  it("rejects malformed URI params with -32602", () => {
    for (const qs of ["height=0x10", "query=tx.height=5", "height=abc", "prove=maybe", "data=0xzz"]) {
      assert.throws(
        () => argsFromUri(specs, new URLSearchParams(qs)),
        (e: unknown) => (e as { code: number }).code === -32602,
        qs,
      );
    }
  });
});
