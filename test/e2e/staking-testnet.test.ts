/**
 * e2e: a new validator joins a running 4-validator network. `testnet init-files` makes four
 * validators; a fifth node (same genesis, peers of the four) starts as a full node; dev account 5
 * sends MsgCreateValidator with the fifth node's consensus key through unmodified CosmJS; the new
 * validator appears in the validator set and its signature appears in the commits.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeCosmoshubPath } from "@cosmjs/amino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { readNodeConfig, writeNodeConfig } from "../../src/config/config.js";
import { fromBech32, toBech32 } from "../../src/crypto/address.js";
import { ed25519Address } from "../../src/crypto/ed25519.js";
import { fromBase64, toHex } from "../../src/types/bytes.js";
import { DEV_MNEMONIC, tempHome } from "./harness.js";
import {
  addFullNode,
  height,
  initTestnetFiles,
  launch,
  pickBasePort,
  rpc,
  type TestnetProc,
  waitFor,
} from "./testnetHarness.js";

const N = 5;

describe("a validator joins a running 4-validator network", { timeout: 150_000 }, () => {
  const root = tempHome("openledger-join-");
  const nodes: TestnetProc[] = [];

  before(async () => {
    const base = await pickBasePort(N, 30_000, 137);
    initTestnetFiles(root, base);
    for (let i = 0; i < 4; i++) {
      const home = join(root, `node${i}`);
      const c = readNodeConfig(home);
      c.consensus.timeoutProposeMs = 1500;
      c.consensus.timeoutProposeDeltaMs = 200;
      writeNodeConfig(home, c);
      nodes.push({ home, rpcPort: base + 10 * i + 1, log: "" });
    }
    // the fifth node: its own keys, the network's genesis, every validator as a peer
    nodes.push(addFullNode(root, base, nodes));
    for (const n of nodes) launch(n);
  });

  after(async () => {
    for (const n of nodes) n.proc?.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  });

  it("MsgCreateValidator with the new node's key: it joins the set and signs blocks", async () => {
    await waitFor(async () => (await height(nodes[0]!)) >= 2, 60_000, "height 2");
    const pv = JSON.parse(
      readFileSync(join(nodes[4]!.home, "config", "priv_validator_key.json"), "utf8"),
    ) as {
      pub_key: { value: string };
    };
    const pub = fromBase64(pv.pub_key.value);
    const consHex = toHex(ed25519Address(pub)).toUpperCase();
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
      prefix: "open",
      hdPaths: [makeCosmoshubPath(5)],
    });
    const op = (await wallet.getAccounts())[0]!.address;
    const client = await SigningStargateClient.connectWithSigner(
      `http://127.0.0.1:${nodes[0]!.rpcPort}`,
      wallet,
      {
        gasPrice: GasPrice.fromString("1000000000aopen"),
      },
    );
    const res = await client.signAndBroadcast(
      op,
      [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
          value: {
            description: { moniker: "node4", identity: "", website: "", securityContact: "", details: "" },
            commission: {
              rate: "100000000000000000",
              maxRate: "200000000000000000",
              maxChangeRate: "10000000000000000",
            },
            minSelfDelegation: "1",
            delegatorAddress: "",
            validatorAddress: toBech32("openvaloper", fromBech32(op).data),
            pubkey: {
              typeUrl: "/cosmos.crypto.ed25519.PubKey",
              value: Ed25519PubKey.encode({ key: pub }).finish(),
            },
            value: { denom: "aopen", amount: (50n * 10n ** 18n).toString() },
          },
        },
      ],
      "auto",
    );
    assert.equal(res.code, 0, res.rawLog);
    client.disconnect();
    // in the set
    await waitFor(
      async () => {
        const v = await rpc<{ validators: { address: string; voting_power: string }[] }>(
          nodes[0]!.rpcPort,
          "validators",
        );
        return v.validators.some((x) => x.address === consHex && x.voting_power === "50");
      },
      30_000,
      "the new validator in the set",
    );
    // and signing: its signature in a commit
    await waitFor(
      async () => {
        const b = await rpc<{
          block: { last_commit: { signatures: { validator_address: string; block_id_flag: number }[] } };
        }>(nodes[0]!.rpcPort, "block");
        return b.block.last_commit.signatures.some(
          (s) => s.validator_address === consHex && s.block_id_flag === 2,
        );
      },
      40_000,
      "a commit signed by the new validator",
    );
  });
});
