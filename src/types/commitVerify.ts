/**
 * Commit verification (CometBFT `ValidatorSet.VerifyCommit`): a commit for `height` proves the block
 * `blockId` when validators holding more than 2/3 of the set's voting power signed a precommit for it.
 * Used by block sync (blocks fetched from peers) and by anything that checks a `last_commit`.
 */
import { BlockIdFlag } from "../abci/types.js";
import { ed25519Verify } from "../crypto/ed25519.js";
import {
  BLOCK_CODESPACE,
  BlockErrorCode,
  type BlockID,
  type Commit,
  SignedMsgType,
  type Validator,
  voteSignBytes,
} from "./block.js";
import { equalBytes, toHexUpper } from "./bytes.js";
import { CodedError } from "./errors.js";

/** Whether two block ids are the same (hash and part set header). */
export function blockIdEquals(a: BlockID, b: BlockID): boolean {
  return (
    equalBytes(a.hash, b.hash) &&
    a.partSetHeader.total === b.partSetHeader.total &&
    equalBytes(a.partSetHeader.hash, b.partSetHeader.hash)
  );
}

/**
 * Check that `commit` carries +2/3 of `validators`' voting power signing `blockId` at `height`: one
 * entry per validator in set order, addresses matching, every non-absent signature valid (nil votes
 * are verified too but do not count). Throws a coded `block` error (`Invalid`) otherwise. Returns the
 * voting power that signed the block.
 */
export function verifyCommit(
  chainId: string,
  validators: readonly Validator[],
  blockId: BlockID,
  height: number,
  commit: Commit,
): bigint {
  if (validators.length === 0) invalid("empty validator set");
  if (commit.height !== height) invalid(`commit is for height ${commit.height}, want ${height}`);
  if (!Number.isSafeInteger(commit.round) || commit.round < 0)
    invalid(`invalid commit round ${commit.round}`);
  if (!blockIdEquals(commit.blockId, blockId)) {
    invalid(`commit is for block ${toHexUpper(commit.blockId.hash)}, want ${toHexUpper(blockId.hash)}`);
  }
  if (commit.signatures.length !== validators.length) {
    invalid(`commit has ${commit.signatures.length} signatures for ${validators.length} validators`);
  }
  let total = 0n;
  for (const v of validators) total += v.votingPower;
  let tallied = 0n;
  commit.signatures.forEach((sig, i) => {
    const v = validators[i] as Validator;
    if (sig.blockIdFlag === BlockIdFlag.Absent) return;
    if (sig.blockIdFlag !== BlockIdFlag.Commit && sig.blockIdFlag !== BlockIdFlag.Nil) {
      invalid(`commit signature ${i} has unknown flag ${sig.blockIdFlag}`);
    }
    if (!equalBytes(sig.validatorAddress, v.address)) {
      invalid(
        `commit signature ${i} is from ${toHexUpper(sig.validatorAddress)}, want ${toHexUpper(v.address)}`,
      );
    }
    const voted =
      sig.blockIdFlag === BlockIdFlag.Commit
        ? blockId
        : { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
    const bytes = voteSignBytes(chainId, {
      type: SignedMsgType.Precommit,
      height,
      round: commit.round,
      blockId: voted,
      timestamp: sig.timestamp,
      validatorAddress: v.address,
      validatorIndex: i,
      signature: new Uint8Array(0),
    });
    if (sig.signature.length !== 64 || !ed25519Verify(sig.signature, bytes, v.pubKey)) {
      invalid(`commit signature ${i} (${toHexUpper(v.address)}) is invalid`);
    }
    if (sig.blockIdFlag === BlockIdFlag.Commit) tallied += v.votingPower;
  });
  if (tallied * 3n <= total * 2n) {
    invalid(`commit has ${tallied} of ${total} voting power, need more than 2/3`);
  }
  return tallied;
}

function invalid(message: string): never {
  throw new CodedError(BLOCK_CODESPACE, BlockErrorCode.Invalid, message);
}
