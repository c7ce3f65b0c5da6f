/**
 * Vote tallies as CometBFT's `types/vote_set.go` and `consensus/types/height_vote_set.go`: one
 * `VoteSet` per height/round/type counts voting power per block id and finds +2/3 majorities; a
 * second, different vote by the same validator is a conflict (the caller turns it into duplicate-vote
 * evidence). `HeightVoteSet` keeps the prevotes and precommits of every round of a height, admitting
 * at most two "catch-up" rounds ahead per peer. Pure: signatures are checked by an injected verifier.
 */
import { BlockIdFlag } from "../abci/types.js";
import {
  absentCommitSig,
  type BlockID,
  type Commit,
  type CommitSig,
  SignedMsgType,
  type Vote,
  voteSignBytes,
} from "../types/block.js";
import { equalBytes, toHex } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import { CONSENSUS_CODESPACE, ConsensusErrorCode, type SignatureVerifier } from "./types.js";
import type { ValidatorSet } from "./validatorSet.js";

/** A string key identifying a block id (empty hash and header: nil). */
export function blockIdKey(id: BlockID): string {
  return `${toHex(id.hash)}:${id.partSetHeader.total}:${toHex(id.partSetHeader.hash)}`;
}

/** True when both block ids are equal. */
export function blockIdEquals(a: BlockID, b: BlockID): boolean {
  return (
    equalBytes(a.hash, b.hash) &&
    a.partSetHeader.total === b.partSetHeader.total &&
    equalBytes(a.partSetHeader.hash, b.partSetHeader.hash)
  );
}

/** True for the nil block id (empty hash). */
export function isNilBlockId(id: BlockID): boolean {
  return id.hash.length === 0;
}

/** What adding a vote did. */
export interface AddVoteResult {
  /** The vote was new and counted. */
  added: boolean;
  /** The validator's earlier, different vote at this height/round/type, when this one conflicts. */
  conflicting?: Vote;
}

interface BlockVotes {
  blockId: BlockID;
  votes: (Vote | undefined)[];
  sum: bigint;
}

/** The votes of one height, round and type. */
export class VoteSet {
  private readonly votes: (Vote | undefined)[];
  private readonly byBlock = new Map<string, BlockVotes>();
  private sum = 0n;
  private maj23: BlockID | undefined;
  private readonly quorum: bigint;

  /** An empty vote set for `valSet` (which must be the set of `height`). */
  constructor(
    readonly chainId: string,
    readonly height: number,
    readonly round: number,
    readonly type: SignedMsgType,
    readonly valSet: ValidatorSet,
    private readonly verify: SignatureVerifier,
  ) {
    this.votes = new Array<Vote | undefined>(valSet.size).fill(undefined);
    this.quorum = (valSet.totalVotingPower * 2n) / 3n + 1n;
  }

  /**
   * Verify and add a vote. Returns whether it was new; a conflicting vote (same validator, other block)
   * is reported in `conflicting` and counted only toward a block others already voted for. Throws a
   * coded error for a vote that does not belong here or has a bad signature.
   */
  addVote(vote: Vote): AddVoteResult {
    if (vote.height !== this.height || vote.round !== this.round || vote.type !== this.type) {
      throw voteError(
        `expected ${this.height}/${this.round}/${this.type}, got ${vote.height}/${vote.round}/${vote.type}`,
      );
    }
    const idx = vote.validatorIndex;
    const val = this.valSet.getByIndex(idx);
    if (!Number.isSafeInteger(idx) || idx < 0 || val === undefined) {
      throw voteError(`validator index ${idx} out of range`);
    }
    if (!equalBytes(val.address, vote.validatorAddress)) {
      throw voteError(`validator address does not match index ${idx}`);
    }
    const key = blockIdKey(vote.blockId);
    const existing = this.votes[idx];
    if (existing !== undefined && blockIdKey(existing.blockId) === key) {
      return { added: false };
    }
    if (!this.verify(val.pubKey, voteSignBytes(this.chainId, vote), vote.signature)) {
      throw voteError(`invalid signature from validator ${idx}`);
    }
    if (existing !== undefined) {
      const bv = this.byBlock.get(key);
      if (bv !== undefined && bv.votes[idx] === undefined) {
        this.addToBlock(bv, vote, val.votingPower);
        return { added: true, conflicting: existing };
      }
      return { added: false, conflicting: existing };
    }
    this.votes[idx] = vote;
    this.sum += val.votingPower;
    let bv = this.byBlock.get(key);
    if (bv === undefined) {
      bv = {
        blockId: vote.blockId,
        votes: new Array<Vote | undefined>(this.valSet.size).fill(undefined),
        sum: 0n,
      };
      this.byBlock.set(key, bv);
    }
    this.addToBlock(bv, vote, val.votingPower);
    return { added: true };
  }

  /** True when +2/3 of the power voted for one block id (possibly nil). */
  hasTwoThirdsMajority(): boolean {
    return this.maj23 !== undefined;
  }

  /** The block id (possibly nil) with +2/3 of the power, if any. */
  twoThirdsMajority(): BlockID | undefined {
    return this.maj23;
  }

  /** True when +2/3 of the power voted for anything. */
  hasTwoThirdsAny(): boolean {
    return this.sum >= this.quorum;
  }

  /** True when every validator voted. */
  hasAll(): boolean {
    return this.sum === this.valSet.totalVotingPower;
  }

  /** The vote of validator `index` (the first one seen, or the one for the +2/3 block). */
  getByIndex(index: number): Vote | undefined {
    return this.votes[index];
  }

  /** Which validators' votes this set holds. */
  bitArray(): boolean[] {
    return this.votes.map((v) => v !== undefined);
  }

  /** Every vote held (one per validator). */
  list(): Vote[] {
    return this.votes.filter((v): v is Vote => v !== undefined);
  }

  /** Power that voted for `id`. */
  powerFor(id: BlockID): bigint {
    return this.byBlock.get(blockIdKey(id))?.sum ?? 0n;
  }

  /**
   * CometBFT `MakeCommit` of a precommit set with a +2/3 majority for a block: Commit flags for votes
   * for that block, Nil flags for nil votes, absent otherwise.
   */
  makeCommit(): Commit {
    if (this.type !== SignedMsgType.Precommit) throw stateError("cannot make a commit from prevotes");
    const maj = this.maj23;
    if (maj === undefined || isNilBlockId(maj))
      throw stateError("cannot make a commit without +2/3 for a block");
    const bv = this.byBlock.get(blockIdKey(maj)) as BlockVotes;
    const signatures: CommitSig[] = this.votes.map((v, i) => {
      const forBlock = bv.votes[i];
      if (forBlock !== undefined) {
        return {
          blockIdFlag: BlockIdFlag.Commit,
          validatorAddress: forBlock.validatorAddress,
          timestamp: forBlock.timestamp,
          signature: forBlock.signature,
        };
      }
      if (v !== undefined && isNilBlockId(v.blockId)) {
        return {
          blockIdFlag: BlockIdFlag.Nil,
          validatorAddress: v.validatorAddress,
          timestamp: v.timestamp,
          signature: v.signature,
        };
      }
      return absentCommitSig();
    });
    return { height: this.height, round: this.round, blockId: maj, signatures };
  }

  private addToBlock(bv: BlockVotes, vote: Vote, power: bigint): void {
    const before = bv.sum;
    bv.votes[vote.validatorIndex] = vote;
    bv.sum += power;
    if (before < this.quorum && this.quorum <= bv.sum && this.maj23 === undefined) {
      this.maj23 = bv.blockId;
      // as CometBFT: the votes for the +2/3 block become the canonical ones
      bv.votes.forEach((v, i) => {
        if (v !== undefined) this.votes[i] = v;
      });
    }
  }
}

/** Prevotes and precommits of every round of one height. */
export class HeightVoteSet {
  private readonly rounds = new Map<number, { prevotes: VoteSet; precommits: VoteSet }>();
  private readonly peerCatchupRounds = new Map<string, number[]>();
  private currentRound = 0;

  /** Vote sets for `height` with round 0 ready. */
  constructor(
    readonly chainId: string,
    readonly height: number,
    readonly valSet: ValidatorSet,
    private readonly verify: SignatureVerifier,
  ) {
    this.addRound(0);
  }

  /** The highest round set up by `setRound`. */
  get round(): number {
    return this.currentRound;
  }

  /** Make vote sets exist for rounds up to `round` (CometBFT `SetRound`). */
  setRound(round: number): void {
    const from = Math.max(0, this.currentRound - 1);
    for (let r = from; r <= round; r++) if (!this.rounds.has(r)) this.addRound(r);
    this.currentRound = Math.max(this.currentRound, round);
  }

  /**
   * Add a vote from `peer` ("" for this node's own). A vote for a round not yet set up is admitted
   * for at most two such rounds per peer; further ones are ignored (`added: false`).
   */
  addVote(vote: Vote, peer: string): AddVoteResult {
    if (vote.type !== SignedMsgType.Prevote && vote.type !== SignedMsgType.Precommit) {
      throw voteError(`invalid vote type ${vote.type}`);
    }
    let rvs = this.rounds.get(vote.round);
    if (rvs === undefined) {
      const rounds = this.peerCatchupRounds.get(peer) ?? [];
      if (rounds.length >= 2) return { added: false };
      rvs = this.addRound(vote.round);
      rounds.push(vote.round);
      this.peerCatchupRounds.set(peer, rounds);
    }
    return (vote.type === SignedMsgType.Prevote ? rvs.prevotes : rvs.precommits).addVote(vote);
  }

  /** Prevotes of `round` (undefined when that round is not tracked). */
  prevotes(round: number): VoteSet | undefined {
    return this.rounds.get(round)?.prevotes;
  }

  /** Precommits of `round` (undefined when that round is not tracked). */
  precommits(round: number): VoteSet | undefined {
    return this.rounds.get(round)?.precommits;
  }

  /** Rounds tracked, ascending. */
  trackedRounds(): number[] {
    return [...this.rounds.keys()].sort((a, b) => a - b);
  }

  /** CometBFT `POLInfo`: the highest round with +2/3 prevotes for one block id. */
  polInfo(): { round: number; blockId: BlockID } | undefined {
    for (let r = this.currentRound; r >= 0; r--) {
      const maj = this.prevotes(r)?.twoThirdsMajority();
      if (maj !== undefined) return { round: r, blockId: maj };
    }
    return undefined;
  }

  private addRound(round: number): { prevotes: VoteSet; precommits: VoteSet } {
    const rvs = {
      prevotes: new VoteSet(
        this.chainId,
        this.height,
        round,
        SignedMsgType.Prevote,
        this.valSet,
        this.verify,
      ),
      precommits: new VoteSet(
        this.chainId,
        this.height,
        round,
        SignedMsgType.Precommit,
        this.valSet,
        this.verify,
      ),
    };
    this.rounds.set(round, rvs);
    return rvs;
  }
}

function voteError(message: string): CodedError {
  return new CodedError(CONSENSUS_CODESPACE, ConsensusErrorCode.InvalidVote, message);
}

function stateError(message: string): CodedError {
  return new CodedError(CONSENSUS_CODESPACE, ConsensusErrorCode.InvalidState, message);
}
