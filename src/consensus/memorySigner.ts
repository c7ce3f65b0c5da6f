/**
 * An in-memory signer with the double-sign protection of `privval.FilePV`: it refuses to sign below
 * the last signed height/round/step, and at the same height/round/step returns the stored signature
 * only for the same message (a different timestamp gets the stored signature and timestamp back);
 * anything else is refused. The state object outlives the signer, so tests and the simulation can
 * "restart" a validator with the state FilePV would have found on disk.
 */
import type { Timestamp } from "../abci/types.js";
import { ed25519Address, ed25519FromSeed, ed25519Sign } from "../crypto/ed25519.js";
import { type Proposal, proposalSignBytes, SignedMsgType, type Vote, voteSignBytes } from "../types/block.js";
import { equalBytes } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import type { Signer } from "./types.js";

/** Codespace shared with the file signer (`src/privval/file.ts`). */
const PRIVVAL_CODESPACE = "privval";
/** Same codes as `PrivvalErrorCode`. */
const HEIGHT_REGRESSION = 3;
const ROUND_REGRESSION = 4;
const STEP_REGRESSION = 5;
const CONFLICTING_DATA = 6;
const INVALID_REQUEST = 7;

/** What was signed last (survives a simulated restart). */
export interface MemorySignerState {
  height: number;
  round: number;
  /** 0 none, 1 propose, 2 prevote, 3 precommit. */
  step: number;
  /** Sign bytes of the last message with a zero timestamp, its signature and timestamp. */
  bytesWithoutTime?: Uint8Array;
  signature?: Uint8Array;
  timestamp?: Timestamp;
}

/** A fresh (nothing signed) state. */
export function newSignerState(): MemorySignerState {
  return { height: 0, round: 0, step: 0 };
}

/** Signs raw sign bytes. */
export type RawSign = (signBytes: Uint8Array) => Uint8Array;

/** A validator signer kept in memory. */
export class MemorySigner implements Signer {
  /** 20-byte address. */
  readonly address: Uint8Array;
  /** Signatures made (tests count them). */
  signCount = 0;

  /**
   * A signer for `pubKey` that signs with `sign` and records its last-signed state in `state`
   * (mutated in place).
   */
  constructor(
    readonly pubKey: Uint8Array,
    private readonly sign: RawSign,
    readonly state: MemorySignerState = newSignerState(),
  ) {
    this.address = ed25519Address(pubKey);
  }

  /** An ed25519 signer from a 32-byte seed. */
  static fromSeed(seed: Uint8Array, state?: MemorySignerState): MemorySigner {
    const kp = ed25519FromSeed(seed);
    return new MemorySigner(kp.publicKey, (b) => ed25519Sign(b, kp.privateKey), state);
  }

  /** Sign a prevote or precommit, refusing double-signs. */
  async signVote(chainId: string, vote: Vote): Promise<Vote> {
    const step =
      vote.type === SignedMsgType.Prevote ? 2 : vote.type === SignedMsgType.Precommit ? 3 : undefined;
    if (step === undefined) throw signerError(INVALID_REQUEST, `cannot sign vote of type ${vote.type}`);
    const noTime = voteSignBytes(chainId, { ...vote, timestamp: { seconds: 0n, nanos: 0 } });
    const r = this.check(vote.height, vote.round, step, noTime);
    if (r !== undefined) return { ...vote, signature: r.signature, timestamp: r.timestamp };
    const signature = this.sign(voteSignBytes(chainId, vote));
    this.record(vote.height, vote.round, step, noTime, signature, vote.timestamp);
    return { ...vote, signature };
  }

  /** Sign a proposal, refusing double-signs. */
  async signProposal(chainId: string, proposal: Proposal): Promise<Proposal> {
    const noTime = proposalSignBytes(chainId, { ...proposal, timestamp: { seconds: 0n, nanos: 0 } });
    const r = this.check(proposal.height, proposal.round, 1, noTime);
    if (r !== undefined) return { ...proposal, signature: r.signature, timestamp: r.timestamp };
    const signature = this.sign(proposalSignBytes(chainId, proposal));
    this.record(proposal.height, proposal.round, 1, noTime, signature, proposal.timestamp);
    return { ...proposal, signature };
  }

  private check(
    height: number,
    round: number,
    step: number,
    noTime: Uint8Array,
  ): { signature: Uint8Array; timestamp: Timestamp } | undefined {
    if (!Number.isSafeInteger(height) || height <= 0 || !Number.isSafeInteger(round) || round < 0) {
      throw signerError(INVALID_REQUEST, "invalid height or round");
    }
    const s = this.state;
    if (height < s.height) throw signerError(HEIGHT_REGRESSION, `height regression ${height} < ${s.height}`);
    if (height > s.height) return undefined;
    if (round < s.round) throw signerError(ROUND_REGRESSION, `round regression ${round} < ${s.round}`);
    if (round > s.round) return undefined;
    if (step < s.step) throw signerError(STEP_REGRESSION, `step regression ${step} < ${s.step}`);
    if (step > s.step) return undefined;
    if (
      s.bytesWithoutTime !== undefined &&
      s.signature !== undefined &&
      s.timestamp !== undefined &&
      equalBytes(s.bytesWithoutTime, noTime)
    ) {
      return { signature: s.signature, timestamp: s.timestamp };
    }
    throw signerError(CONFLICTING_DATA, "conflicting data");
  }

  private record(
    height: number,
    round: number,
    step: number,
    noTime: Uint8Array,
    signature: Uint8Array,
    timestamp: Timestamp,
  ): void {
    this.signCount++;
    Object.assign(this.state, { height, round, step, bytesWithoutTime: noTime, signature, timestamp });
  }
}

function signerError(code: number, message: string): CodedError {
  return new CodedError(PRIVVAL_CODESPACE, code, message);
}
