/**
 * Duplicate-vote evidence (CometBFT `evidence/`, in memory): building it from two conflicting votes,
 * verifying it against the validator set of its height, and a pool that holds pending evidence for
 * proposals and forgets it once committed or expired.
 */
import type { ConsensusParams, Misbehavior, Timestamp } from "../abci/types.js";
import {
  type DuplicateVoteEvidence,
  type Evidence,
  encodeEvidence,
  evidenceItemHash,
  type Vote,
  voteSignBytes,
} from "../types/block.js";
import { equalBytes, toHex } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import {
  CONSENSUS_CODESPACE,
  ConsensusErrorCode,
  type EvidencePool,
  type SignatureVerifier,
} from "./types.js";
import type { ValidatorSet } from "./validatorSet.js";
import { blockIdKey } from "./voteSet.js";

/**
 * The longest prefix of `evidence` (in the order given) whose encodings fit `maxBytes`, each counted
 * encoded + 4 bytes as a proposal's evidence list is.
 */
export function evidenceWithinBytes(evidence: Iterable<Evidence>, maxBytes: number): Evidence[] {
  const out: Evidence[] = [];
  let bytes = 0;
  for (const ev of evidence) {
    const size = encodeEvidence(ev).length + 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    out.push(ev);
  }
  return out;
}

/**
 * CometBFT `NewDuplicateVoteEvidence`: the two votes ordered by block id key, with the offender's and
 * the set's power and the time of the block at the votes' height.
 */
export function makeDuplicateVoteEvidence(
  a: Vote,
  b: Vote,
  blockTime: Timestamp,
  valSet: ValidatorSet,
): DuplicateVoteEvidence {
  const val = valSet.getByAddress(a.validatorAddress).validator;
  if (val === undefined) throw evError("offender is not in the validator set");
  const [voteA, voteB] = blockIdKey(a.blockId) < blockIdKey(b.blockId) ? [a, b] : [b, a];
  return {
    type: "duplicate_vote",
    voteA,
    voteB,
    totalVotingPower: valSet.totalVotingPower,
    validatorPower: val.votingPower,
    timestamp: blockTime,
  };
}

/**
 * CometBFT `VerifyDuplicateVote`: same height/round/type/validator, different block ids, in order,
 * both signatures valid, powers matching `valSet` (the set of the votes' height). Throws a coded error.
 */
export function verifyDuplicateVoteEvidence(
  chainId: string,
  ev: Evidence,
  valSet: ValidatorSet,
  verify: SignatureVerifier,
): void {
  const { voteA: a, voteB: b } = ev;
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type) {
    throw evError("votes are for different height/round/type");
  }
  if (!equalBytes(a.validatorAddress, b.validatorAddress))
    throw evError("votes are from different validators");
  const ka = blockIdKey(a.blockId);
  const kb = blockIdKey(b.blockId);
  if (ka === kb) throw evError("votes are for the same block");
  if (ka > kb) throw evError("votes are not in order");
  const { index, validator } = valSet.getByAddress(a.validatorAddress);
  if (validator === undefined || a.validatorIndex !== index || b.validatorIndex !== index) {
    throw evError("offender is not in the validator set at that index");
  }
  if (ev.validatorPower !== validator.votingPower || ev.totalVotingPower !== valSet.totalVotingPower) {
    throw evError("evidence powers do not match the validator set");
  }
  if (
    !verify(validator.pubKey, voteSignBytes(chainId, a), a.signature) ||
    !verify(validator.pubKey, voteSignBytes(chainId, b), b.signature)
  ) {
    throw evError("invalid signature in evidence");
  }
}

/**
 * CometBFT's expiry rule (`evidence.max_age_num_blocks` and `max_age_duration`): evidence is too old
 * only when it is older than both bounds, measured from the block at `height` and its time.
 */
export function isEvidenceExpired(
  ev: Evidence,
  height: number,
  blockTime: Timestamp,
  params: ConsensusParams["evidence"],
): boolean {
  return (
    height - ev.voteA.height > params.maxAgeNumBlocks &&
    blockTime.seconds - ev.timestamp.seconds > BigInt(params.maxAgeDurationSeconds)
  );
}

/** The pool key of evidence: hex of its hash (CometBFT `DuplicateVoteEvidence.Hash()`). */
export function evidenceKey(ev: Evidence): string {
  return toHex(evidenceItemHash(ev));
}

/** The app's view of evidence (ABCI `Misbehavior`). */
export function evidenceToMisbehavior(ev: Evidence): Misbehavior {
  return {
    type: "duplicate_vote",
    validatorAddress: ev.voteA.validatorAddress,
    validatorPower: ev.validatorPower,
    height: ev.voteA.height,
    time: ev.timestamp,
    totalVotingPower: ev.totalVotingPower,
  };
}

/** An evidence pool in memory. */
export class MemoryEvidencePool implements EvidencePool {
  private readonly pending = new Map<string, Evidence>();
  private readonly committed = new Map<string, number>();

  /** Add verified evidence (ignored when pending or committed already). */
  addEvidence(evidence: Evidence): void {
    const key = evidenceKey(evidence);
    if (this.pending.has(key) || this.committed.has(key)) return;
    this.pending.set(key, evidence);
  }

  /** Pending evidence within `maxBytes`, oldest height first. */
  pendingEvidence(maxBytes: number): Evidence[] {
    return evidenceWithinBytes(
      [...this.pending.values()].sort((x, y) => x.voteA.height - y.voteA.height),
      maxBytes,
    );
  }

  /** True when committed. */
  isCommitted(evidence: Evidence): boolean {
    return this.committed.has(evidenceKey(evidence));
  }

  /** Mark committed evidence and drop pending evidence older than the params allow. */
  update(
    height: number,
    committed: readonly Evidence[],
    params: ConsensusParams,
    blockTime: Timestamp,
  ): void {
    for (const ev of committed) {
      const key = evidenceKey(ev);
      this.pending.delete(key);
      this.committed.set(key, ev.voteA.height);
    }
    for (const [key, ev] of this.pending) {
      if (isEvidenceExpired(ev, height, blockTime, params.evidence)) this.pending.delete(key);
    }
  }

  /** Number of pending items. */
  get size(): number {
    return this.pending.size;
  }
}

function evError(message: string): CodedError {
  return new CodedError(CONSENSUS_CODESPACE, ConsensusErrorCode.InvalidEvidence, message);
}
