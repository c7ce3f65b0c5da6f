/**
 * CometBFT's validator set with weighted round-robin proposer selection (`types/validator_set.go`):
 * each validator's proposer priority grows by its voting power every round, the one with the highest
 * priority proposes and pays the total voting power; priorities are kept within a window of
 * 2 × total power (rescaling) and centred on zero (shift by the average). Updates follow
 * `UpdateWithChangeSet`: new validators start at -1.125 × total power. Pure: no I/O.
 */
import { BlockIdFlag, type ValidatorUpdate } from "../abci/types.js";
import { ed25519Address } from "../crypto/ed25519.js";
import {
  type BlockID,
  type Commit,
  SignedMsgType,
  type Validator,
  type Vote,
  validatorSetHash,
  voteSignBytes,
  zeroBlockId,
} from "../types/block.js";
import { compareBytes, equalBytes } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import { CONSENSUS_CODESPACE, ConsensusErrorCode, type SignatureVerifier } from "./types.js";

/** int64 bounds, as CometBFT clips priorities to them. */
const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;
/** CometBFT `MaxTotalVotingPower` (MaxInt64 / 8). */
export const MAX_TOTAL_VOTING_POWER = MAX_INT64 / 8n;
/** CometBFT `PriorityWindowSizeFactor`. */
export const PRIORITY_WINDOW_SIZE_FACTOR = 2n;

/** A validator set with proposer priorities. Mutating methods change this set in place. */
export class ValidatorSet {
  /** The validators (CometBFT order after updates: power desc, then address asc). */
  validators: Validator[];
  /** The proposer of the current round (undefined for an empty set). */
  proposer: Validator | undefined;
  private total = 0n;
  private hashMemo: Uint8Array | undefined;

  /** A set over `validators` as given (order and priorities kept), with no increment. */
  constructor(validators: readonly Validator[], proposer?: Validator) {
    this.validators = validators.map((v) => ({ ...v }));
    this.proposer = proposer === undefined ? undefined : { ...proposer };
    this.updateTotalVotingPower();
  }

  /** CometBFT `NewValidatorSet`: apply `validators` as a change set to an empty set, then increment once. */
  static create(validators: readonly Validator[]): ValidatorSet {
    const set = new ValidatorSet([]);
    set.updateWithChangeSet(validators, false);
    if (set.validators.length > 0) set.incrementProposerPriority(1);
    return set;
  }

  /** A set from ABCI validator updates (genesis / InitChain), as `create`. */
  static fromUpdates(updates: readonly ValidatorUpdate[]): ValidatorSet {
    const set = ValidatorSet.fromUpdatesNoIncrement(updates);
    set.incrementProposerPriority(1);
    return set;
  }

  /** `fromUpdates` without the final increment (the "base" set the engine stores). */
  static fromUpdatesNoIncrement(updates: readonly ValidatorUpdate[]): ValidatorSet {
    const set = new ValidatorSet([]);
    set.updateWithChangeSet(
      updates.map((u) => ({
        address: ed25519Address(u.pubKey),
        pubKey: u.pubKey,
        votingPower: u.power,
        proposerPriority: 0n,
      })),
      false,
    );
    if (set.size === 0) throw vsError("empty validator set");
    return set;
  }

  /**
   * A set loaded from storage: validators with their stored priorities; the proposer is the one
   * with the highest priority (ties: lowest address), as CometBFT recomputes it.
   */
  static fromStored(validators: readonly Validator[]): ValidatorSet {
    const set = new ValidatorSet(validators);
    if (set.validators.length > 0) set.proposer = { ...set.findProposer() };
    return set;
  }

  /** Number of validators. */
  get size(): number {
    return this.validators.length;
  }

  /** Sum of voting powers. */
  get totalVotingPower(): bigint {
    return this.total;
  }

  /** A deep copy. */
  copy(): ValidatorSet {
    const c = new ValidatorSet(this.validators, this.proposer);
    c.hashMemo = this.hashMemo;
    return c;
  }

  /** CometBFT `ValidatorSet.Hash()` (keys and powers only; memoised). */
  hash(): Uint8Array {
    if (this.hashMemo === undefined) this.hashMemo = validatorSetHash(this.validators);
    return this.hashMemo;
  }

  /** A copy with `times` increments applied. */
  copyIncrementProposerPriority(times: number): ValidatorSet {
    const c = this.copy();
    c.incrementProposerPriority(times);
    return c;
  }

  /** The current proposer (computed when unset). */
  getProposer(): Validator {
    if (this.validators.length === 0) throw vsError("empty validator set has no proposer");
    if (this.proposer === undefined) this.proposer = { ...this.findProposer() };
    return this.proposer;
  }

  /** Index and validator with `address`, or index -1. */
  getByAddress(address: Uint8Array): { index: number; validator: Validator | undefined } {
    const index = this.validators.findIndex((v) => equalBytes(v.address, address));
    return { index, validator: index < 0 ? undefined : this.validators[index] };
  }

  /** The validator at `index`. */
  getByIndex(index: number): Validator | undefined {
    return this.validators[index];
  }

  /** True when `address` is in the set. */
  hasAddress(address: Uint8Array): boolean {
    return this.getByAddress(address).index >= 0;
  }

  /** CometBFT `IncrementProposerPriority(times)`: rescale, centre, then `times` proposer rotations. */
  incrementProposerPriority(times: number): void {
    if (this.validators.length === 0) throw vsError("empty validator set");
    if (!Number.isSafeInteger(times) || times <= 0) throw vsError("cannot call with non-positive times");
    const diffMax = PRIORITY_WINDOW_SIZE_FACTOR * this.total;
    this.rescalePriorities(diffMax);
    this.shiftByAvgProposerPriority();
    let proposer: Validator | undefined;
    for (let i = 0; i < times; i++) proposer = this.incrementOnce();
    this.proposer = proposer === undefined ? undefined : { ...proposer };
  }

  /** CometBFT `RescalePriorities`: divide every priority so max - min ≤ diffMax. */
  rescalePriorities(diffMax: bigint): void {
    if (this.validators.length === 0) throw vsError("empty validator set");
    if (diffMax <= 0n) return;
    const diff = this.maxMinPriorityDiff();
    const ratio = (diff + diffMax - 1n) / diffMax;
    if (diff > diffMax) {
      for (const v of this.validators) v.proposerPriority = v.proposerPriority / ratio; // truncates like Go
    }
  }

  /** CometBFT `computeAvgProposerPriority` (Euclidean division, as Go's big.Int.Div). */
  avgProposerPriority(): bigint {
    if (this.validators.length === 0) throw vsError("empty validator set");
    let sum = 0n;
    for (const v of this.validators) sum += v.proposerPriority;
    const n = BigInt(this.validators.length);
    let q = sum / n;
    if (sum % n !== 0n && sum < 0n) q -= 1n;
    return q;
  }

  /** CometBFT `shiftByAvgProposerPriority`. */
  shiftByAvgProposerPriority(): void {
    const avg = this.avgProposerPriority();
    for (const v of this.validators) v.proposerPriority = clip(v.proposerPriority - avg);
  }

  /**
   * CometBFT `UpdateWithChangeSet`: add, update (power > 0) or remove (power 0) validators. New ones
   * start at -(total + total/8); the set is then rescaled, centred and sorted by power. Throws a coded
   * error for duplicates, negative power, removing unknown validators, an empty result or an
   * oversized total.
   */
  updateWithChangeSet(changes: readonly Validator[], allowDeletes = true): void {
    if (changes.length === 0) return;
    const sorted = [...changes].sort((a, b) => compareBytes(a.address, b.address));
    for (let i = 1; i < sorted.length; i++) {
      if (equalBytes((sorted[i - 1] as Validator).address, (sorted[i] as Validator).address)) {
        throw vsError("duplicate entry in validator changes");
      }
    }
    const updates: Validator[] = [];
    const deletes: Validator[] = [];
    for (const c of sorted) {
      if (c.votingPower < 0n) throw vsError("voting power can't be negative");
      if (c.votingPower > MAX_TOTAL_VOTING_POWER) throw vsError("voting power exceeds the maximum");
      if (c.votingPower === 0n) deletes.push(c);
      else updates.push(c);
    }
    if (!allowDeletes && deletes.length > 0) throw vsError("cannot process validators with voting power 0");
    for (const d of deletes) {
      if (!this.hasAddress(d.address)) throw vsError("failed to find validator to remove");
    }
    // total after updates, before removals
    let tvpAfterUpdates = this.total;
    for (const u of updates) {
      const existing = this.getByAddress(u.address).validator;
      tvpAfterUpdates += u.votingPower - (existing?.votingPower ?? 0n);
    }
    if (tvpAfterUpdates > MAX_TOTAL_VOTING_POWER) throw vsError("total voting power exceeds the maximum");
    // priorities of updates
    const prepared = updates.map((u) => {
      const existing = this.getByAddress(u.address).validator;
      return {
        address: u.address,
        pubKey: u.pubKey,
        votingPower: u.votingPower,
        proposerPriority:
          existing === undefined ? -(tvpAfterUpdates + (tvpAfterUpdates >> 3n)) : existing.proposerPriority,
      };
    });
    const byAddr = new Map<string, Validator>();
    for (const v of this.validators) byAddr.set(hexKey(v.address), { ...v });
    for (const u of prepared) byAddr.set(hexKey(u.address), u);
    for (const d of deletes) byAddr.delete(hexKey(d.address));
    const next = [...byAddr.values()];
    if (next.length === 0) throw vsError("applying the validator changes would result in an empty set");
    this.validators = next;
    this.hashMemo = undefined;
    this.updateTotalVotingPower();
    this.rescalePriorities(PRIORITY_WINDOW_SIZE_FACTOR * this.total);
    this.shiftByAvgProposerPriority();
    this.validators.sort(byVotingPower);
  }

  /** Apply ABCI validator updates (ed25519 keys; power 0 removes). */
  applyUpdates(updates: readonly ValidatorUpdate[]): void {
    this.updateWithChangeSet(
      updates.map((u) => {
        if (u.pubKey.length !== 32) throw vsError("validator update needs a 32-byte ed25519 key");
        return {
          address: ed25519Address(u.pubKey),
          pubKey: u.pubKey,
          votingPower: u.power,
          proposerPriority: 0n,
        };
      }),
    );
  }

  // ---- private ----

  private incrementOnce(): Validator {
    for (const v of this.validators) v.proposerPriority = clip(v.proposerPriority + v.votingPower);
    const mostest = this.findProposer();
    mostest.proposerPriority = clip(mostest.proposerPriority - this.total);
    return mostest;
  }

  private findProposer(): Validator {
    let res = this.validators[0] as Validator;
    for (const v of this.validators) {
      if (
        v.proposerPriority > res.proposerPriority ||
        (v.proposerPriority === res.proposerPriority && compareBytes(v.address, res.address) < 0)
      ) {
        res = v;
      }
    }
    return res;
  }

  private maxMinPriorityDiff(): bigint {
    let max = MIN_INT64;
    let min = MAX_INT64;
    for (const v of this.validators) {
      if (v.proposerPriority < min) min = v.proposerPriority;
      if (v.proposerPriority > max) max = v.proposerPriority;
    }
    const diff = max - min;
    return diff < 0n ? -diff : diff > MAX_INT64 ? MAX_INT64 : diff;
  }

  private updateTotalVotingPower(): void {
    let sum = 0n;
    for (const v of this.validators) {
      sum += v.votingPower;
      if (sum > MAX_TOTAL_VOTING_POWER) throw vsError("total voting power exceeds the maximum");
    }
    this.total = sum;
  }
}

// ---------------------------------------------------------------------------------------------
// Private

function clip(n: bigint): bigint {
  return n > MAX_INT64 ? MAX_INT64 : n < MIN_INT64 ? MIN_INT64 : n;
}

function byVotingPower(a: Validator, b: Validator): number {
  if (a.votingPower !== b.votingPower) return a.votingPower > b.votingPower ? -1 : 1;
  return compareBytes(a.address, b.address);
}

function hexKey(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

function vsError(message: string): CodedError {
  return new CodedError(CONSENSUS_CODESPACE, ConsensusErrorCode.InvalidValidatorSet, message);
}

/**
 * CometBFT `VerifyCommit`: `commit` is for `blockId` at `height`, has one entry per validator of
 * `valSet`, every non-absent signature is valid, and the Commit-flag signatures carry +2/3 of the
 * power. Throws a coded `InvalidBlock` error.
 */
export function verifyCommit(
  chainId: string,
  valSet: ValidatorSet,
  blockId: BlockID,
  height: number,
  commit: Commit,
  verify: SignatureVerifier,
): void {
  const fail = (m: string): never => {
    throw new CodedError(CONSENSUS_CODESPACE, ConsensusErrorCode.InvalidBlock, `invalid commit: ${m}`);
  };
  if (commit.height !== height) fail(`height ${commit.height}, expected ${height}`);
  if (!blockIdsEqual(commit.blockId, blockId)) fail("wrong block id");
  if (commit.signatures.length !== valSet.size)
    fail(`${commit.signatures.length} signatures for ${valSet.size} validators`);
  let tally = 0n;
  commit.signatures.forEach((sig, i) => {
    if (sig.blockIdFlag === BlockIdFlag.Absent) return;
    const val = valSet.validators[i] as Validator;
    if (!equalBytes(sig.validatorAddress, val.address)) fail(`signature ${i} from the wrong validator`);
    const vote: Vote = {
      type: SignedMsgType.Precommit,
      height,
      round: commit.round,
      blockId: sig.blockIdFlag === BlockIdFlag.Commit ? commit.blockId : zeroBlockId(),
      timestamp: sig.timestamp,
      validatorAddress: sig.validatorAddress,
      validatorIndex: i,
      signature: sig.signature,
    };
    if (sig.blockIdFlag !== BlockIdFlag.Commit && sig.blockIdFlag !== BlockIdFlag.Nil) fail("unknown flag");
    if (!verify(val.pubKey, voteSignBytes(chainId, vote), sig.signature)) fail(`bad signature ${i}`);
    if (sig.blockIdFlag === BlockIdFlag.Commit) tally += val.votingPower;
  });
  if (tally * 3n <= valSet.totalVotingPower * 2n) fail("less than +2/3 of the power signed");
}

function blockIdsEqual(a: BlockID, b: BlockID): boolean {
  return (
    equalBytes(a.hash, b.hash) &&
    a.partSetHeader.total === b.partSetHeader.total &&
    equalBytes(a.partSetHeader.hash, b.partSetHeader.hash)
  );
}
