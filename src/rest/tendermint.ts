/**
 * `cosmos.base.tendermint.v1beta1.Service`, answered from the node (block store, node identity)
 * rather than the state machine: node_info, syncing, blocks/latest, blocks/{height},
 * validatorsets/latest, validatorsets/{height}. Responses are plain objects of the annotated
 * response types, printed by the gateway like any other.
 */
import { toBech32 } from "../crypto/address.js";
import { encodeBlock, encodeBlockId } from "../types/block.js";
import { fromHex } from "../types/bytes.js";
import type { RestEnv } from "./env.js";
import { GrpcCode, invalidArgument, RestError } from "./errors.js";
import type { PlainMessage } from "./json.js";
import type { Route } from "./routes.js";

/** A gRPC method the gateway answers itself: decoded request in, response (plain object) out. */
export type LocalHandler = (env: RestEnv, route: Route, req: PlainMessage) => Promise<PlainMessage>;

const SERVICE = "/cosmos.base.tendermint.v1beta1.Service";
/** Default page size of validator sets (SDK `query.DefaultLimit`). */
const DEFAULT_LIMIT = 100n;

/** Handlers by gRPC method path. */
export const TENDERMINT_HANDLERS: Record<string, LocalHandler> = {
  [`${SERVICE}/GetNodeInfo`]: async (env) => {
    const n = env.nodeInfo();
    const info = {
      protocol_version: { p2p: "8", block: "11", app: "0" },
      default_node_id: n.id,
      node_id: n.id, // older `tendermint.p2p.NodeInfo` name
      listen_addr: n.listenAddr,
      network: n.network,
      version: n.version,
      channels: safeHex(n.channels),
      moniker: n.moniker,
      other: { tx_index: "on", rpc_address: n.rpcAddress },
    };
    return {
      default_node_info: info,
      node_info: info, // the field's name before SDK 0.46
      application_version: {
        name: n.appName,
        app_name: n.appName,
        version: n.appVersion,
        git_commit: "",
        build_tags: "",
        go_version: `node ${process.versions.node}`,
        build_deps: [],
        cosmos_sdk_version: "",
      },
    };
  },
  [`${SERVICE}/GetSyncing`]: async (env) => ({ syncing: env.catchingUp() }),
  [`${SERVICE}/GetLatestBlock`]: async (env, route) => blockResponse(env, route, env.latestHeight()),
  [`${SERVICE}/GetBlockByHeight`]: async (env, route, req) =>
    blockResponse(env, route, heightOf(env, req.height)),
  [`${SERVICE}/GetLatestValidatorSet`]: async (env, _route, req) =>
    validatorSetResponse(env, env.latestHeight(), req),
  [`${SERVICE}/GetValidatorSetByHeight`]: async (env, _route, req) =>
    validatorSetResponse(env, heightOf(env, req.height), req),
  [`${SERVICE}/ABCIQuery`]: async (env, _route, req) => {
    const path = typeof req.path === "string" ? req.path : "";
    if (path === "") throw invalidArgument("path is required");
    const data = req.data instanceof Uint8Array ? req.data : new Uint8Array();
    const h = req.height === undefined ? 0 : Number(BigInt(String(req.height)));
    if (h < 0 || !Number.isSafeInteger(h)) throw invalidArgument("height must not be negative");
    const r = await env.abciQuery(path, data, h);
    return {
      code: r.code,
      log: r.log,
      info: r.info,
      index: r.index.toString(),
      key: r.key,
      value: r.value,
      proof_ops: { ops: r.proofOps.map((o) => ({ type: o.type, key: o.key, data: o.data })) },
      height: String(r.height),
      codespace: r.codespace,
    };
  },
};

function safeHex(h: string): Uint8Array {
  try {
    return fromHex(h);
  } catch {
    return new Uint8Array();
  }
}

function heightOf(env: RestEnv, v: unknown): number {
  const h = BigInt(String(v ?? "0"));
  if (h <= 0n) throw invalidArgument("height must be greater than 0");
  if (h > BigInt(env.latestHeight()))
    throw invalidArgument("requested block height is bigger then the chain length");
  return Number(h);
}

async function blockResponse(env: RestEnv, route: Route, height: number): Promise<PlainMessage> {
  if (height <= 0) throw new RestError(GrpcCode.NotFound, "no block has been committed yet");
  const got = await env.loadBlock(height);
  if (!got) throw new RestError(GrpcCode.NotFound, `block at height ${height} is not available`);
  const root = route.responseType.root;
  const blockId = root.lookupType("tendermint.types.BlockID").decode(encodeBlockId(got.meta.blockId));
  const block = root
    .lookupType("tendermint.types.Block")
    .decode(encodeBlock(got.block)) as unknown as PlainMessage;
  const header = (block.header ?? {}) as PlainMessage;
  const proposer = header.proposer_address instanceof Uint8Array ? header.proposer_address : new Uint8Array();
  const sdkBlock = {
    ...block,
    header: {
      ...header,
      proposer_address: proposer.length > 0 ? toBech32(env.valconsPrefix(), proposer) : "",
    },
  };
  return { block_id: blockId, block, sdk_block: sdkBlock };
}

async function validatorSetResponse(env: RestEnv, height: number, req: PlainMessage): Promise<PlainMessage> {
  if (height <= 0) throw new RestError(GrpcCode.NotFound, "no block has been committed yet");
  const vals = await env.loadValidators(height);
  if (!vals) throw new RestError(GrpcCode.NotFound, `validator set at height ${height} is not available`);
  const page = (req.pagination ?? {}) as PlainMessage;
  const offset = BigInt(String(page.offset ?? "0"));
  const limitReq = BigInt(String(page.limit ?? "0"));
  const limit = limitReq === 0n ? DEFAULT_LIMIT : limitReq;
  const slice = vals.slice(Number(offset), Number(offset + limit));
  const prefix = env.valconsPrefix();
  return {
    block_height: String(height),
    validators: slice.map((v) => ({
      address: toBech32(prefix, v.address),
      pub_key: { type_url: "/cosmos.crypto.ed25519.PubKey", value: ed25519PubKeyProto(v.pubKey) },
      voting_power: v.votingPower.toString(),
      proposer_priority: v.proposerPriority.toString(),
    })),
    pagination: { next_key: new Uint8Array(), total: String(vals.length) },
  };
}

/** `cosmos.crypto.ed25519.PubKey{key}` bytes. */
function ed25519PubKeyProto(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + key.length);
  out[0] = 0x0a;
  out[1] = key.length;
  out.set(key, 2);
  return out;
}
