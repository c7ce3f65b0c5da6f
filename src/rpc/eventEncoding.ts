/**
 * JSON of event bus messages as CometBFT 0.38 pushes them over the WebSocket (`ctypes.ResultEvent`):
 * `{query, data: {type: "tendermint/event/<Kind>", value}, events: {"tm.event": [...], ...}}`, and of
 * the consensus round state (`consensus_state`, `dump_consensus_state`). The `data` and `events` of
 * a message are encoded once and shared by every subscriber.
 */
import type { FinalizeBlockResponse } from "../abci/types.js";
import { ed25519Address } from "../crypto/ed25519.js";
import type { BusMessage, EventData } from "../events/bus.js";
import { toHexUpper } from "../types/bytes.js";
import {
  base64OrNull,
  encodeBlock,
  encodeBlockId,
  encodeConsensusParams,
  encodeEvent,
  encodeExecTxResult,
  encodeHeader,
  encodePubKey,
  encodeValidatorUpdate,
  int64,
} from "./encoding.js";
import { type Json, type JsonObject, stringifyJson } from "./json.js";

/** Amino type name prefix of event data. */
export const EVENT_DATA_PREFIX = "tendermint/event/";

const cache = new WeakMap<BusMessage, string>();

/** `abci.ResponseFinalizeBlock` as `libs/json` prints it (empty fields omitted). */
export function encodeFinalizeBlock(r: FinalizeBlockResponse): JsonObject {
  const out: JsonObject = {};
  if (r.events.length > 0) out["events"] = r.events.map((e) => encodeEvent(e, false));
  if (r.txResults.length > 0) out["tx_results"] = r.txResults.map(encodeExecTxResult);
  if (r.validatorUpdates.length > 0) out["validator_updates"] = r.validatorUpdates.map(encodeValidatorUpdate);
  if (r.consensusParamUpdates !== undefined) {
    out["consensus_param_updates"] = encodeConsensusParams(r.consensusParamUpdates);
  }
  const appHash = base64OrNull(r.appHash);
  if (appHash !== null) out["app_hash"] = appHash;
  return out;
}

/** The `data` member of an event: `{type: "tendermint/event/<Kind>", value}`. */
export function encodeEventData(d: EventData): JsonObject {
  let value: JsonObject;
  switch (d.type) {
    case "NewBlock":
      value = {
        block: encodeBlock(d.block),
        block_id: encodeBlockId(d.blockId),
        result_finalize_block: encodeFinalizeBlock(d.results),
      };
      break;
    case "NewBlockHeader":
      value = { header: encodeHeader(d.header) };
      break;
    case "NewBlockEvents":
      value = {
        height: int64(d.height),
        events: d.events.map((e) => encodeEvent(e, false)),
        num_txs: int64(d.numTxs),
      };
      break;
    case "Tx":
      value = {
        TxResult: {
          height: int64(d.height),
          index: d.index,
          tx: Buffer.from(d.tx).toString("base64"),
          result: encodeExecTxResult(d.result),
        },
      };
      break;
    case "ValidatorSetUpdates":
      value = {
        validator_updates: d.validatorUpdates.map((u) => ({
          address: toHexUpper(ed25519Address(u.pubKey)),
          pub_key: encodePubKey(u.pubKey),
          voting_power: int64(u.power),
          proposer_priority: "0",
        })),
      };
      break;
  }
  return { type: `${EVENT_DATA_PREFIX}${d.type}`, value };
}

/** The `events` member: composite tag → values. */
export function encodeEventTags(m: BusMessage): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of m.tags) out[k] = [...v];
  return out;
}

/**
 * The whole JSON-RPC response text pushing `m` to a subscriber: `id` of its subscribe request and
 * `result{query, data, events}`. The shared part is serialised once per message.
 */
export function eventResponseText(id: string | number, query: string, m: BusMessage): string {
  let shared = cache.get(m);
  if (shared === undefined) {
    shared = `"data":${stringifyJson(encodeEventData(m.data))},"events":${stringifyJson(encodeEventTags(m))}`;
    cache.set(m, shared);
  }
  const head: Json = { jsonrpc: "2.0", id };
  const headText = stringifyJson(head).slice(0, -1);
  return `${headText},"result":{"query":${stringifyJson(query)},${shared}}}`;
}
