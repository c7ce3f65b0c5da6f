/**
 * What is known about one tx bytes object, by object identity: its sha256, and a slot where one
 * decoder (the app) keeps its decoded form. The same bytes object travels RPC or gossip → mempool →
 * CheckTx → proposal → FinalizeBlock → block store → indexer; each step finds the hash (and the app
 * its decoded tx) here instead of hashing or decoding again. One weak map holds both, so each tx costs
 * one weak-map entry. Tx bytes are never mutated once received.
 */
import { sha256 } from "../crypto/hash.js";

/** The memo of one tx bytes object. */
export interface TxMemo {
  /** sha256 of the bytes. Shared: callers must not mutate it. */
  readonly hash: Uint8Array;
  /** Who filled `decoded`: a decoder reads `decoded` only when it is the owner. */
  owner: object | undefined;
  /** The owner's decoded form of the bytes. */
  decoded: unknown;
}

const memos = new WeakMap<Uint8Array, TxMemo>();

/**
 * The memo of `tx`, created on first use with `knownHash` (which must be the sha256 of `tx`, computed
 * by the caller) or a fresh sha256.
 */
export function txMemo(tx: Uint8Array, knownHash?: Uint8Array): TxMemo {
  let m = memos.get(tx);
  if (m === undefined) {
    m = { hash: knownHash ?? sha256(tx), owner: undefined, decoded: undefined };
    memos.set(tx, m);
  }
  return m;
}
