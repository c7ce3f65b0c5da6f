/**
 * Adapts the Tendermint engine's round state (`RoundStateView`) to what the RPC's `consensus_state`
 * / `dump_consensus_state` and the consensus metrics read (`RpcRoundState`, CometBFT's RoundState).
 */
import type { RoundStateView } from "../consensus/engine.js";
import type { RpcRoundState, RpcRoundStep } from "../rpc/env.js";

/** The RPC's view of the engine's round state (votes by validator index, absent ones undefined). */
export function tendermintRoundState(view: RoundStateView): RpcRoundState {
  const rs: RpcRoundState = {
    height: view.height,
    round: view.round,
    // both enums are CometBFT's RoundStepType (1 = NewHeight … 8 = Commit)
    step: view.step as number as RpcRoundStep,
    startTime: view.startTime,
    commitTime: view.commitTime,
    validators: view.validators,
    proposerIndex: view.proposerIndex,
    lastValidators: view.lastValidators,
    votes: view.votes.map((r) => ({
      round: r.round,
      prevotes: r.prevoteVotes,
      precommits: r.precommitVotes,
    })),
    lockedRound: view.lockedRound,
    validRound: view.validRound,
    commitRound: view.commitRound,
    triggeredTimeoutPrecommit: view.triggeredTimeoutPrecommit,
  };
  if (view.lastCommitCertificate !== undefined) rs.lastCommit = view.lastCommitCertificate;
  if (view.proposal !== undefined) rs.proposal = view.proposal;
  if (view.proposalBlockHash !== undefined) rs.proposalBlockHash = view.proposalBlockHash;
  if (view.lockedBlockHash !== undefined) rs.lockedBlockHash = view.lockedBlockHash;
  if (view.validBlockHash !== undefined) rs.validBlockHash = view.validBlockHash;
  return rs;
}
