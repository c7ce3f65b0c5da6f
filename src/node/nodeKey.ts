/**
 * The node's p2p identity, `config/node_key.json` in the CometBFT format: an ed25519 key whose
 * address (first 20 bytes of sha256(pubkey), lower-case hex) is the node id. Written mode 0600.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { ConfigCode, configError } from "../config/errors.js";
import { ed25519Address, ed25519FromSeed, ed25519Generate } from "../crypto/ed25519.js";
import { concatBytes, fromBase64, toBase64, toHex } from "../types/bytes.js";

/** The node key pair. */
export interface NodeKey {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** Node id: lower-case hex of the 20-byte address. */
  id: string;
}

/** Generate and write a new node key. */
export function generateNodeKey(path: string): NodeKey {
  const kp = ed25519Generate();
  const doc = {
    priv_key: {
      type: "tendermint/PrivKeyEd25519",
      value: toBase64(concatBytes(kp.privateKey, kp.publicKey)),
    },
  };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  return { ...kp, id: toHex(ed25519Address(kp.publicKey)) };
}

/** Read node_key.json; coded error when missing or malformed. */
export function loadNodeKey(path: string): NodeKey {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw configError(ConfigCode.Unreadable, `cannot read node key ${path}: ${(e as Error).message}`);
  }
  const pk = (doc as { priv_key?: { type?: unknown; value?: unknown } }).priv_key;
  if (pk?.type !== "tendermint/PrivKeyEd25519" || typeof pk.value !== "string") {
    throw configError(ConfigCode.InvalidField, `${path}: priv_key must be a tendermint/PrivKeyEd25519 key`);
  }
  let raw: Uint8Array;
  try {
    raw = fromBase64(pk.value);
  } catch {
    throw configError(ConfigCode.InvalidField, `${path}: priv_key.value must be base64`);
  }
  if (raw.length !== 64)
    throw configError(ConfigCode.InvalidField, `${path}: priv_key.value must hold 64 bytes`);
  const kp = ed25519FromSeed(raw.slice(0, 32));
  return { ...kp, id: toHex(ed25519Address(kp.publicKey)) };
}
