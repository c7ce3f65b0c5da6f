/**
 * Assembling a proposed block from its parts (CometBFT `types.PartSet` built from a header): each
 * part's merkle proof is verified against the part set hash before it is kept.
 */
import { type Block, decodeBlock, type Part, type PartSet, type PartSetHeader } from "../types/block.js";
import { equalBytes } from "../types/bytes.js";
import { verifyMerkleProof } from "../types/merkle.js";

/** A part set being filled from gossip (or complete, for a block this node made). */
export class PartSetBuilder {
  private readonly parts: (Part | undefined)[];
  private count = 0;
  private bytes = 0;

  /** An empty set expecting the parts of `header`. */
  constructor(readonly header: PartSetHeader) {
    this.parts = new Array<Part | undefined>(header.total).fill(undefined);
  }

  /** A complete set from a part set this node made. */
  static fromPartSet(ps: PartSet): PartSetBuilder {
    const b = new PartSetBuilder(ps.header);
    for (const p of ps.parts) b.addPart(p);
    return b;
  }

  /** True when this set is for `header`. */
  hasHeader(header: PartSetHeader): boolean {
    return this.header.total === header.total && equalBytes(this.header.hash, header.hash);
  }

  /** Add a part whose proof checks out against the header; false when invalid or already held. */
  addPart(part: Part): boolean {
    if (part.index < 0 || part.index >= this.header.total || this.parts[part.index] !== undefined)
      return false;
    if (part.proof.index !== part.index || part.proof.total !== this.header.total) return false;
    if (!verifyMerkleProof(part.proof, this.header.hash, part.bytes)) return false;
    this.parts[part.index] = part;
    this.count++;
    this.bytes += part.bytes.length;
    return true;
  }

  /** The part at `index`, when held. */
  getPart(index: number): Part | undefined {
    return this.parts[index];
  }

  /** True when every part is held. */
  get isComplete(): boolean {
    return this.count === this.header.total;
  }

  /** Bytes held so far. */
  get byteSize(): number {
    return this.bytes;
  }

  /** Which parts are held. */
  bitArray(): boolean[] {
    return this.parts.map((p) => p !== undefined);
  }

  /** Decode the complete block (coded error when the bytes are not a block). */
  assemble(): Block {
    const out = new Uint8Array(this.bytes);
    let off = 0;
    for (const p of this.parts) {
      if (p === undefined) throw new Error("part set incomplete");
      out.set(p.bytes, off);
      off += p.bytes.length;
    }
    return decodeBlock(out);
  }
}
