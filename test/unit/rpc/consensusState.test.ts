import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dispatch } from "../../../src/rpc/dispatch.js";
import { type RpcRoundState, RpcRoundStep } from "../../../src/rpc/env.js";
import { GenesisCache, type RouteContext } from "../../../src/rpc/routes.js";
import { FixtureEnv, VALIDATOR } from "./fixture.js";

class RoundEnv extends FixtureEnv {
  consensusState(): RpcRoundState {
    return {
      height: 4,
      round: 0,
      step: RpcRoundStep.NewHeight,
      startTime: { seconds: 1704164650n, nanos: 5_000_000 },
      commitTime: { seconds: 1704164649n, nanos: 0 },
      validators: [VALIDATOR],
      proposerIndex: 0,
      lastValidators: [VALIDATOR],
      lastCommit: this.chain.commits[2],
    };
  }
}

function ctx(env: FixtureEnv): RouteContext {
  return {
    env,
    rpcAddress: "tcp://127.0.0.1:0",
    timeoutBroadcastTxCommitMs: 100,
    genesis: new GenesisCache(() => env.genesisJson()),
  };
}

describe("consensus_state / dump_consensus_state", () => {
  it("prints CometBFT's round state shapes", async () => {
    const env = new RoundEnv();
    const cs = await dispatch(ctx(env), "consensus_state", {});
    assert.ok(cs.ok);
    assert.deepEqual(cs.result, {
      round_state: {
        "height/round/step": "4/0/1",
        start_time: "2024-01-02T03:04:10.005Z",
        proposal_block_hash: "",
        locked_block_hash: "",
        valid_block_hash: "",
        height_vote_set: [
          {
            round: 0,
            prevotes: ["nil-Vote"],
            prevotes_bit_array: "BA{1:_} 0/10 = 0.00",
            precommits: ["nil-Vote"],
            precommits_bit_array: "BA{1:_} 0/10 = 0.00",
          },
        ],
        proposer: { address: Buffer.from(VALIDATOR.address).toString("hex").toUpperCase(), index: 0 },
      },
    });
    const dump = await dispatch(ctx(env), "dump_consensus_state", []);
    assert.ok(dump.ok);
    const rs = (dump.result as { round_state: Record<string, unknown> }).round_state;
    assert.equal(rs["height"], "4");
    assert.equal(rs["round"], 0);
    assert.equal(rs["step"], 1);
    assert.equal(rs["commit_time"], "2024-01-02T03:04:09Z");
    assert.equal(rs["locked_round"], -1);
    const lc = rs["last_commit"] as { votes: string[]; votes_bit_array: string };
    assert.equal(lc.votes_bit_array, "BA{1:x}");
    assert.match(lc.votes[0] ?? "", /^Vote\{0:[0-9A-F]{12} 3\/00\/SIGNED_MSG_TYPE_PRECOMMIT\(Precommit\) /);
    assert.deepEqual((dump.result as { peers: unknown[] }).peers, []);
  });

  it("is an internal error when the engine exposes no round state", async () => {
    const out = await dispatch(ctx(new FixtureEnv()), "consensus_state", undefined);
    assert.equal(out.ok, false);
    if (!out.ok) {
      assert.equal(out.error.code, -32603);
      assert.equal(out.error.data, "consensus state is not available");
    }
  });
});
