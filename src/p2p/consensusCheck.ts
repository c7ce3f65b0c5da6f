/**
 * The p2p layer's stateful check of consensus messages before relay: votes must come from the
 * validator at their index in the set of their height and carry a valid signature; proposals must be
 * signed by a validator of their height. Messages for heights whose set this node does not know yet
 * (more than one above its store) are ignored (not relayed, not punished); everything else that
 * passed `validateBasic` is accepted. The engine verifies everything again. On an empty store the
 * genesis set stands in for the first height's.
 */

import type { FastVerifier } from "../consensus/fastVerify.js";
import type { ConsensusMessage } from "../consensus/messages.js";
import type { SignatureVerifier } from "../consensus/types.js";
import { ed25519Verify } from "../crypto/ed25519.js";
import { proposalSignBytes, type Validator, voteSignBytes } from "../types/block.js";
import { equalBytes } from "../types/bytes.js";
import type { Verdict } from "./p2pNode.js";

/** Where validator sets come from (the block store: known up to its height + 1). */
export interface ValidatorSource {
  /** Height of the last stored block. */
  readonly height: number;
  loadValidators(height: number): Promise<Validator[] | undefined>;
}

/** Build a `checkConsensus` for `P2PNode` over a validator source, caching recent sets. */
export function consensusChecker(
  chainId: string,
  source: ValidatorSource,
  genesis: { initialHeight: number; validators: Validator[] },
  /** Signature check (pubKey, message, signature); default `ed25519Verify`. Share the engine's to reuse its cache. */
  verify: SignatureVerifier = (pubKey, message, signature) => ed25519Verify(signature, message, pubKey),
): (msg: ConsensusMessage) => Promise<Verdict> {
  const cache = new Map<number, Validator[]>();
  const load = async (height: number): Promise<Validator[] | undefined> => {
    const hit = cache.get(height);
    if (hit) return hit;
    let set = await source.loadValidators(height);
    if (!set && source.height === 0 && height === genesis.initialHeight) set = genesis.validators;
    if (set && set.length > 0) {
      cache.set(height, set);
      if (cache.size > 16) cache.delete(Math.min(...cache.keys()));
    }
    return set;
  };
  // A set we cannot load: a peer slightly ahead (accept; the engine buffers or drops it) or far ahead.
  const unknown = (height: number): Verdict => (height <= source.height + 2 ? "accept" : "ignore");
  return async (msg) => {
    if (msg.kind === "vote") {
      const v = msg.vote;
      const set = await load(v.height);
      if (!set) return unknown(v.height);
      const val = set[v.validatorIndex];
      if (!val || !equalBytes(val.address, v.validatorAddress)) return "reject";
      return verify(val.pubKey, voteSignBytes(chainId, v), v.signature) ? "accept" : "reject";
    }
    if (msg.kind === "proposal") {
      const p = msg.proposal;
      const set = await load(p.height);
      if (!set) return unknown(p.height);
      const bytes = proposalSignBytes(chainId, p);
      // the proposer is one of the set: cheap tries first (a fast verifier's `quick`), then the full check
      const quick = (verify as Partial<FastVerifier>).quick;
      if (quick !== undefined && set.some((val) => quick(val.pubKey, bytes, p.signature))) return "accept";
      return set.some((val) => verify(val.pubKey, bytes, p.signature)) ? "accept" : "reject";
    }
    return "accept";
  };
}
