/**
 * Peer addresses and identities. Persistent peers and seeds are written CometBFT-style,
 * `<node id>@host:port`, where the node id is the CometBFT id of the peer's `node_key.json` (lower-case
 * hex of sha256(ed25519 pubkey)[:20]). libp2p needs the peer's public key to name it, which the id does
 * not carry, so the dialler connects to the address, completes the noise handshake (which proves the
 * remote's ed25519 key) and hangs up unless the key hashes to the expected id. A libp2p peer id
 * (`12D3KooW…`) is accepted in place of the node id too.
 */
import { ed25519Address } from "../crypto/ed25519.js";
import { toHex } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import { P2P_CODESPACE, P2PErrorCode } from "./messages.js";

/** A parsed `id@host:port`. */
export interface PeerAddress {
  /** 40-hex CometBFT node id, or a libp2p peer id string. */
  id: string;
  /** True when `id` is a libp2p peer id rather than a CometBFT node id. */
  isLibp2pId: boolean;
  host: string;
  port: number;
  /** The multiaddr to dial (without /p2p/ for CometBFT ids). */
  multiaddr: string;
}

/** CometBFT node id of an ed25519 public key. */
export function nodeIdOf(publicKey: Uint8Array): string {
  return toHex(ed25519Address(publicKey));
}

/** Parse `id@host:port` (coded `p2p` error when malformed). */
export function parsePeerAddress(s: string): PeerAddress {
  const m =
    /^([0-9a-fA-F]{40}|[1-9A-HJ-NP-Za-km-z]{46,60})@(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(
      s.trim(),
    );
  const port = m ? Number(m[3]) : -1;
  if (!m || port <= 0 || port > 65535) {
    throw new CodedError(
      P2P_CODESPACE,
      P2PErrorCode.InvalidConfig,
      `invalid peer address ${JSON.stringify(s)} (want <node id>@host:port)`,
    );
  }
  const rawId = m[1] as string;
  const isLibp2pId = rawId.length !== 40;
  const host = (m[2] as string).replace(/^\[|\]$/g, "");
  const proto = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? "ip4" : host.includes(":") ? "ip6" : "dns";
  const base = `/${proto}/${host}/tcp/${port}`;
  return {
    id: isLibp2pId ? rawId : rawId.toLowerCase(),
    isLibp2pId,
    host,
    port,
    multiaddr: isLibp2pId ? `${base}/p2p/${rawId}` : base,
  };
}

/** `tcp://host:port` → a listen multiaddr. */
export function laddrToMultiaddr(laddr: string): string {
  const m = /^(?:tcp:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(laddr);
  if (!m) {
    throw new CodedError(
      P2P_CODESPACE,
      P2PErrorCode.InvalidConfig,
      `invalid p2p.laddr ${JSON.stringify(laddr)}`,
    );
  }
  const host = (m[1] as string).replace(/^\[|\]$/g, "");
  const proto = host.includes(":") ? "ip6" : "ip4";
  const h = host === "localhost" ? "127.0.0.1" : host;
  return `/${proto}/${h}/tcp/${m[2]}`;
}
