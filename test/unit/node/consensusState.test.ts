/**
 * The Tendermint engine's round state through the adapter and the RPC's `consensus_state` /
 * `dump_consensus_state`: a real 1-validator engine (real ed25519 through the engine's default
 * verifier), its state captured at the Commit step, rendered as CometBFT prints it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TendermintEngine } from "../../../src/consensus/engine.js";
import { MemorySigner } from "../../../src/consensus/memorySigner.js";
import type { ConsensusNetwork } from "../../../src/consensus/types.js";
import { MemoryWAL } from "../../../src/consensus/wal.js";
import { tendermintRoundState } from "../../../src/node/consensusState.js";
import { dispatch } from "../../../src/rpc/dispatch.js";
import { type RpcRoundState, RpcRoundStep } from "../../../src/rpc/env.js";
import { GenesisCache, type RouteContext } from "../../../src/rpc/routes.js";
import { SignedMsgType, type Vote, zeroBlockId } from "../../../src/types/block.js";
import { toHexUpper } from "../../../src/types/bytes.js";
import { newDisk, SimApp, SimBlockStore, SimMempool } from "../../sim/app.js";
import { ManualClock, PARAMS, GENESIS_TIME as T0, TIMEOUTS } from "../consensus/fixtures.js";
import { FixtureEnv } from "../rpc/fixture.js";

class StateEnv extends FixtureEnv {
  constructor(private readonly rs: RpcRoundState) {
    super();
  }
  consensusState(): RpcRoundState {
    return this.rs;
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

type RoundJson = {
  round: number;
  prevotes: string[];
  prevotes_bit_array: string;
  precommits: string[];
  precommits_bit_array: string;
};

describe("Tendermint round state through the RPC", () => {
  it("reports H/R/S, votes per round, proposal and locked/valid blocks of a running engine", async () => {
    const signer = MemorySigner.fromSeed(new Uint8Array(32).fill(7));
    const disk = newDisk();
    const store = new SimBlockStore(disk);
    const clock = new ManualClock();
    const atCommit: RpcRoundState[] = [];
    const hashes: Uint8Array[] = [];
    const net: ConsensusNetwork = { broadcast: () => {}, sendTo: () => {}, setHandler: () => {} };
    const genesis = {
      time: T0,
      chainId: "rs-test",
      consensusParams: PARAMS,
      validators: [{ pubKey: signer.pubKey, power: 5n }],
      appStateBytes: new Uint8Array(0),
      initialHeight: 1,
    };
    let engine: TendermintEngine | undefined;
    engine = new TendermintEngine(
      {
        genesis,
        timeouts: TIMEOUTS,
        gossipIntervalMs: 0,
      },
      {
        app: new SimApp(disk, store, [signer.pubKey]),
        blockStore: store,
        mempool: new SimMempool(0),
        signer,
        clock,
        // no verifySignature: the default (ed25519) must accept the engine's own real signatures
        events: {
          onNewBlock: (ev) => {
            hashes.push(ev.blockId.hash);
            if (engine !== undefined) atCommit.push(tendermintRoundState(engine.roundState()));
          },
        },
        network: net,
        wal: new MemoryWAL(),
      },
    );
    await engine.start();
    for (let i = 0; i < 20 && atCommit.length < 2; i++) {
      clock.advance(250);
      await engine.whenIdle();
    }
    assert.equal(engine.error, undefined);
    assert.equal(atCommit.length, 2);
    const rs = atCommit[1] as RpcRoundState;
    const hash = toHexUpper(hashes[1] as Uint8Array);
    assert.equal(rs.height, 2);
    assert.equal(rs.step, RpcRoundStep.Commit);

    const cs = await dispatch(ctx(new StateEnv(rs)), "consensus_state", {});
    assert.ok(cs.ok);
    const r = (cs.result as { round_state: Record<string, unknown> }).round_state;
    assert.equal(r["height/round/step"], "2/0/8");
    assert.equal(r["proposal_block_hash"], hash);
    assert.equal(r["locked_block_hash"], hash);
    assert.equal(r["valid_block_hash"], hash);
    const hvs = r["height_vote_set"] as RoundJson[];
    assert.deepEqual(
      hvs.map((x) => x.round),
      [0, 1],
    );
    const r0 = hvs[0] as RoundJson;
    assert.match(
      r0.prevotes[0] ?? "",
      new RegExp(`^Vote\\{0:[0-9A-F]{12} 2/00/SIGNED_MSG_TYPE_PREVOTE\\(Prevote\\) ${hash.slice(0, 12)} `),
    );
    assert.match(r0.precommits[0] ?? "", /SIGNED_MSG_TYPE_PRECOMMIT\(Precommit\)/);
    assert.equal(r0.prevotes_bit_array, "BA{1:x} 5/5 = 1.00");
    assert.equal(r0.precommits_bit_array, "BA{1:x} 5/5 = 1.00");
    assert.deepEqual((hvs[1] as RoundJson).prevotes, ["nil-Vote"]);
    assert.equal((hvs[1] as RoundJson).prevotes_bit_array, "BA{1:_} 0/5 = 0.00");
    assert.deepEqual(r["proposer"], { address: toHexUpper(signer.address), index: 0 });

    const dump = await dispatch(ctx(new StateEnv(rs)), "dump_consensus_state", []);
    assert.ok(dump.ok);
    const d = (dump.result as { round_state: Record<string, unknown> }).round_state;
    assert.equal(d["height"], "2");
    assert.equal(d["step"], 8);
    assert.equal(d["locked_round"], 0);
    assert.equal(d["valid_round"], 0);
    assert.equal(d["commit_round"], 0);
    const proposal = d["proposal"] as {
      height: string;
      round: number;
      pol_round: number;
      block_id: { hash: string };
    };
    assert.equal(proposal.height, "2");
    assert.equal(proposal.pol_round, -1);
    assert.equal(proposal.block_id.hash, hash);
    const lc = d["last_commit"] as { votes_bit_array: string };
    assert.equal(lc.votes_bit_array, "BA{1:x}");
    assert.equal((d["votes"] as RoundJson[]).length, 2);

    // at the next height: NewHeight, the last commit kept, votes empty
    const next = tendermintRoundState(engine.roundState());
    assert.equal(next.height, 3);
    assert.equal(next.step, RpcRoundStep.NewHeight);
    assert.equal(next.lastCommit?.height, 2);
    assert.equal(next.lastValidators.length, 1);
    await engine.stop();
  });

  it("marks absent votes nil-Vote and nil votes with a zero block hash", async () => {
    const signer = MemorySigner.fromSeed(new Uint8Array(32).fill(9));
    const vals = [
      { address: signer.address, pubKey: signer.pubKey, votingPower: 10n, proposerPriority: 0n },
      {
        address: new Uint8Array(20).fill(1),
        pubKey: new Uint8Array(32).fill(1),
        votingPower: 20n,
        proposerPriority: 0n,
      },
    ];
    const nilVote: Vote = {
      type: SignedMsgType.Prevote,
      height: 7,
      round: 1,
      blockId: zeroBlockId(),
      timestamp: T0,
      validatorAddress: signer.address,
      validatorIndex: 0,
      signature: new Uint8Array(64).fill(0xab),
    };
    const rs: RpcRoundState = {
      height: 7,
      round: 1,
      step: RpcRoundStep.PrevoteWait,
      startTime: T0,
      commitTime: T0,
      validators: vals,
      proposerIndex: 1,
      lastValidators: vals,
      votes: [
        { round: 0, prevotes: [undefined, undefined], precommits: [undefined, undefined] },
        { round: 1, prevotes: [nilVote, undefined], precommits: [undefined, undefined] },
      ],
      lockedRound: -1,
      validRound: -1,
      commitRound: -1,
    };
    const cs = await dispatch(ctx(new StateEnv(rs)), "consensus_state", {});
    assert.ok(cs.ok);
    const r = (cs.result as { round_state: Record<string, unknown> }).round_state;
    assert.equal(r["height/round/step"], "7/1/5");
    assert.equal(r["proposal_block_hash"], "");
    const hvs = r["height_vote_set"] as RoundJson[];
    const r1 = hvs[1] as RoundJson;
    assert.match(
      r1.prevotes[0] ?? "",
      /^Vote\{0:[0-9A-F]{12} 7\/01\/SIGNED_MSG_TYPE_PREVOTE\(Prevote\) 000000000000 ABABABABABAB 000000000000 @ /,
    );
    assert.equal(r1.prevotes[1], "nil-Vote");
    assert.equal(r1.prevotes_bit_array, "BA{2:x_} 10/30 = 0.33");
  });
});
