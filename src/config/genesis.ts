/**
 * The genesis document (`config/genesis.json`) in the CometBFT / Cosmos layout: `genesis_time, chain_id,
 * initial_height, consensus_params, validators, app_hash, app_state`. Integers are JSON strings as
 * CometBFT writes them. Reading validates every field with coded errors; the app validates `app_state`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { ConsensusParams, InitChainRequest, Timestamp, ValidatorUpdate } from "../abci/types.js";
import { ed25519Address } from "../crypto/ed25519.js";
import { fromBase64, fromHex, toBase64, toHexUpper, utf8 } from "../types/bytes.js";
import { ConfigCode, configError } from "./errors.js";

/** A validator listed in genesis (before staking, the whole initial set). */
export interface GenesisValidator {
  /** Upper-case hex consensus address (derived from the key). */
  address: string;
  /** 32-byte ed25519 public key. */
  pubKey: Uint8Array;
  power: bigint;
  name: string;
}

/** The parsed genesis document. */
export interface GenesisDoc {
  /** RFC 3339 time with nanoseconds, as written. */
  genesisTime: string;
  chainId: string;
  initialHeight: number;
  consensusParams: ConsensusParams;
  validators: GenesisValidator[];
  appHash: Uint8Array;
  /** The modules' genesis states (validated by the app). */
  appState: Record<string, unknown>;
}

/** Longest chain id CometBFT accepts. */
export const MAX_CHAIN_ID_LENGTH = 50;

/** Consensus params of a new chain. */
export function defaultConsensusParams(): ConsensusParams {
  return {
    block: { maxBytes: 22_020_096, maxGas: -1 },
    evidence: { maxAgeNumBlocks: 100_000, maxAgeDurationSeconds: 172_800, maxBytes: 1_048_576 },
    validator: { pubKeyTypes: ["ed25519"] },
    version: { app: 0 },
  };
}

/** Parse an RFC 3339 time (up to nanosecond precision) into a Timestamp; coded error when malformed. */
export function parseRfc3339(s: string, field = "time"): Timestamp {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : Number.NaN;
  if (!m || Number.isNaN(ms))
    throw configError(ConfigCode.InvalidGenesis, `${field}: invalid RFC 3339 time ${JSON.stringify(s)}`);
  return { seconds: BigInt(ms / 1000), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

/** Format a Timestamp as RFC 3339 with nanoseconds trimmed as Go does (`2024-01-02T03:04:05.1Z`). */
export function formatRfc3339(t: Timestamp): string {
  const base = new Date(Number(t.seconds) * 1000).toISOString().slice(0, 19);
  const frac = t.nanos === 0 ? "" : `.${String(t.nanos).padStart(9, "0").replace(/0+$/, "")}`;
  return `${base}${frac}Z`;
}

/** Serialise a genesis document to CometBFT JSON. */
export function genesisToJson(doc: GenesisDoc): Record<string, unknown> {
  const cp = doc.consensusParams;
  return {
    genesis_time: doc.genesisTime,
    chain_id: doc.chainId,
    initial_height: String(doc.initialHeight),
    consensus_params: {
      block: { max_bytes: String(cp.block.maxBytes), max_gas: String(cp.block.maxGas) },
      evidence: {
        max_age_num_blocks: String(cp.evidence.maxAgeNumBlocks),
        max_age_duration: `${BigInt(cp.evidence.maxAgeDurationSeconds) * 1_000_000_000n}`,
        max_bytes: String(cp.evidence.maxBytes),
      },
      validator: { pub_key_types: cp.validator.pubKeyTypes },
      version: { app: String(cp.version.app) },
      abci: { vote_extensions_enable_height: "0" },
    },
    validators: doc.validators.map((v) => ({
      address: v.address,
      pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(v.pubKey) },
      power: v.power.toString(),
      name: v.name,
    })),
    app_hash: toHexUpper(doc.appHash),
    app_state: doc.appState,
  };
}

/** Write genesis.json (pretty, stable key order). */
export function writeGenesis(path: string, doc: GenesisDoc): void {
  writeFileSync(path, `${JSON.stringify(genesisToJson(doc), null, 2)}\n`, { mode: 0o644 });
}

/** Read and validate genesis.json. */
export function readGenesis(path: string): GenesisDoc {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw configError(ConfigCode.Unreadable, `cannot read genesis ${path}: ${(e as Error).message}`);
  }
  return parseGenesis(text);
}

/** Parse and validate genesis JSON text. */
export function parseGenesis(text: string): GenesisDoc {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw configError(ConfigCode.Syntax, `genesis is not valid JSON: ${(e as Error).message}`);
  }
  const g = obj(raw, "genesis");
  const chainId = str(g["chain_id"], "chain_id");
  if (chainId.length === 0 || chainId.length > MAX_CHAIN_ID_LENGTH || !/^[\x21-\x7e]+$/.test(chainId)) {
    throw bad("chain_id", `must be 1-${MAX_CHAIN_ID_LENGTH} printable characters`);
  }
  const genesisTime = str(g["genesis_time"], "genesis_time");
  parseRfc3339(genesisTime, "genesis_time");
  const initialHeight = g["initial_height"] === undefined ? 1 : int(g["initial_height"], "initial_height");
  if (initialHeight < 1) throw bad("initial_height", "must be ≥ 1");
  const consensusParams = parseConsensusParams(g["consensus_params"]);
  const validators = (
    g["validators"] === undefined || g["validators"] === null ? [] : arr(g["validators"], "validators")
  ).map((v, i) => parseValidator(v, `validators[${i}]`));
  const appHashHex = g["app_hash"] === undefined ? "" : str(g["app_hash"], "app_hash");
  let appHash: Uint8Array;
  try {
    appHash = fromHex(appHashHex);
  } catch {
    throw bad("app_hash", "must be hex");
  }
  const appState = g["app_state"] === undefined ? {} : obj(g["app_state"], "app_state");
  return { genesisTime, chainId, initialHeight, consensusParams, validators, appHash, appState };
}

/** The InitChain request a genesis document makes. */
export function genesisToInitChain(doc: GenesisDoc): InitChainRequest {
  const validators: ValidatorUpdate[] = doc.validators.map((v) => ({ pubKey: v.pubKey, power: v.power }));
  return {
    time: parseRfc3339(doc.genesisTime, "genesis_time"),
    chainId: doc.chainId,
    consensusParams: doc.consensusParams,
    validators,
    appStateBytes: utf8(JSON.stringify(doc.appState)),
    initialHeight: doc.initialHeight,
  };
}

/** A genesis validator entry for an ed25519 public key. */
export function genesisValidator(pubKey: Uint8Array, power: bigint, name: string): GenesisValidator {
  return { address: toHexUpper(ed25519Address(pubKey)), pubKey, power, name };
}

function parseConsensusParams(v: unknown): ConsensusParams {
  const d = defaultConsensusParams();
  if (v === undefined || v === null) return d;
  const cp = obj(v, "consensus_params");
  const block = cp["block"] === undefined ? {} : obj(cp["block"], "consensus_params.block");
  const ev = cp["evidence"] === undefined ? {} : obj(cp["evidence"], "consensus_params.evidence");
  const val = cp["validator"] === undefined ? {} : obj(cp["validator"], "consensus_params.validator");
  const ver = cp["version"] === undefined ? {} : obj(cp["version"], "consensus_params.version");
  const maxBytes =
    block["max_bytes"] === undefined
      ? d.block.maxBytes
      : int(block["max_bytes"], "consensus_params.block.max_bytes");
  const maxGas =
    block["max_gas"] === undefined
      ? d.block.maxGas
      : int(block["max_gas"], "consensus_params.block.max_gas", -1);
  if (maxBytes < 1 || maxBytes > 104_857_600)
    throw bad("consensus_params.block.max_bytes", "must be in 1..104857600");
  const durNs =
    ev["max_age_duration"] === undefined
      ? undefined
      : str(ev["max_age_duration"], "consensus_params.evidence.max_age_duration");
  if (durNs !== undefined && !/^\d+$/.test(durNs))
    throw bad("consensus_params.evidence.max_age_duration", "must be nanoseconds");
  const pubKeyTypes =
    val["pub_key_types"] === undefined
      ? d.validator.pubKeyTypes
      : arr(val["pub_key_types"], "pub_key_types").map((t) => str(t, "pub_key_types[]"));
  if (pubKeyTypes.some((t) => t !== "ed25519"))
    throw bad("consensus_params.validator.pub_key_types", 'only "ed25519" is supported');
  return {
    block: { maxBytes, maxGas },
    evidence: {
      maxAgeNumBlocks:
        ev["max_age_num_blocks"] === undefined
          ? d.evidence.maxAgeNumBlocks
          : int(ev["max_age_num_blocks"], "consensus_params.evidence.max_age_num_blocks"),
      maxAgeDurationSeconds:
        durNs === undefined ? d.evidence.maxAgeDurationSeconds : Number(BigInt(durNs) / 1_000_000_000n),
      maxBytes:
        ev["max_bytes"] === undefined
          ? d.evidence.maxBytes
          : int(ev["max_bytes"], "consensus_params.evidence.max_bytes"),
    },
    validator: { pubKeyTypes },
    version: { app: ver["app"] === undefined ? 0 : int(ver["app"], "consensus_params.version.app") },
  };
}

function parseValidator(v: unknown, where: string): GenesisValidator {
  const o = obj(v, where);
  const pk = obj(o["pub_key"], `${where}.pub_key`);
  if (pk["type"] !== "tendermint/PubKeyEd25519")
    throw bad(`${where}.pub_key.type`, 'must be "tendermint/PubKeyEd25519"');
  let pubKey: Uint8Array;
  try {
    pubKey = fromBase64(str(pk["value"], `${where}.pub_key.value`));
  } catch {
    throw bad(`${where}.pub_key.value`, "must be base64");
  }
  if (pubKey.length !== 32) throw bad(`${where}.pub_key.value`, "must be a 32-byte ed25519 key");
  const powerStr = str(o["power"], `${where}.power`);
  if (!/^\d{1,19}$/.test(powerStr) || BigInt(powerStr) === 0n)
    throw bad(`${where}.power`, "must be a positive integer");
  const expected = toHexUpper(ed25519Address(pubKey));
  const address = o["address"] === undefined ? expected : str(o["address"], `${where}.address`).toUpperCase();
  if (address !== expected)
    throw bad(`${where}.address`, `does not match the public key (expected ${expected})`);
  const name = o["name"] === undefined ? "" : str(o["name"], `${where}.name`);
  return { address, pubKey, power: BigInt(powerStr), name };
}

function bad(field: string, why: string): Error {
  return configError(ConfigCode.InvalidGenesis, `genesis ${field} ${why}`);
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(field, "must be an object");
  return v as Record<string, unknown>;
}

function arr(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw bad(field, "must be an array");
  return v;
}

function str(v: unknown, field: string): string {
  if (typeof v !== "string") throw bad(field, "must be a string");
  return v;
}

function int(v: unknown, field: string, min = 0): number {
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s !== "string" || !/^-?\d{1,16}$/.test(s) || Number(s) < min)
    throw bad(field, `must be an integer ≥ ${min}`);
  return Number(s);
}
