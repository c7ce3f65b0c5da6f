import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { validateAppState } from "../../../src/app/genesis.js";
import { CONFIG_CODESPACE, ConfigCode } from "../../../src/config/errors.js";
import {
  formatRfc3339,
  genesisToInitChain,
  genesisToJson,
  genesisValidator,
  parseGenesis,
  parseRfc3339,
} from "../../../src/config/genesis.js";
import { ed25519FromSeed } from "../../../src/crypto/ed25519.js";
import { buildGenesis, TOTAL_SUPPLY } from "../../../src/node/genesisBuilder.js";
import { CodedError } from "../../../src/types/errors.js";

const key = ed25519FromSeed(new Uint8Array(32).fill(1));

function sample(): Record<string, unknown> {
  const doc = buildGenesis({
    chainId: "openledger-dev",
    time: { seconds: 1_700_000_000n, nanos: 123_000_000 },
    validators: [genesisValidator(key.publicKey, 10n, "v0")],
    devAccounts: true,
  });
  return genesisToJson(doc);
}

function supplyOf(json: Record<string, unknown>): bigint {
  const bank = (json["app_state"] as { bank: { supply: { denom: string; amount: string }[] } }).bank;
  return bank.supply.filter((c) => c.denom === "aopen").reduce((s, c) => s + BigInt(c.amount), 0n);
}

describe("genesis documents", () => {
  it("round-trips through JSON", () => {
    const json = sample();
    const doc = parseGenesis(JSON.stringify(json));
    assert.deepEqual(genesisToJson(doc), json);
    const req = genesisToInitChain(doc);
    assert.equal(req.chainId, "openledger-dev");
    assert.equal(req.validators[0]?.power, 10n);
    assert.deepEqual(req.time, { seconds: 1_700_000_000n, nanos: 123_000_000 });
  });

  it("allocates exactly the fixed supply, dev accounts included", () => {
    const json = sample();
    assert.equal(supplyOf(json), TOTAL_SUPPLY);
    validateAppState(json["app_state"]);
  });

  it("ships templates that validate and hold the fixed supply", () => {
    for (const f of ["openledger-1.json", "openledger-testnet-1.json"]) {
      const text = readFileSync(join(import.meta.dirname, "../../../genesis", f), "utf8");
      const doc = parseGenesis(text);
      validateAppState(doc.appState);
      assert.equal(supplyOf(JSON.parse(text) as Record<string, unknown>), TOTAL_SUPPLY);
    }
  });

  it("rejects malformed documents with coded errors", () => {
    const mutate = (f: (g: Record<string, unknown>) => void): string => {
      const g = sample();
      f(g);
      return JSON.stringify(g);
    };
    const cases: [string, ConfigCode][] = [
      ["{", ConfigCode.Syntax],
      ["[]", ConfigCode.InvalidGenesis],
      ["null", ConfigCode.InvalidGenesis],
      [mutate((g) => (g["chain_id"] = "")), ConfigCode.InvalidGenesis],
      [mutate((g) => (g["chain_id"] = "x".repeat(51))), ConfigCode.InvalidGenesis],
      [mutate((g) => (g["genesis_time"] = "yesterday")), ConfigCode.InvalidGenesis],
      [mutate((g) => (g["initial_height"] = "0")), ConfigCode.InvalidGenesis],
      [mutate((g) => (g["initial_height"] = 1.5)), ConfigCode.InvalidGenesis],
      [mutate((g) => (g["app_hash"] = "zz")), ConfigCode.InvalidGenesis],
      [
        mutate((g) => (g["validators"] = [{ pub_key: { type: "x", value: "" }, power: "1" }])),
        ConfigCode.InvalidGenesis,
      ],
      [mutate((g) => ((g["validators"] as { power: string }[])[0]!.power = "0")), ConfigCode.InvalidGenesis],
      [
        mutate((g) => ((g["validators"] as { address: string }[])[0]!.address = "00")),
        ConfigCode.InvalidGenesis,
      ],
      [mutate((g) => (g["consensus_params"] = { block: { max_bytes: "0" } })), ConfigCode.InvalidGenesis],
      [
        mutate((g) => (g["consensus_params"] = { validator: { pub_key_types: ["secp256k1"] } })),
        ConfigCode.InvalidGenesis,
      ],
      [mutate((g) => (g["app_state"] = [])), ConfigCode.InvalidGenesis],
    ];
    for (const [text, code] of cases) {
      assert.throws(
        () => parseGenesis(text),
        (e: unknown) => e instanceof CodedError && e.codespace === CONFIG_CODESPACE && e.code === code,
        text.slice(0, 80),
      );
    }
  });

  it("formats and parses RFC 3339 times with nanoseconds", () => {
    const t = parseRfc3339("2024-01-02T03:04:05.123456789Z");
    assert.deepEqual(t, { seconds: 1_704_164_645n, nanos: 123_456_789 });
    assert.equal(formatRfc3339(t), "2024-01-02T03:04:05.123456789Z");
    assert.equal(formatRfc3339({ seconds: 0n, nanos: 100_000_000 }), "1970-01-01T00:00:00.1Z");
  });
});
