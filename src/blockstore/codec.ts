/**
 * Protobuf encodings of the ABCI results the block store and tx indexer persist: `ExecTxResult` and
 * `FinalizeBlockResponse` as CometBFT 0.38's `tendermint.abci` messages, and `BlockMeta`.
 */
import {
  type Event as ProtoEventT,
  ExecTxResult as ProtoExecTxResult,
  type ExecTxResult as ProtoExecTxResultT,
  ResponseFinalizeBlock as ProtoResponseFinalizeBlock,
} from "cosmjs-types/tendermint/abci/types";
import {
  ConsensusParams as ProtoConsensusParams,
  type ConsensusParams as ProtoConsensusParamsT,
} from "cosmjs-types/tendermint/types/params";
import { BlockMeta as ProtoBlockMeta } from "cosmjs-types/tendermint/types/types";
import type { AbciEvent, ConsensusParams, ExecTxResult, FinalizeBlockResponse } from "../abci/types.js";
import {
  BLOCK_CODESPACE,
  BlockErrorCode,
  type BlockMeta,
  blockIdFromProto,
  blockIdToProto,
  headerFromProto,
  headerToProto,
} from "../types/block.js";
import { CodedError } from "../types/errors.js";
import { encodeEventsAndTxResultsOnePass, encodeExecTxResultFast } from "./fastProto.js";

/** Proto-encode an ExecTxResult (all fields, for storage). */
export function encodeExecTxResult(r: ExecTxResult): Uint8Array {
  return encodeExecTxResultFast(r);
}

/** Decode an ExecTxResult; malformed bytes give a coded error. */
export function decodeExecTxResult(bytes: Uint8Array): ExecTxResult {
  return execTxResultFromProto(decodeWith("exec tx result", () => ProtoExecTxResult.decode(bytes)));
}

/** Proto-encode a FinalizeBlock response (`tendermint.abci.ResponseFinalizeBlock`). */
export function encodeFinalizeBlockResponse(r: FinalizeBlockResponse): Uint8Array {
  const tail = ProtoResponseFinalizeBlock.encode({
    events: [],
    txResults: [],
    validatorUpdates: r.validatorUpdates.map((u) => ({ pubKey: { ed25519: u.pubKey }, power: u.power })),
    consensusParamUpdates:
      r.consensusParamUpdates === undefined ? undefined : paramsToProto(r.consensusParamUpdates),
    appHash: r.appHash,
  }).finish();
  return encodeEventsAndTxResultsOnePass(r.events, r.txResults, tail);
}

/** Decode a FinalizeBlock response; malformed bytes give a coded error. */
export function decodeFinalizeBlockResponse(bytes: Uint8Array): FinalizeBlockResponse {
  const pb = decodeWith("finalize block response", () => ProtoResponseFinalizeBlock.decode(bytes));
  const out: FinalizeBlockResponse = {
    events: pb.events.map(eventFromProto),
    txResults: pb.txResults.map(execTxResultFromProto),
    validatorUpdates: pb.validatorUpdates.map((u) => {
      const key = u.pubKey?.ed25519;
      if (key === undefined)
        throw new CodedError(BLOCK_CODESPACE, BlockErrorCode.Invalid, "non-ed25519 update");
      return { pubKey: key, power: u.power };
    }),
    appHash: pb.appHash,
  };
  if (pb.consensusParamUpdates !== undefined)
    out.consensusParamUpdates = paramsFromProto(pb.consensusParamUpdates);
  return out;
}

/** Proto-encode a block meta (`tendermint.types.BlockMeta`). */
export function encodeBlockMeta(m: BlockMeta): Uint8Array {
  return ProtoBlockMeta.encode({
    blockId: blockIdToProto(m.blockId),
    blockSize: BigInt(m.blockSize),
    header: headerToProto(m.header),
    numTxs: BigInt(m.numTxs),
  }).finish();
}

/** Decode a block meta; malformed bytes give a coded error. */
export function decodeBlockMeta(bytes: Uint8Array): BlockMeta {
  const pb = decodeWith("block meta", () => ProtoBlockMeta.decode(bytes));
  return {
    blockId: blockIdFromProto(pb.blockId),
    blockSize: Number(pb.blockSize),
    header: headerFromProto(pb.header),
    numTxs: Number(pb.numTxs),
  };
}

/** Proto-encode consensus params (`tendermint.types.ConsensusParams`). */
export function encodeConsensusParams(p: ConsensusParams): Uint8Array {
  return ProtoConsensusParams.encode(paramsToProto(p)).finish();
}

/** Decode consensus params; malformed bytes give a coded error. */
export function decodeConsensusParams(bytes: Uint8Array): ConsensusParams {
  return paramsFromProto(decodeWith("consensus params", () => ProtoConsensusParams.decode(bytes)));
}

function eventFromProto(e: ProtoEventT): AbciEvent {
  return {
    type: e.type,
    attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })),
  };
}

function execTxResultFromProto(pb: ProtoExecTxResultT): ExecTxResult {
  return {
    code: pb.code,
    data: pb.data,
    log: pb.log,
    info: pb.info,
    gasWanted: pb.gasWanted,
    gasUsed: pb.gasUsed,
    events: pb.events.map(eventFromProto),
    codespace: pb.codespace,
  };
}

function paramsToProto(p: ConsensusParams): ProtoConsensusParamsT {
  return {
    block: { maxBytes: BigInt(p.block.maxBytes), maxGas: BigInt(p.block.maxGas) },
    evidence: {
      maxAgeNumBlocks: BigInt(p.evidence.maxAgeNumBlocks),
      maxAgeDuration: { seconds: BigInt(p.evidence.maxAgeDurationSeconds), nanos: 0 },
      maxBytes: BigInt(p.evidence.maxBytes),
    },
    validator: { pubKeyTypes: [...p.validator.pubKeyTypes] },
    version: { app: BigInt(p.version.app) },
  };
}

function paramsFromProto(p: ProtoConsensusParamsT): ConsensusParams {
  return {
    block: { maxBytes: Number(p.block?.maxBytes ?? 0n), maxGas: Number(p.block?.maxGas ?? 0n) },
    evidence: {
      maxAgeNumBlocks: Number(p.evidence?.maxAgeNumBlocks ?? 0n),
      maxAgeDurationSeconds: Number(p.evidence?.maxAgeDuration?.seconds ?? 0n),
      maxBytes: Number(p.evidence?.maxBytes ?? 0n),
    },
    validator: { pubKeyTypes: [...(p.validator?.pubKeyTypes ?? [])] },
    version: { app: Number(p.version?.app ?? 0n) },
  };
}

function decodeWith<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CodedError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new CodedError(BLOCK_CODESPACE, BlockErrorCode.Decode, `cannot decode ${what}: ${msg}`);
  }
}
