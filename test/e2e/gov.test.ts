/**
 * e2e for governance: a real `openledgerd dev` (short dev gov periods: voting 10 s, min deposit
 * 10 OPEN) driven by unmodified CosmJS — v1beta1 MsgSubmitProposal (TextProposal), MsgDeposit
 * (amino-signed) and MsgVote with `SigningStargateClient`, read back with `setupGovExtension` — and
 * the CLI's `tx gov draft-proposal` / `submit-proposal` / `vote` / `query gov` against the same node.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeCosmoshubPath, Secp256k1HdWallet } from "@cosmjs/amino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, QueryClient, SigningStargateClient, setupGovExtension } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { ProposalStatus, TextProposal, VoteOption } from "cosmjs-types/cosmos/gov/v1beta1/gov";
import { DEV_MNEMONIC, NodeProcess, runCli, tempHome } from "./harness.js";

const PREFIX = "open";
const OPEN = 10n ** 18n;
const GAS_PRICE = GasPrice.fromString("1000000000aopen");

async function direct(i: number) {
  return DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
    prefix: PREFIX,
    hdPaths: [makeCosmoshubPath(i)],
  });
}
async function amino(i: number) {
  return Secp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, { prefix: PREFIX, hdPaths: [makeCosmoshubPath(i)] });
}

/** Retry once: pooled keep-alive sockets go stale while `spawnSync` CLI runs block the event loop. */
async function retry<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch {
    return f();
  }
}

describe("gov e2e", { concurrency: 1 }, () => {
  let node: NodeProcess;
  let comet: Comet38Client;
  let q: ReturnType<typeof makeQuery>;
  let firstId = "";
  let upgradeHeight = 0;
  function makeQuery(c: Comet38Client) {
    return QueryClient.withExtensions(c, setupGovExtension);
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

  it("submits, deposits and votes with CosmJS; the proposal passes", async () => {
    const params = await q.gov.params("voting");
    assert.equal(params.votingParams.votingPeriod.seconds, 10n);
    const w1 = await direct(1);
    const [a1] = await w1.getAccounts();
    const c1 = await SigningStargateClient.connectWithSigner(node.rpcUrl, w1, { gasPrice: GAS_PRICE });
    const submit = await c1.signAndBroadcast(
      a1!.address,
      [
        {
          typeUrl: "/cosmos.gov.v1beta1.MsgSubmitProposal",
          value: {
            content: {
              typeUrl: "/cosmos.gov.v1beta1.TextProposal",
              value: TextProposal.encode({ title: "Hello", description: "A text proposal" }).finish(),
            },
            initialDeposit: [{ denom: "aopen", amount: (4n * OPEN).toString() }],
            proposer: a1!.address,
          },
        },
      ],
      "auto",
    );
    assert.equal(submit.code, 0, submit.rawLog);
    const { proposals } = await q.gov.proposals(ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD, "", "");
    assert.equal(proposals.length, 1);
    const id = proposals[0]!.proposalId.toString();
    assert.equal(TextProposal.decode(proposals[0]!.content!.value).title, "Hello");

    // Amino-signed deposit (legacy wallets) completes the 10 OPEN minimum.
    const w2 = await amino(2);
    const [a2] = await w2.getAccounts();
    const c2 = await SigningStargateClient.connectWithSigner(node.rpcUrl, w2, { gasPrice: GAS_PRICE });
    const dep = await c2.signAndBroadcast(
      a2!.address,
      [
        {
          typeUrl: "/cosmos.gov.v1beta1.MsgDeposit",
          value: {
            proposalId: id,
            depositor: a2!.address,
            amount: [{ denom: "aopen", amount: (6n * OPEN).toString() }],
          },
        },
      ],
      "auto",
    );
    assert.equal(dep.code, 0, dep.rawLog);
    const p = await q.gov.proposal(id);
    assert.equal(p.proposal.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    const deposits = await q.gov.deposits(id);
    assert.equal(deposits.deposits.length, 2);

    // The dev validator (account 0) votes yes.
    const w0 = await direct(0);
    const [a0] = await w0.getAccounts();
    const c0 = await SigningStargateClient.connectWithSigner(node.rpcUrl, w0, { gasPrice: GAS_PRICE });
    const v = await c0.signAndBroadcast(
      a0!.address,
      [
        {
          typeUrl: "/cosmos.gov.v1beta1.MsgVote",
          value: { proposalId: BigInt(id), voter: a0!.address, option: VoteOption.VOTE_OPTION_YES },
        },
      ],
      "auto",
    );
    assert.equal(v.code, 0, v.rawLog);
    const vote = await q.gov.vote(id, a0!.address);
    assert.equal(vote.vote.options[0]?.option, VoteOption.VOTE_OPTION_YES);
    const live = await q.gov.tally(id);
    assert.ok(BigInt(live.tally.yes) > 0n);
    await assert.rejects(q.gov.proposal(999), /proposal 999 doesn't exist/);

    firstId = id;
    c0.disconnect();
    c1.disconnect();
    c2.disconnect();
  });

  it("drafts, submits and votes a params proposal with the CLI", async () => {
    const home = tempHome("openledger-gov-cli-");
    const kr = ["--keyring-backend", "test", "--home", home];
    const ok = (r: ReturnType<typeof runCli>) => {
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };
    ok(runCli(["keys", "add", "val", "--recover", ...kr], { input: `${DEV_MNEMONIC}\n` }));
    const file = join(home, "proposal.json");
    ok(
      runCli(["tx", "gov", "draft-proposal", "--type", "bank-params", "--out", file, "--node", node.rpcUrl]),
    );
    // Add a software upgrade to the same proposal: it runs after voting (10 s) and the timelock (5 s).
    const doc = JSON.parse(readFileSync(file, "utf8")) as { messages: Record<string, unknown>[] };
    assert.equal(doc.messages[0]?.["@type"], "/cosmos.bank.v1beta1.MsgUpdateParams");
    upgradeHeight = (await node.height()) + 24;
    doc.messages.push({
      "@type": "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade",
      authority: doc.messages[0]!["authority"],
      plan: { name: "v9.9.9", height: String(upgradeHeight), info: "get v9.9.9" },
    });
    writeFileSync(file, JSON.stringify(doc));
    const tx = [
      "--from",
      "val",
      "--yes",
      "--gas",
      "auto",
      "--gas-prices",
      "1000000000aopen",
      "--broadcast-mode",
      "block",
      "--node",
      node.rpcUrl,
      ...kr,
    ];
    ok(runCli(["tx", "gov", "submit-proposal", file, ...tx]));
    const list = JSON.parse(
      ok(
        runCli([
          "-o",
          "json",
          "query",
          "gov",
          "proposals",
          "--status",
          "voting_period",
          "--node",
          node.rpcUrl,
        ]),
      ),
    ) as {
      proposals: { id: string; messages: { type_url?: string; typeUrl?: string }[] }[];
    };
    // Only ours: the CosmJS proposal of the first test may still be in its voting period.
    const ours = list.proposals.filter((p) =>
      p.messages.some((m) => (m.type_url ?? m.typeUrl) === "/cosmos.bank.v1beta1.MsgUpdateParams"),
    );
    assert.equal(ours.length, 1);
    const id = ours[0]!.id;
    ok(runCli(["tx", "gov", "vote", id, "yes", ...tx]));
    const tally = JSON.parse(
      ok(runCli(["-o", "json", "query", "gov", "tally", id, "--node", node.rpcUrl])),
    ) as {
      tally: { yes_count: string };
    };
    assert.ok(BigInt(tally.tally.yes_count) > 0n);
    const bad = runCli(["-o", "json", "query", "gov", "proposal", "77", "--node", node.rpcUrl]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /proposal 77 doesn't exist/);
    const first = await retry(() => q.gov.proposal(firstId));
    assert.equal(first.proposal.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
  });

  it("the passed upgrade plan halts the node at its height with the upgrade message", async () => {
    await node.waitFor(
      async () =>
        (await retry(() => q.gov.proposal(2))).proposal.status !==
        ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD,
      20_000,
      "upgrade proposal tallied",
    );
    const p2 = runCli(["-o", "json", "query", "gov", "proposal", "2", "--node", node.rpcUrl]);
    assert.match(p2.stdout, /PROPOSAL_STATUS_PASSED/, p2.stdout + p2.stderr);
    const msg = `UPGRADE "v9.9.9" NEEDED at height: ${upgradeHeight}: get v9.9.9`;
    try {
      await node.waitFor(async () => node.log.includes(msg), 40_000, "upgrade halt");
    } catch (e) {
      const now = runCli(["-o", "json", "query", "gov", "proposal", "2", "--node", node.rpcUrl]);
      throw new Error(`${(e as Error).message.slice(0, 200)}\n${now.stdout}${now.stderr}`);
    }
    await node.waitFor(async () => node.pid === undefined, 10_000, "node exit");
    const h = await fetch(`${node.rpcUrl}/status`).then(
      () => "up",
      () => "down",
    );
    assert.equal(h, "down");
  });
});
