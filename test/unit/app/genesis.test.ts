import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OpenLedgerApp } from "../../../src/app/app.js";
import { chainConfigFromAppState, defaultAppState, validateAppState } from "../../../src/app/genesis.js";
import { toBech32 } from "../../../src/crypto/address.js";
import { MemoryDatabase, StateStore } from "../../../src/store/index.js";
import { createTestApp, hdAccount, runBlock } from "../../../src/testing/index.js";
import { utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

function rejects(f: () => unknown): void {
  assert.throws(f, (e: unknown) => e instanceof CodedError && e.codespace.length > 0);
}

describe("app genesis", () => {
  it("builds a valid default app state with module accounts and token metadata", () => {
    const a = hdAccount(0);
    const s = defaultAppState({
      accounts: [{ address: a.address, coins: "1000aopen" }],
      moduleBalances: { distribution: "5aopen" },
    });
    const cfg = validateAppState(s);
    assert.equal(cfg.bech32Prefix, "open");
    assert.equal(cfg.valoperPrefix, "openvaloper");
    assert.equal(cfg.bondDenom, "aopen");
    const auth = s["auth"] as { accounts: { "@type": string; name?: string }[] };
    assert.deepEqual(
      auth.accounts.filter((x) => x["@type"] === "/cosmos.auth.v1beta1.ModuleAccount").map((x) => x.name),
      ["bonded_tokens_pool", "distribution", "fee_collector", "gov", "not_bonded_tokens_pool"],
    );
    const bank = s["bank"] as { supply: { amount: string }[]; denom_metadata: { display: string }[] };
    assert.equal(bank.supply[0]!.amount, "1005");
    assert.equal(bank.denom_metadata[0]!.display, "OPEN");
  });

  it("rejects bad app states with coded errors", () => {
    const a = hdAccount(0);
    const good = defaultAppState({ accounts: [{ address: a.address, coins: "1000aopen" }] });
    const clone = () => structuredClone(good) as Record<string, Record<string, unknown>>;
    rejects(() => validateAppState([]));
    const wrongSupply = clone();
    (wrongSupply["bank"]!["supply"] as { amount: string }[])[0]!.amount = "1";
    rejects(() => validateAppState(wrongSupply));
    const mixed = clone();
    (mixed["auth"]!["accounts"] as Record<string, unknown>[])[0]!["address"] = toBech32(
      "cosmos",
      a.addressBytes,
    );
    rejects(() => validateAppState(mixed));
    const dup = clone();
    const accs = dup["auth"]!["accounts"] as Record<string, unknown>[];
    accs.push({ ...accs[0]!, account_number: "99" });
    rejects(() => validateAppState(dup));
    const orphan = clone();
    (orphan["bank"]!["balances"] as unknown[]).push({
      address: hdAccount(5).address,
      coins: [{ denom: "aopen", amount: "1" }],
    });
    rejects(() => validateAppState(orphan));
    const badCoins = clone();
    (badCoins["bank"]!["balances"] as { coins: { amount: string }[] }[])[0]!.coins[0]!.amount = "-5";
    rejects(() => validateAppState(badCoins));
    const badParams = clone();
    badParams["auth"]!["params"] = {
      max_memo_characters: "0",
      tx_sig_limit: "7",
      tx_size_cost_per_byte: "10",
      sig_verify_cost_ed25519: "590",
      sig_verify_cost_secp256k1: "1000",
    };
    rejects(() => validateAppState(badParams));
  });

  it("takes bech32 prefix and bond denom from genesis", async () => {
    const a = hdAccount(0, undefined, "cosmos");
    const s = defaultAppState({
      prefix: "cosmos",
      denom: "ustake",
      displayDenom: "STAKE",
      exponent: 6,
      accounts: [{ address: a.address, coins: "10ustake" }],
    });
    assert.equal(chainConfigFromAppState(s).bondDenom, "ustake");
    const app = new OpenLedgerApp({}, { store: StateStore.open(new MemoryDatabase()) });
    await app.initChain({
      time: { seconds: 0n, nanos: 0 },
      chainId: "c-1",
      consensusParams: {
        block: { maxBytes: 1_000_000, maxGas: -1 },
        evidence: { maxAgeNumBlocks: 1, maxAgeDurationSeconds: 1, maxBytes: 1 },
        validator: { pubKeyTypes: ["ed25519"] },
        version: { app: 0 },
      },
      validators: [],
      appStateBytes: utf8(JSON.stringify(s)),
      initialHeight: 1,
    });
    assert.equal(app.chain.bech32Prefix, "cosmos");
    assert.equal(app.chain.bondDenom, "ustake");
    assert.equal(app.moduleAccountAddress("gov").startsWith("cosmos1"), true);
    assert.deepEqual(app.exportGenesis(), s);
  });

  it("refuses malformed app_state JSON and a mismatched chain id in InitChain", async () => {
    const app = new OpenLedgerApp({ chainId: "right" }, { store: StateStore.open(new MemoryDatabase()) });
    const req = {
      time: { seconds: 0n, nanos: 0 },
      chainId: "right",
      consensusParams: {
        block: { maxBytes: 1, maxGas: -1 },
        evidence: { maxAgeNumBlocks: 1, maxAgeDurationSeconds: 1, maxBytes: 1 },
        validator: { pubKeyTypes: [] },
        version: { app: 0 },
      },
      validators: [],
      appStateBytes: utf8("{not json"),
      initialHeight: 1,
    };
    await assert.rejects(app.initChain(req), (e: unknown) => e instanceof CodedError && e.code === 17);
    await assert.rejects(
      app.initChain({ ...req, chainId: "wrong", appStateBytes: utf8("{}") }),
      (e: unknown) => e instanceof CodedError && e.code === 28,
    );
  });

  it("export after activity equals the app state a fresh chain would import", async () => {
    const { app } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const exported = app.exportGenesis();
    validateAppState(exported);
  });
});
