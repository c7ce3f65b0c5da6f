/**
 * The file-based validator signer, as CometBFT's `privval.FilePV`: the ed25519 consensus key in
 * `config/priv_validator_key.json` and the last signed height/round/step in
 * `data/priv_validator_state.json`. Double-sign protection: a vote or proposal at a lower
 * height/round/step than the last one signed is refused; the same height/round/step is signed again
 * only when the sign bytes are identical (or differ only in the timestamp, in which case the stored
 * signature and timestamp are returned). The new state is persisted — fsynced and atomically renamed —
 * before a signature is returned.
 */
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { BinaryReader } from "cosmjs-types/binary";
import { Timestamp as ProtoTimestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Timestamp } from "../abci/types.js";
import type { Signer } from "../consensus/types.js";
import { ed25519Address, ed25519FromSeed, ed25519Generate, ed25519Sign } from "../crypto/ed25519.js";
import { type Proposal, proposalSignBytes, SignedMsgType, type Vote, voteSignBytes } from "../types/block.js";
import { equalBytes, fromBase64, fromHex, toBase64, toHexUpper } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";

// ---------------------------------------------------------------------------------------------
// Constants

/** Codespace of signer errors. */
export const PRIVVAL_CODESPACE = "privval";

/** Codes of signer errors. */
export enum PrivvalErrorCode {
  /** The key file is missing, unreadable or malformed. */
  InvalidKeyFile = 1,
  /** The state file is missing, unreadable or malformed. */
  InvalidStateFile = 2,
  /** Asked to sign below the last signed height. */
  HeightRegression = 3,
  /** Asked to sign below the last signed round at the same height. */
  RoundRegression = 4,
  /** Asked to sign below the last signed step at the same height and round. */
  StepRegression = 5,
  /** Asked to sign different data at the last signed height/round/step. */
  ConflictingData = 6,
  /** The vote or proposal itself is malformed (unknown type, bad height…). */
  InvalidRequest = 7,
  /** Persisting the state failed: nothing was signed. */
  IO = 8,
}

/** Amino type name of an ed25519 public key in CometBFT JSON. */
export const PUBKEY_ED25519_TYPE = "tendermint/PubKeyEd25519";
/** Amino type name of an ed25519 private key in CometBFT JSON. */
export const PRIVKEY_ED25519_TYPE = "tendermint/PrivKeyEd25519";

/** The step of a signed message in the height/round/step order (CometBFT `stepPropose`…). */
export enum SignStep {
  None = 0,
  Propose = 1,
  Prevote = 2,
  Precommit = 3,
}

/** Field number of the timestamp inside CanonicalVote / CanonicalProposal. */
const VOTE_TIMESTAMP_FIELD = 5;
const PROPOSAL_TIMESTAMP_FIELD = 6;

// ---------------------------------------------------------------------------------------------
// Types

/** The validator key (CometBFT `FilePVKey`). */
export interface FilePVKey {
  /** 20-byte address: sha256(pubKey)[:20]. */
  address: Uint8Array;
  /** 32-byte ed25519 public key. */
  pubKey: Uint8Array;
  /** 32-byte ed25519 seed. */
  privKey: Uint8Array;
}

/** What was signed last (CometBFT `FilePVLastSignState`). */
export interface LastSignState {
  height: number;
  round: number;
  step: SignStep;
  /** Signature of `signBytes`; present once anything was signed. */
  signature?: Uint8Array;
  /** The exact bytes signed last. */
  signBytes?: Uint8Array;
}

/** `priv_validator_key.json` as CometBFT writes it. */
interface KeyFileJson {
  address: string;
  pub_key: { type: string; value: string };
  priv_key: { type: string; value: string };
}

/** `priv_validator_state.json` as CometBFT writes it. */
interface StateFileJson {
  height: string;
  round: number;
  step: number;
  signature?: string;
  signbytes?: string;
}

// ---------------------------------------------------------------------------------------------
// Main class

/** A validator signer backed by a key file and a state file. */
export class FilePV implements Signer {
  private state: LastSignState;

  private constructor(
    private readonly key: FilePVKey,
    private readonly statePath: string,
    state: LastSignState,
  ) {
    this.state = state;
  }

  // ---- lifecycle ----

  /**
   * Create a new key (from the OS CSPRNG, or from `seed` when given) and a zero state, write both
   * files (mode 0600, parent folders created), and return the signer.
   */
  static generate(keyPath: string, statePath: string, seed?: Uint8Array): FilePV {
    if (seed !== undefined && seed.length !== 32) {
      throw privvalError(PrivvalErrorCode.InvalidKeyFile, "ed25519 seed must be 32 bytes");
    }
    const kp = seed === undefined ? ed25519Generate() : ed25519FromSeed(seed);
    const key: FilePVKey = {
      address: ed25519Address(kp.publicKey),
      pubKey: kp.publicKey,
      privKey: kp.privateKey,
    };
    const pv = new FilePV(key, statePath, { height: 0, round: 0, step: SignStep.None });
    writeAtomic(keyPath, `${JSON.stringify(keyToJson(key), null, 2)}\n`);
    pv.saveState();
    return pv;
  }

  /** Load both files; a missing or malformed file gives a coded error. */
  static load(keyPath: string, statePath: string): FilePV {
    const key = readKeyFile(keyPath);
    const state = readStateFile(statePath);
    return new FilePV(key, statePath, state);
  }

  /** Load the signer when its key file exists, else generate a new one. */
  static loadOrGenerate(keyPath: string, statePath: string): FilePV {
    let exists = true;
    try {
      readFileSync(keyPath);
    } catch {
      exists = false;
    }
    return exists ? FilePV.load(keyPath, statePath) : FilePV.generate(keyPath, statePath);
  }

  // ---- public ----

  /** 20-byte validator address. */
  get address(): Uint8Array {
    return this.key.address;
  }

  /** 32-byte ed25519 public key. */
  get pubKey(): Uint8Array {
    return this.key.pubKey;
  }

  /** A copy of the last sign state. */
  get lastSignState(): LastSignState {
    return { ...this.state };
  }

  /**
   * Sign a prevote or precommit for `chainId`. Returns the vote with its signature (and, when
   * re-signing the same vote with only a new timestamp, the originally signed timestamp).
   */
  async signVote(chainId: string, vote: Vote): Promise<Vote> {
    let step: SignStep;
    if (vote.type === SignedMsgType.Prevote) step = SignStep.Prevote;
    else if (vote.type === SignedMsgType.Precommit) step = SignStep.Precommit;
    else throw privvalError(PrivvalErrorCode.InvalidRequest, `cannot sign vote of type ${vote.type}`);
    checkHeightRound(vote.height, vote.round);
    const signBytes = voteSignBytes(chainId, vote);
    const { signature, timestamp } = this.sign(
      vote.height,
      vote.round,
      step,
      signBytes,
      VOTE_TIMESTAMP_FIELD,
    );
    return { ...vote, signature, timestamp: timestamp ?? vote.timestamp };
  }

  /** Sign a proposal for `chainId`, with the same double-sign protection as votes. */
  async signProposal(chainId: string, proposal: Proposal): Promise<Proposal> {
    checkHeightRound(proposal.height, proposal.round);
    const signBytes = proposalSignBytes(chainId, proposal);
    const { signature, timestamp } = this.sign(
      proposal.height,
      proposal.round,
      SignStep.Propose,
      signBytes,
      PROPOSAL_TIMESTAMP_FIELD,
    );
    return { ...proposal, signature, timestamp: timestamp ?? proposal.timestamp };
  }

  // ---- private ----

  private sign(
    height: number,
    round: number,
    step: SignStep,
    signBytes: Uint8Array,
    timestampField: number,
  ): { signature: Uint8Array; timestamp?: Timestamp } {
    const s = this.state;
    if (height < s.height) {
      throw privvalError(
        PrivvalErrorCode.HeightRegression,
        `height regression. Got ${height}, last height ${s.height}`,
      );
    }
    if (height === s.height) {
      if (round < s.round) {
        throw privvalError(
          PrivvalErrorCode.RoundRegression,
          `round regression at height ${height}. Got ${round}, last round ${s.round}`,
        );
      }
      if (round === s.round) {
        if (step < s.step) {
          throw privvalError(
            PrivvalErrorCode.StepRegression,
            `step regression at height ${height} round ${round}. Got ${step}, last step ${s.step}`,
          );
        }
        if (step === s.step) return this.resign(signBytes, timestampField);
      }
    }
    const signature = ed25519Sign(signBytes, this.key.privKey);
    const previous = this.state;
    this.state = { height, round, step, signature, signBytes };
    try {
      this.saveState();
    } catch (e) {
      this.state = previous;
      throw privvalError(PrivvalErrorCode.IO, `cannot persist sign state: ${errorMessage(e)}`);
    }
    return { signature };
  }

  /** Same height/round/step: only the same bytes (or the same modulo timestamp) get the stored signature. */
  private resign(
    signBytes: Uint8Array,
    timestampField: number,
  ): { signature: Uint8Array; timestamp?: Timestamp } {
    const { signBytes: last, signature } = this.state;
    if (last === undefined || signature === undefined) {
      throw privvalError(PrivvalErrorCode.ConflictingData, "no sign bytes found for the last signed step");
    }
    if (equalBytes(signBytes, last)) return { signature };
    const a = splitTimestamp(last, timestampField);
    const b = splitTimestamp(signBytes, timestampField);
    if (a !== undefined && b !== undefined && equalBytes(a.rest, b.rest)) {
      return { signature, timestamp: a.timestamp };
    }
    throw privvalError(PrivvalErrorCode.ConflictingData, "conflicting data");
  }

  private saveState(): void {
    writeAtomic(this.statePath, `${JSON.stringify(stateToJson(this.state), null, 2)}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// Files

/** Write `text` to `path` with mode 0600: temp file, fsync, rename, fsync the folder. */
function writeAtomic(path: string, text: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dfd = openSync(dir, "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // some platforms cannot fsync a directory; the rename is still atomic
  }
}

function keyToJson(key: FilePVKey): KeyFileJson {
  const priv = new Uint8Array(64);
  priv.set(key.privKey, 0);
  priv.set(key.pubKey, 32);
  return {
    address: toHexUpper(key.address),
    pub_key: { type: PUBKEY_ED25519_TYPE, value: toBase64(key.pubKey) },
    priv_key: { type: PRIVKEY_ED25519_TYPE, value: toBase64(priv) },
  };
}

function readKeyFile(path: string): FilePVKey {
  const bad = (why: string): never => {
    throw privvalError(PrivvalErrorCode.InvalidKeyFile, `invalid validator key file ${path}: ${why}`);
  };
  const j = readJson(path, PrivvalErrorCode.InvalidKeyFile) as Partial<KeyFileJson> | null;
  if (j === null || typeof j !== "object") return bad("not a JSON object");
  const pk = j.pub_key;
  const sk = j.priv_key;
  if (!pk || pk.type !== PUBKEY_ED25519_TYPE || typeof pk.value !== "string")
    return bad("pub_key must be ed25519");
  if (!sk || sk.type !== PRIVKEY_ED25519_TYPE || typeof sk.value !== "string")
    return bad("priv_key must be ed25519");
  const pubKey = decodeB64(pk.value, () => bad("pub_key is not base64"));
  const priv = decodeB64(sk.value, () => bad("priv_key is not base64"));
  if (pubKey.length !== 32) bad("pub_key must be 32 bytes");
  if (priv.length !== 64) bad("priv_key must be 64 bytes");
  const seed = priv.slice(0, 32);
  const derived = ed25519FromSeed(seed).publicKey;
  if (!equalBytes(derived, pubKey) || !equalBytes(priv.slice(32), pubKey))
    bad("priv_key does not match pub_key");
  const address = ed25519Address(pubKey);
  if (typeof j.address !== "string" || j.address.toUpperCase() !== toHexUpper(address)) {
    bad("address does not match pub_key");
  }
  return { address, pubKey, privKey: seed };
}

function stateToJson(s: LastSignState): StateFileJson {
  const out: StateFileJson = { height: String(s.height), round: s.round, step: s.step };
  if (s.signature !== undefined) out.signature = toBase64(s.signature);
  if (s.signBytes !== undefined) out.signbytes = toHexUpper(s.signBytes);
  return out;
}

function readStateFile(path: string): LastSignState {
  const bad = (why: string): never => {
    throw privvalError(PrivvalErrorCode.InvalidStateFile, `invalid validator state file ${path}: ${why}`);
  };
  const j = readJson(path, PrivvalErrorCode.InvalidStateFile) as Partial<StateFileJson> | null;
  if (j === null || typeof j !== "object") return bad("not a JSON object");
  if (typeof j.height !== "string" || !/^(0|[1-9][0-9]*)$/.test(j.height))
    return bad("height must be a decimal string");
  const height = Number(j.height);
  if (!Number.isSafeInteger(height)) bad("height out of range");
  if (typeof j.round !== "number" || !Number.isSafeInteger(j.round) || j.round < 0) return bad("round");
  if (typeof j.step !== "number" || !Number.isInteger(j.step) || j.step < 0 || j.step > 3) return bad("step");
  const state: LastSignState = { height, round: j.round, step: j.step as SignStep };
  if (j.signature !== undefined && j.signature !== null) {
    if (typeof j.signature !== "string") bad("signature");
    state.signature = decodeB64(j.signature as string, () => bad("signature is not base64"));
  }
  if (j.signbytes !== undefined && j.signbytes !== null) {
    if (typeof j.signbytes !== "string") bad("signbytes");
    try {
      state.signBytes = fromHex(j.signbytes as string);
    } catch {
      bad("signbytes is not hex");
    }
  }
  if ((state.signature === undefined) !== (state.signBytes === undefined))
    bad("signature and signbytes go together");
  return state;
}

function readJson(path: string, code: PrivvalErrorCode): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw privvalError(code, `cannot read ${path}: ${errorMessage(e)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw privvalError(code, `cannot parse ${path}: ${errorMessage(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Private helpers

/**
 * Split length-delimited canonical sign bytes into the timestamp field and everything else, so two
 * sign bytes can be compared modulo their timestamps. Undefined when the bytes do not parse.
 */
function splitTimestamp(
  signBytes: Uint8Array,
  field: number,
): { timestamp: Timestamp; rest: Uint8Array } | undefined {
  try {
    const body = new BinaryReader(signBytes).bytes();
    const r = new BinaryReader(body);
    const rest: number[] = [];
    let timestamp: Timestamp | undefined;
    while (r.pos < r.len) {
      const start = r.pos;
      const tag = r.uint32();
      if (tag >>> 3 === field && (tag & 7) === 2) {
        const ts = ProtoTimestamp.decode(r.bytes());
        timestamp = { seconds: ts.seconds, nanos: ts.nanos };
      } else {
        r.skipType(tag & 7);
        for (let i = start; i < r.pos; i++) rest.push(body[i]!);
      }
    }
    if (timestamp === undefined) return undefined;
    return { timestamp, rest: Uint8Array.from(rest) };
  } catch {
    return undefined;
  }
}

function checkHeightRound(height: number, round: number): void {
  if (!Number.isSafeInteger(height) || height <= 0) {
    throw privvalError(PrivvalErrorCode.InvalidRequest, `invalid height ${height}`);
  }
  if (!Number.isSafeInteger(round) || round < 0) {
    throw privvalError(PrivvalErrorCode.InvalidRequest, `invalid round ${round}`);
  }
}

function decodeB64(s: string, onError: () => never): Uint8Array {
  try {
    return fromBase64(s);
  } catch {
    return onError();
  }
}

function privvalError(code: PrivvalErrorCode, message: string): CodedError {
  return new CodedError(PRIVVAL_CODESPACE, code, message);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
