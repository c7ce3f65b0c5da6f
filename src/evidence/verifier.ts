/**
 * Checking evidence that arrives from peers before it enters the pool and is relayed (CometBFT
 * `evidence/verify.go` for duplicate votes): not known already, of a height this node has stored,
 * not expired under the consensus evidence params, its time the time of the block at its height, and
 * the two votes a valid duplicate by a validator of that height's set
 * (`verifyDuplicateVoteEvidence`). The verdict feeds gossip: `accept` (new and added to the pool:
 * relay), `ignore` (known, expired, or not checkable yet: drop quietly), `reject` (invalid: the
 * sender is scored down).
 */

import type { ConsensusParams } from "../abci/types.js";
import { compareTimestamps } from "../consensus/clock.js";
import { isEvidenceExpired, verifyDuplicateVoteEvidence } from "../consensus/evidence.js";
import type { SignatureVerifier } from "../consensus/types.js";
import { ValidatorSet } from "../consensus/validatorSet.js";
import type { BlockMeta, Evidence, Validator } from "../types/block.js";
import type { PersistentEvidencePool } from "./pool.js";

/** Result of checking a peer's evidence (the p2p layer's gossip verdicts). */
export type EvidenceVerdict = "accept" | "ignore" | "reject";

/** What the verifier reads of the chain (the block store fits). */
export interface EvidenceChainView {
  /** Height of the last stored block. */
  readonly height: number;
  /** Block meta (its header carries the time) at `height`. */
  loadBlockMeta(height: number): Promise<BlockMeta | undefined>;
  /** Validator set of `height`. */
  loadValidators(height: number): Promise<Validator[] | undefined>;
  /** Consensus params in force at `height`. */
  loadConsensusParams(height: number): Promise<ConsensusParams | undefined>;
}

/** Options of `EvidenceVerifier`. */
export interface EvidenceVerifierOptions {
  chainId: string;
  /** Signature check (pubKey, message, signature). */
  verify: SignatureVerifier;
}

/** Checks peers' evidence and adds the valid, new items to the pool. */
export class EvidenceVerifier {
  constructor(
    private readonly options: EvidenceVerifierOptions,
    private readonly deps: { chain: EvidenceChainView; pool: PersistentEvidencePool },
  ) {}

  /** Check `ev`; on `accept` it was added to the pool. `reason` says why it was not accepted. */
  async check(ev: Evidence): Promise<{ verdict: EvidenceVerdict; reason?: string }> {
    const { chain, pool } = this.deps;
    if (pool.has(ev)) return { verdict: "ignore", reason: "known" };
    const evHeight = ev.voteA.height;
    const tip = chain.height;
    // not checkable yet (its height's block is not stored here): a peer ahead of us, not a liar
    if (evHeight > tip) return { verdict: "ignore", reason: "evidence above our height" };
    const [tipMeta, params, meta, vals] = await Promise.all([
      chain.loadBlockMeta(tip),
      chain.loadConsensusParams(tip + 1),
      chain.loadBlockMeta(evHeight),
      chain.loadValidators(evHeight),
    ]);
    if (tipMeta === undefined || params === undefined || meta === undefined || vals === undefined) {
      return { verdict: "ignore", reason: "evidence height not stored (pruned?)" };
    }
    if (isEvidenceExpired(ev, tip + 1, tipMeta.header.time, params.evidence)) {
      return { verdict: "ignore", reason: "expired" };
    }
    if (compareTimestamps(ev.timestamp, meta.header.time) !== 0) {
      return { verdict: "reject", reason: "evidence time is not the time of the block at its height" };
    }
    try {
      verifyDuplicateVoteEvidence(
        this.options.chainId,
        ev,
        ValidatorSet.fromStored(vals),
        this.options.verify,
      );
    } catch (e) {
      return { verdict: "reject", reason: e instanceof Error ? e.message : String(e) };
    }
    return pool.addEvidence(ev) ? { verdict: "accept" } : { verdict: "ignore", reason: "known" };
  }
}
