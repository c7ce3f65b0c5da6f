/**
 * The parts of `cosmos.tx.v1beta1.Service` the gateway answers itself because they need no state:
 * `TxDecode` and `TxEncode` (codecs over the loaded `cosmos.tx.v1beta1.Tx` type), and
 * `GetBlockWithTxs` (a block from the block store with its txs decoded).
 */
import { encodeBlock, encodeBlockId } from "../types/block.js";
import type { RestEnv } from "./env.js";
import { GrpcCode, invalidArgument, RestError } from "./errors.js";
import type { PlainMessage } from "./json.js";
import type { Route } from "./routes.js";
import type { LocalHandler } from "./tendermint.js";

const SERVICE = "/cosmos.tx.v1beta1.Service";
/** Default page size (SDK `query.DefaultLimit`). */
const DEFAULT_LIMIT = 100n;

/** Handlers by gRPC method path. */
export const TX_CODEC_HANDLERS: Record<string, LocalHandler> = {
  [`${SERVICE}/TxDecode`]: async (_env, route, req) => {
    const bytes = req.tx_bytes instanceof Uint8Array ? req.tx_bytes : new Uint8Array();
    if (bytes.length === 0) throw invalidArgument("invalid empty tx bytes");
    const txRaw = route.requestType.root.lookupType("cosmos.tx.v1beta1.TxRaw");
    const body = route.requestType.root.lookupType("cosmos.tx.v1beta1.TxBody");
    const authInfo = route.requestType.root.lookupType("cosmos.tx.v1beta1.AuthInfo");
    try {
      // Decode through TxRaw (same field numbers as Tx) so the body and auth info bytes are checked.
      const raw = txRaw.decode(bytes) as unknown as PlainMessage;
      return {
        tx: {
          body: body.decode(asBytes(raw.body_bytes)),
          auth_info: authInfo.decode(asBytes(raw.auth_info_bytes)),
          signatures: raw.signatures,
        },
      };
    } catch (e) {
      throw invalidArgument(`tx parse error: ${(e as Error).message}`);
    }
  },
  [`${SERVICE}/TxEncode`]: async (_env, route, req) => {
    if (!req.tx || typeof req.tx !== "object") throw invalidArgument("invalid empty tx");
    const tx = route.requestType.root.lookupType("cosmos.tx.v1beta1.Tx");
    try {
      return { tx_bytes: tx.encode(tx.fromObject(req.tx as PlainMessage)).finish() };
    } catch (e) {
      throw invalidArgument(`tx encode error: ${(e as Error).message}`);
    }
  },
  [`${SERVICE}/GetBlockWithTxs`]: async (env, route, req) => blockWithTxs(env, route, req),
};

function asBytes(v: unknown): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array();
}

async function blockWithTxs(env: RestEnv, route: Route, req: PlainMessage): Promise<PlainMessage> {
  const height = BigInt(String(req.height ?? "0"));
  const latest = BigInt(env.latestHeight());
  if (height <= 0n) throw invalidArgument("height must be greater than 0");
  if (height > latest) throw invalidArgument(`requested height ${height} but latest height is ${latest}`);
  const got = await env.loadBlock(Number(height));
  if (!got) throw new RestError(GrpcCode.NotFound, `block at height ${height} is not available`);
  const root = route.responseType.root;
  const page = (req.pagination ?? {}) as PlainMessage;
  const offset = BigInt(String(page.offset ?? "0"));
  const limitReq = BigInt(String(page.limit ?? "0"));
  const limit = limitReq === 0n ? DEFAULT_LIMIT : limitReq;
  const all = got.block.data.txs;
  if (all.length > 0 && offset >= BigInt(all.length))
    throw invalidArgument(
      `out of range: cannot paginate ${all.length} txs with offset ${offset} and limit ${limit}`,
    );
  const slice = all.slice(Number(offset), Number(offset + limit));
  const decoder = TX_CODEC_HANDLERS[`${SERVICE}/TxDecode`];
  const txs: unknown[] = [];
  for (const t of slice) {
    try {
      const d = decoder ? await decoder(env, route, { tx_bytes: t }) : {};
      txs.push(d.tx ?? {});
    } catch {
      txs.push({});
    }
  }
  return {
    txs,
    block_id: root.lookupType("tendermint.types.BlockID").decode(encodeBlockId(got.meta.blockId)),
    block: root.lookupType("tendermint.types.Block").decode(encodeBlock(got.block)),
    pagination: { next_key: new Uint8Array(), total: String(all.length) },
  };
}
