/**
 * attribution's keeper: the only code touching its store. Credit escrow (deposit, delayed withdrawal),
 * settlement of signed inference requests (signature, nonce, expiry, serving, fee bound, on-chain
 * attribution with the engine, the split and its payouts), inference records with their indexes,
 * claimable rewards, row earnings.
 *
 * Money: deposits move into the `attribution` module account. A settlement spends the requester's
 * credit with the operator (available first, then any amount still unlocking) and splits the fee:
 * - `platform` (params.platform_fee) → the community pool (`fundCommunityPoolFromModule`);
 * - of the rest (`net`), owner / operator / stakers get `floor(net × share / 10^18)`, the contributors
 *   the remainder (so the parts sum to `net` exactly); the stakers' part goes to the fee collector, the
 *   owner's and operator's accrue as claimable rewards;
 * - the contributors' part is split over the credited rows by their ppm with the largest-remainder rule
 *   (ties to the higher-ranked row); each row's amount is multiplied by its contributor's datanets
 *   reward multiplier (floor), the reduction going to the community pool;
 * - when no row is credited, `unattributed_policy` decides: CONTRIBUTORS_BY_BYTES splits it over the
 *   contributors of the pinned versions pro rata to the UTF-8 bytes of their rows (largest remainder over
 *   (datanet, contributor) in datanet id then address order; penalty multiplier applies);
 *   DATANET_OWNERS over the pinned datanets' owners pro rata to the versions' bytes; COMMUNITY_POOL (or
 *   no rows at all) to the community pool.
 * Claimable rewards stay in the module account until MsgClaimRewards pays them (once).
 */

import { bech32Of } from "../../app/addressCache.js";
import type { BigCoin } from "../../app/coins.js";
import { SIG_VERIFY_COST_SECP256K1 } from "../../app/gas.js";
import { PrefixReader, PrefixStore } from "../../app/prefixStore.js";
import type { Context } from "../../app/types.js";
import {
  type Attribution,
  attribute,
  EngineError,
  EngineErrorCode,
  type Segment,
  tokenize,
} from "../../attribution/engine/index.js";
import { decodeAddress } from "../../crypto/address.js";
import { sha256 } from "../../crypto/hash.js";
import type { KVReader, KVStore } from "../../store/types.js";
import { fromHex, readUint64BE, toHex, uint64BE } from "../../types/bytes.js";
import { FEE_COLLECTOR } from "../auth/keys.js";
import { AttributionCode, attributionError } from "./errors.js";
import { attributionEvent, EventType } from "./events.js";
import type {
  AttributionAccountKeeper,
  AttributionBankKeeper,
  AttributionDatanetsKeeper,
  AttributionModelsKeeper,
  CommunityPoolFunder,
} from "./expectedKeepers.js";
import type { IndexProvider } from "./indexProvider.js";
import {
  BY_CONTRIBUTOR_PREFIX,
  BY_OPERATOR_PREFIX,
  BY_REQUESTER_PREFIX,
  byAddressKey,
  byModelKey,
  CREDIT_PREFIX,
  creditKey,
  inferenceKey,
  MODULE_NAME,
  NEXT_INFERENCE_ID_KEY,
  nonceKey,
  PARAMS_KEY,
  REWARD_PREFIX,
  ROW_EARNINGS_PREFIX,
  rewardKey,
  rowEarningsKey,
  STORE_PREFIX,
  UNLOCK_QUEUE_PREFIX,
  unlockQueueKey,
} from "./keys.js";
import { defaultAttributionParams, type ParamsView, validateAttributionParams } from "./params.js";
import {
  big,
  Credit,
  type DatanetWeight,
  InferenceRecord,
  type Params,
  Params as ParamsCodec,
  RewardAccount,
  RowEarnings,
  type RowWeight,
  UnattributedPolicy,
} from "./proto.js";
import { type InferenceRequestData, pubKeyMatches, verifyRequest } from "./request.js";
import { inferenceFee, splitByWeights, splitNet } from "./split.js";

/** Longest chain id, prompt hash, etc. accepted in a request. */
const MAX_CHAIN_ID = 64;
/** Work bound of `Explain` (a query pays no gas). */
export const EXPLAIN_MAX_WORK = 50_000_000;

/** What a settlement hands back. */
export interface Settlement {
  record: InferenceRecord;
  attribution: Attribution;
}

/** The settle message's content, decoded. */
export interface SettleInput {
  operator: string;
  request: InferenceRequestData;
  signature: Uint8Array;
  pubKey: Uint8Array;
  inputTokens: bigint;
  output: string;
}

/** Keepers and services the attribution keeper uses (resolved lazily). */
export interface AttributionKeeperDeps {
  bank: () => AttributionBankKeeper;
  accounts: () => AttributionAccountKeeper;
  communityPool: () => CommunityPoolFunder;
  models: () => AttributionModelsKeeper;
  datanets: () => AttributionDatanetsKeeper;
  index: IndexProvider;
}

function invalid(msg: string): never {
  throw attributionError(AttributionCode.InvalidRequest, msg);
}

/** Parse a bech32 address of the chain's prefix; throws `attribution` 2. */
export function parseAddress(ctx: Pick<Context, "chain">, field: string, s: string): Uint8Array {
  try {
    return decodeAddress(s, ctx.chain.bech32Prefix);
  } catch {
    return invalid(`invalid ${field} address ${JSON.stringify(s.slice(0, 100))}`);
  }
}

/** A bond-denom coin amount > 0 from a message coin; throws `attribution` 2. */
export function positiveCoin(
  ctx: Context,
  c: { denom?: string | null; amount?: string | null } | null | undefined,
): bigint {
  if (!c || c.denom !== ctx.chain.bondDenom) invalid(`amount must be in ${ctx.chain.bondDenom}`);
  if (!/^[0-9]{1,78}$/.test(c.amount ?? "")) invalid("amount must be a non-negative integer");
  const v = BigInt(c.amount ?? "0");
  if (v === 0n) invalid("amount must be positive");
  return v;
}

/** The attribution keeper. */
export class AttributionKeeper {
  /** Over its dependencies. */
  constructor(private readonly deps: AttributionKeeperDeps) {}

  /** The store under attribution's prefix. */
  store(ctx: Context): KVStore {
    return new PrefixStore(ctx.store, STORE_PREFIX);
  }

  /** The bank keeper. */
  bank(): AttributionBankKeeper {
    return this.deps.bank();
  }

  // ---- params ----

  /** Params (defaults when unset). */
  getParams(ctx: Context): Params {
    const bz = this.store(ctx).get(PARAMS_KEY);
    return bz === undefined ? defaultAttributionParams(ctx.chain.bondDenom) : ParamsCodec.decode(bz);
  }

  /** Validated, typed params. */
  params(ctx: Context): ParamsView {
    return validateAttributionParams(this.getParams(ctx));
  }

  /** Store params (validated; the platform fee must be in the bond denom). */
  setParams(ctx: Context, p: Params): void {
    validateAttributionParams(p, ctx.chain.bondDenom);
    this.store(ctx).set(PARAMS_KEY, ParamsCodec.encode(p).finish());
  }

  /** The next inference id (starts at 1). */
  nextInferenceId(ctx: Context): bigint {
    const bz = this.store(ctx).get(NEXT_INFERENCE_ID_KEY);
    return bz === undefined ? 1n : readUint64BE(bz);
  }

  /** Set the next inference id (genesis import). */
  setNextInferenceId(ctx: Context, n: bigint): void {
    this.store(ctx).set(NEXT_INFERENCE_ID_KEY, uint64BE(n));
  }

  // ---- credit ----

  /** A credit (zero when none). */
  getCredit(ctx: Context, requester: string, operator: string): Credit {
    const bz = this.store(ctx).get(
      creditKey(parseAddress(ctx, "requester", requester), parseAddress(ctx, "operator", operator)),
    );
    return bz === undefined
      ? Credit.create({ requester, operator, amount: "0", unlocking: "0", unlockHeight: 0 })
      : Credit.decode(bz);
  }

  /** Write a credit (deleted when empty), keeping the unlock queue in step. */
  putCredit(ctx: Context, c: Credit, prevUnlock?: bigint): void {
    const r = parseAddress(ctx, "requester", c.requester);
    const o = parseAddress(ctx, "operator", c.operator);
    const store = this.store(ctx);
    if (prevUnlock !== undefined && prevUnlock > 0n) store.delete(unlockQueueKey(prevUnlock, r, o));
    const unlock = big(c.unlockHeight);
    if (BigInt(c.unlocking || "0") > 0n && unlock > 0n)
      store.set(unlockQueueKey(unlock, r, o), new Uint8Array());
    if (BigInt(c.amount || "0") === 0n && BigInt(c.unlocking || "0") === 0n) store.delete(creditKey(r, o));
    else store.set(creditKey(r, o), Credit.encode(c).finish());
  }

  /** Escrow `amount` of the bond denom from `requester` for `operator`. */
  depositCredit(ctx: Context, requester: string, operator: string, amount: bigint): void {
    const r = parseAddress(ctx, "requester", requester);
    parseAddress(ctx, "operator", operator);
    this.bank().sendCoinsFromAccountToModule(ctx, r, MODULE_NAME, [{ denom: ctx.chain.bondDenom, amount }]);
    const c = this.getCredit(ctx, requester, operator);
    c.amount = (BigInt(c.amount || "0") + amount).toString();
    this.putCredit(ctx, c);
    ctx.events.emit(
      attributionEvent(EventType.CreditDeposited, [
        ["requester", requester],
        ["operator", operator],
        ["amount", amount],
      ]),
    );
  }

  /** Start withdrawing `amount`; paid at `height + delay` (a new withdrawal restarts the delay). */
  withdrawCredit(ctx: Context, requester: string, operator: string, amount: bigint): bigint {
    const c = this.getCredit(ctx, requester, operator);
    const avail = BigInt(c.amount || "0");
    if (amount > avail)
      throw attributionError(AttributionCode.InsufficientCredit, `credit ${avail} is less than ${amount}`);
    const prev = big(c.unlockHeight);
    const unlock = BigInt(ctx.header.height) + this.params(ctx).creditWithdrawalDelay;
    c.amount = (avail - amount).toString();
    c.unlocking = (BigInt(c.unlocking || "0") + amount).toString();
    c.unlockHeight = Number(unlock);
    this.putCredit(ctx, c, prev);
    ctx.events.emit(
      attributionEvent(EventType.CreditWithdrawalStarted, [
        ["requester", requester],
        ["operator", operator],
        ["amount", amount],
        ["unlock_height", unlock],
      ]),
    );
    return unlock;
  }

  /** Pay out withdrawals whose unlock height has come (end block). */
  completeWithdrawals(ctx: Context): void {
    const store = this.store(ctx);
    const end = unlockQueueKey(BigInt(ctx.header.height) + 1n);
    const due = [...store.iterator(Uint8Array.of(UNLOCK_QUEUE_PREFIX), end)].map(([k]) => k);
    for (const k of due) {
      store.delete(k);
      const rLen = k[9]!;
      const r = k.subarray(10, 10 + rLen);
      const o = k.subarray(11 + rLen, 11 + rLen + k[10 + rLen]!);
      const bz = store.get(creditKey(r, o));
      if (bz === undefined) continue;
      const c = Credit.decode(bz);
      const amount = BigInt(c.unlocking || "0");
      c.unlocking = "0";
      c.unlockHeight = 0;
      this.putCredit(ctx, c);
      if (amount > 0n) {
        this.bank().sendCoinsFromModuleToAccount(ctx, MODULE_NAME, r, [
          { denom: ctx.chain.bondDenom, amount },
        ]);
      }
      ctx.events.emit(
        attributionEvent(EventType.CreditWithdrawn, [
          ["requester", c.requester],
          ["operator", c.operator],
          ["amount", amount],
        ]),
      );
    }
  }

  // ---- settlement ----

  /** Settle a served inference (see the file comment); returns the record. */
  settle(ctx: Context, m: SettleInput): Settlement {
    const p = this.params(ctx);
    const req = m.request;
    const height = BigInt(ctx.header.height);
    const opAddr = parseAddress(ctx, "operator", m.operator);
    const reqAddr = parseAddress(ctx, "requester", req.requester);
    if (req.chainId.length === 0 || req.chainId.length > MAX_CHAIN_ID)
      invalid("request chain id is malformed");
    if (!/^[0-9a-f]{64}$/.test(req.promptSha256))
      invalid("prompt_sha256 must be 64 lowercase hex characters");
    if (req.maxFee < 0n) invalid("max_fee must be a non-negative integer");
    if (req.modelId === 0n) invalid("model id is required");
    if (req.nonce === 0n) invalid("nonce must be positive");
    if (m.inputTokens > 1_000_000_000n) invalid("input token count is too large");
    if (BigInt(Buffer.byteLength(m.output, "utf8")) > p.maxOutputBytes) {
      throw attributionError(
        AttributionCode.OutputTooLarge,
        `output is longer than ${p.maxOutputBytes} bytes`,
      );
    }
    if (req.chainId !== ctx.header.chainId) {
      throw attributionError(
        AttributionCode.WrongChain,
        `request is for chain ${JSON.stringify(req.chainId)}`,
      );
    }
    if (height > req.expiryHeight) {
      throw attributionError(AttributionCode.RequestExpired, `request expired at height ${req.expiryHeight}`);
    }
    // Signature: a key carried in the message must hash to the requester; else the account's key.
    let pubKey = m.pubKey;
    if (pubKey.length > 0) {
      if (!pubKeyMatches(pubKey, reqAddr))
        throw attributionError(AttributionCode.InvalidSignature, "pubkey does not match the requester");
    } else {
      const k = this.deps.accounts().getAccount(ctx, reqAddr)?.pubKey;
      if (!k)
        throw attributionError(AttributionCode.MissingPubKey, `no public key known for ${req.requester}`);
      pubKey = k;
    }
    ctx.gasMeter.consume(SIG_VERIFY_COST_SECP256K1, "attribution: request signature");
    if (!verifyRequest(req, m.signature, pubKey))
      throw attributionError(AttributionCode.InvalidSignature, "request signature does not verify");
    const store = this.store(ctx);
    if (store.has(nonceKey(reqAddr, req.nonce))) {
      throw attributionError(
        AttributionCode.NonceUsed,
        `nonce ${req.nonce} of ${req.requester} already used`,
      );
    }
    const models = this.deps.models();
    const model = models.getModel(ctx, req.modelId);
    if (!model) throw attributionError(AttributionCode.ModelNotFound, `model ${req.modelId} not found`);
    if (!models.isServedBy(ctx, req.modelId, m.operator)) {
      throw attributionError(AttributionCode.NotServing, `${m.operator} does not serve model ${req.modelId}`);
    }
    // Fee.
    const tokens = tokenize(m.output);
    const outTokens = BigInt(tokens.length);
    const prices = models.prices(ctx, req.modelId) ?? { inputPer1k: 0n, outputPer1k: 0n };
    const fee = inferenceFee(
      m.inputTokens,
      outTokens,
      prices.inputPer1k,
      prices.outputPer1k,
      p.platformFee.amount,
    );
    if (fee > req.maxFee) {
      throw attributionError(
        AttributionCode.FeeAboveMax,
        `fee ${fee} is above the request's max fee ${req.maxFee}`,
      );
    }
    const credit = this.getCredit(ctx, req.requester, m.operator);
    const avail = BigInt(credit.amount || "0");
    const unlocking = BigInt(credit.unlocking || "0");
    if (avail + unlocking < fee) {
      throw attributionError(
        AttributionCode.InsufficientCredit,
        `credit ${avail + unlocking} with ${m.operator} does not cover the fee ${fee}`,
      );
    }
    // Attribution (gas for output tokens, then for the engine's work, bounded by the gas left).
    ctx.gasMeter.consume(outTokens * p.gasPerOutputToken, "attribution: output tokens");
    const pins = models.pinnedVersions(ctx, req.modelId);
    const segments = this.segmentsOf(ctx, pins);
    const attribution = this.runEngine(ctx, p, segments, m.output);
    // Spend the credit.
    const fromAvail = fee <= avail ? fee : avail;
    credit.amount = (avail - fromAvail).toString();
    credit.unlocking = (unlocking - (fee - fromAvail)).toString();
    const prevUnlock = big(credit.unlockHeight);
    if (BigInt(credit.unlocking) === 0n) credit.unlockHeight = 0;
    this.putCredit(ctx, credit, prevUnlock);
    store.set(nonceKey(reqAddr, req.nonce), new Uint8Array());
    // Split.
    const denom = ctx.chain.bondDenom;
    const platform = p.platformFee.amount;
    const net = fee - platform;
    const parts = splitNet(net, p.ownerShare, p.operatorShare, p.stakersShare);
    const id = this.nextInferenceId(ctx);
    this.setNextInferenceId(ctx, id + 1n);
    const rowsOut: RowWeight[] = [];
    const dnWeights = new Map<bigint, { ppm: number; amount: bigint }>();
    let toPool = platform;
    let penalty = 0n;
    let unattributedToPool = 0n;
    let paidContrib = 0n;
    const contributors = new Set<string>();
    const dn = this.deps.datanets();
    if (attribution.rows.length > 0) {
      const amounts = splitByWeights(
        parts.contributors,
        attribution.rows.map((r) => BigInt(r.ppm)),
      );
      attribution.rows.forEach((r, i) => {
        const row = dn.getRow(ctx, r.rowId);
        const datanetId = big(row?.datanetId);
        const contributor = row?.contributor ?? "";
        const gross = amounts[i] ?? 0n;
        const mult = dn.rewardMultiplier(ctx, datanetId, contributor);
        const paid = (gross * mult) / 10n ** 18n;
        const reduction = gross - paid;
        penalty += reduction;
        paidContrib += paid;
        this.payContributor(ctx, id, datanetId, contributor, paid, contributors);
        this.addRowEarnings(ctx, r.rowId, paid);
        rowsOut.push({
          rowId: Number(r.rowId),
          datanetId: Number(datanetId),
          contributor,
          ppm: r.ppm,
          amount: paid.toString(),
          reduction: reduction.toString(),
        } as RowWeight);
        const w = dnWeights.get(datanetId) ?? { ppm: 0, amount: 0n };
        w.ppm += r.ppm;
        w.amount += paid;
        dnWeights.set(datanetId, w);
      });
    } else {
      const shares = this.unattributedShares(ctx, p, pins);
      const amounts = splitByWeights(
        parts.contributors,
        shares.map((s) => s.weight),
      );
      if (shares.length === 0) unattributedToPool = parts.contributors;
      shares.forEach((s, i) => {
        const gross = amounts[i] ?? 0n;
        const mult = s.penalised ? dn.rewardMultiplier(ctx, s.datanetId, s.address) : 10n ** 18n;
        const paid = (gross * mult) / 10n ** 18n;
        penalty += gross - paid;
        paidContrib += paid;
        if (s.penalised) this.payContributor(ctx, id, s.datanetId, s.address, paid, contributors);
        else this.accrue(ctx, s.address, paid);
        const w = dnWeights.get(s.datanetId) ?? { ppm: 0, amount: 0n };
        w.amount += paid;
        dnWeights.set(s.datanetId, w);
      });
    }
    toPool += penalty + unattributedToPool;
    if (toPool > 0n)
      this.deps.communityPool().fundCommunityPoolFromModule(ctx, MODULE_NAME, [{ denom, amount: toPool }]);
    if (parts.stakers > 0n) {
      this.bank().sendCoinsFromModuleToModule(ctx, MODULE_NAME, FEE_COLLECTOR, [
        { denom, amount: parts.stakers },
      ]);
    }
    this.accrue(ctx, model.owner, parts.owner);
    this.accrue(ctx, m.operator, parts.operator);
    const datanets: DatanetWeight[] = [...dnWeights.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([d, w]) => ({ datanetId: Number(d), ppm: w.ppm, amount: w.amount.toString() }) as DatanetWeight);
    const record = InferenceRecord.create({
      id: Number(id),
      modelId: Number(req.modelId),
      requester: req.requester,
      operator: m.operator,
      nonce: Number(req.nonce),
      fee: fee.toString(),
      split: {
        platform: platform.toString(),
        owner: parts.owner.toString(),
        operator: parts.operator.toString(),
        stakers: parts.stakers.toString(),
        contributors: paidContrib.toString(),
        penaltyToPool: penalty.toString(),
        unattributedToPool: unattributedToPool.toString(),
      },
      inputTokens: Number(m.inputTokens),
      outputTokens: Number(outTokens),
      outputSha256: sha256(new TextEncoder().encode(m.output)),
      promptSha256: fromHex(req.promptSha256),
      rows: rowsOut,
      datanets,
      unattributed: attribution.rows.length === 0,
      work: attribution.work,
      height: Number(height),
    });
    store.set(inferenceKey(id), InferenceRecord.encode(record).finish());
    store.set(byModelKey(req.modelId, id), new Uint8Array());
    store.set(byAddressKey(BY_REQUESTER_PREFIX, reqAddr, id), new Uint8Array());
    store.set(byAddressKey(BY_OPERATOR_PREFIX, opAddr, id), new Uint8Array());
    for (const c of [...contributors].sort()) {
      store.set(
        byAddressKey(BY_CONTRIBUTOR_PREFIX, parseAddress(ctx, "contributor", c), id),
        new Uint8Array(),
      );
    }
    ctx.events.emit(
      attributionEvent(EventType.InferenceSettled, [
        ["inference_id", id],
        ["model_id", req.modelId],
        ["requester", req.requester],
        ["operator", m.operator],
        ["nonce", req.nonce],
        ["fee", fee],
        ["platform", platform],
        ["owner_amount", parts.owner],
        ["operator_amount", parts.operator],
        ["stakers_amount", parts.stakers],
        ["contributors_amount", paidContrib],
        ["penalty_to_pool", penalty],
        ["rows", rowsOut.map((r) => `${r.rowId}:${r.ppm}:${r.amount}`).join(",")],
        ["unattributed", attribution.rows.length === 0],
      ]),
    );
    return { record, attribution };
  }

  /** A dry run of the engine against the model's pinned versions (no gas bound beyond `maxWork`). */
  explain(ctx: Context, modelId: bigint, text: string, maxWork = EXPLAIN_MAX_WORK): Attribution {
    const p = this.params(ctx);
    if (BigInt(Buffer.byteLength(text, "utf8")) > p.maxOutputBytes) {
      throw attributionError(AttributionCode.OutputTooLarge, `text is longer than ${p.maxOutputBytes} bytes`);
    }
    const models = this.deps.models();
    if (!models.getModel(ctx, modelId))
      throw attributionError(AttributionCode.ModelNotFound, `model ${modelId} not found`);
    const segments = this.segmentsOf(ctx, models.pinnedVersions(ctx, modelId));
    try {
      return this.engine(p, segments, text, maxWork);
    } catch (e) {
      if (e instanceof EngineError) throw attributionError(AttributionCode.InvalidRequest, e.message);
      throw e;
    }
  }

  /** Datanet id and contributor of a row (for Explain). */
  rowOwner(ctx: Context, rowId: bigint): { datanetId: bigint; contributor: string } {
    const row = this.deps.datanets().getRow(ctx, rowId);
    return { datanetId: big(row?.datanetId), contributor: row?.contributor ?? "" };
  }

  // ---- rewards ----

  /** Rewards of an address (zeros when none). */
  getRewards(ctx: Context, address: string): RewardAccount {
    const bz = this.store(ctx).get(rewardKey(parseAddress(ctx, "address", address)));
    return bz === undefined
      ? RewardAccount.create({ address, accrued: "0", claimed: "0" })
      : RewardAccount.decode(bz);
  }

  /** Write a reward account. */
  putRewards(ctx: Context, r: RewardAccount): void {
    this.store(ctx).set(rewardKey(parseAddress(ctx, "address", r.address)), RewardAccount.encode(r).finish());
  }

  /** Pay the claimant's accrued rewards; throws `attribution` 14 when there are none. */
  claim(ctx: Context, claimant: string): bigint {
    const addr = parseAddress(ctx, "claimant", claimant);
    const r = this.getRewards(ctx, claimant);
    const amount = BigInt(r.accrued || "0");
    if (amount === 0n)
      throw attributionError(AttributionCode.NothingToClaim, `${claimant} has nothing to claim`);
    r.accrued = "0";
    r.claimed = (BigInt(r.claimed || "0") + amount).toString();
    this.putRewards(ctx, r);
    this.bank().sendCoinsFromModuleToAccount(ctx, MODULE_NAME, addr, [
      { denom: ctx.chain.bondDenom, amount },
    ]);
    ctx.events.emit(
      attributionEvent(EventType.RewardsClaimed, [
        ["claimant", claimant],
        ["amount", amount],
      ]),
    );
    return amount;
  }

  /** Lifetime earnings of a row (zeros when none). */
  getRowEarnings(ctx: Context, rowId: bigint): RowEarnings {
    const bz = this.store(ctx).get(rowEarningsKey(rowId));
    return bz === undefined
      ? RowEarnings.create({ rowId: Number(rowId), earned: "0", inferences: 0 })
      : RowEarnings.decode(bz);
  }

  /** Write row earnings. */
  putRowEarnings(ctx: Context, e: RowEarnings): void {
    this.store(ctx).set(rowEarningsKey(big(e.rowId)), RowEarnings.encode(e).finish());
  }

  /** An inference record, or undefined. */
  getInference(ctx: Context, id: bigint): InferenceRecord | undefined {
    return this.readInference(this.store(ctx), id);
  }

  /** An inference record from an attribution-prefixed reader. */
  readInference(store: KVReader, id: bigint): InferenceRecord | undefined {
    const bz = store.get(inferenceKey(id));
    return bz === undefined ? undefined : InferenceRecord.decode(bz);
  }

  /** True when the requester used the nonce. */
  nonceUsed(ctx: Context, requester: string, nonce: bigint): boolean {
    return this.store(ctx).has(nonceKey(parseAddress(ctx, "requester", requester), nonce));
  }

  /** Mark a nonce used (genesis import). */
  markNonce(ctx: Context, requester: string, nonce: bigint): void {
    this.store(ctx).set(nonceKey(parseAddress(ctx, "requester", requester), nonce), new Uint8Array());
  }

  /** Write a record with its indexes (genesis import). */
  importInference(ctx: Context, r: InferenceRecord): void {
    const store = this.store(ctx);
    const id = big(r.id);
    store.set(inferenceKey(id), InferenceRecord.encode(r).finish());
    store.set(byModelKey(big(r.modelId), id), new Uint8Array());
    store.set(
      byAddressKey(BY_REQUESTER_PREFIX, parseAddress(ctx, "requester", r.requester), id),
      new Uint8Array(),
    );
    store.set(
      byAddressKey(BY_OPERATOR_PREFIX, parseAddress(ctx, "operator", r.operator), id),
      new Uint8Array(),
    );
    for (const c of new Set((r.rows ?? []).map((x) => x.contributor ?? "").filter((x) => x))) {
      store.set(
        byAddressKey(BY_CONTRIBUTOR_PREFIX, parseAddress(ctx, "contributor", c), id),
        new Uint8Array(),
      );
    }
  }

  /** Every (prefix-relative key, value) under a one-byte prefix (genesis export). */
  *entries(ctx: Context, prefix: number): IterableIterator<readonly [Uint8Array, Uint8Array]> {
    for (const [k, v] of new PrefixReader(this.store(ctx), Uint8Array.of(prefix)).iterator()) yield [k, v];
  }

  /** Sum of credits (available + unlocking) and accrued rewards: what the module account must hold. */
  owed(ctx: Context): bigint {
    let sum = 0n;
    for (const [, v] of this.entries(ctx, CREDIT_PREFIX)) {
      const c = Credit.decode(v);
      sum += BigInt(c.amount || "0") + BigInt(c.unlocking || "0");
    }
    for (const [, v] of this.entries(ctx, REWARD_PREFIX))
      sum += BigInt(RewardAccount.decode(v).accrued || "0");
    return sum;
  }

  /** Row earnings prefix (genesis export). */
  static readonly ROW_EARNINGS_PREFIX = ROW_EARNINGS_PREFIX;

  // ---- private ----

  private segmentsOf(ctx: Context, pins: readonly { datanetId?: unknown; version?: unknown }[]): Segment[] {
    const out: Segment[] = [];
    const sorted = pins
      .map((x) => ({ d: big(x.datanetId as number), v: big(x.version as number) }))
      .sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0));
    for (const { d, v } of sorted) out.push(...this.deps.index.segments(ctx, d, v));
    return out;
  }

  private runEngine(ctx: Context, p: ParamsView, segments: Segment[], text: string): Attribution {
    const meter = ctx.gasMeter;
    const left = meter.limit === undefined ? BigInt(Number.MAX_SAFE_INTEGER) : meter.limit - meter.consumed;
    const per = p.gasPerWork === 0n ? 1n : p.gasPerWork;
    let maxWork = left > 0n ? left / per : 0n;
    if (maxWork > BigInt(Number.MAX_SAFE_INTEGER)) maxWork = BigInt(Number.MAX_SAFE_INTEGER);
    let a: Attribution;
    try {
      a = this.engine(p, segments, text, Number(maxWork));
    } catch (e) {
      if (e instanceof EngineError && e.code === EngineErrorCode.WorkLimitExceeded) {
        meter.consume((left > 0n ? left : 0n) + 1n, "attribution: search work");
      }
      throw e;
    }
    meter.consume(BigInt(a.work) * p.gasPerWork, "attribution: search work");
    return a;
  }

  private engine(p: ParamsView, segments: Segment[], text: string, maxWork: number): Attribution {
    try {
      return attribute(
        segments,
        text,
        { minSpanTokens: p.minSpanTokens, maxSpanRows: p.maxSpanRows, maxRows: p.maxRows },
        { maxWork },
      );
    } catch (e) {
      // WorkLimitExceeded passes through (settlement turns it into out-of-gas, Explain into a coded error).
      if (e instanceof EngineError && e.code !== EngineErrorCode.WorkLimitExceeded) {
        throw attributionError(AttributionCode.IndexUnavailable, e.message);
      }
      throw e;
    }
  }

  private unattributedShares(
    ctx: Context,
    p: ParamsView,
    pins: readonly { datanetId?: unknown; version?: unknown }[],
  ): { datanetId: bigint; address: string; weight: bigint; penalised: boolean }[] {
    const dn = this.deps.datanets();
    const sorted = pins
      .map((x) => ({ d: big(x.datanetId as number), v: big(x.version as number) }))
      .sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0));
    const out: { datanetId: bigint; address: string; weight: bigint; penalised: boolean }[] = [];
    if (p.unattributedPolicy === UnattributedPolicy.UNATTRIBUTED_POLICY_DATANET_OWNERS) {
      for (const { d, v } of sorted) {
        const owner = dn.getDatanet(ctx, d)?.owner;
        const bytes = big(dn.getVersion(ctx, d, v)?.bytes);
        if (owner && bytes > 0n) out.push({ datanetId: d, address: owner, weight: bytes, penalised: false });
      }
    } else if (p.unattributedPolicy === UnattributedPolicy.UNATTRIBUTED_POLICY_CONTRIBUTORS_BY_BYTES) {
      for (const { d, v } of sorted) {
        const per = new Map<string, bigint>();
        for (const { row } of dn.iterateVersionRows(ctx, d, v)) {
          const c = row.contributor ?? "";
          per.set(c, (per.get(c) ?? 0n) + BigInt(Buffer.byteLength(row.content ?? "", "utf8")));
        }
        for (const [address, weight] of [...per.entries()].sort((a, b) =>
          a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
        )) {
          if (weight > 0n && address) out.push({ datanetId: d, address, weight, penalised: true });
        }
      }
    }
    return out;
  }

  private payContributor(
    ctx: Context,
    _id: bigint,
    datanetId: bigint,
    contributor: string,
    amount: bigint,
    seen: Set<string>,
  ): void {
    if (!contributor) return;
    seen.add(contributor);
    this.accrue(ctx, contributor, amount);
    if (amount > 0n) this.deps.datanets().recordRewards(ctx, datanetId, contributor, amount);
  }

  private addRowEarnings(ctx: Context, rowId: bigint, amount: bigint): void {
    const e = this.getRowEarnings(ctx, rowId);
    e.earned = (BigInt(e.earned || "0") + amount).toString();
    e.inferences = Number(big(e.inferences) + 1n);
    this.putRowEarnings(ctx, e);
  }

  private accrue(ctx: Context, address: string, amount: bigint): void {
    if (amount === 0n || !address) return;
    const r = this.getRewards(ctx, address);
    r.accrued = (BigInt(r.accrued || "0") + amount).toString();
    this.putRewards(ctx, r);
  }
}

/** Bech32 of an address under the chain's prefix (helpers for the query server). */
export function bech32(ctx: Pick<Context, "chain">, addr: Uint8Array): string {
  return bech32Of(ctx.chain.bech32Prefix, addr);
}

/** Hex of an output's sha256 (gateway / CLI). */
export function outputSha256Hex(output: string): string {
  return toHex(sha256(new TextEncoder().encode(output)));
}

/** Coins of one amount (helper). */
export function coinsOf(denom: string, amount: bigint): BigCoin[] {
  return amount > 0n ? [{ denom, amount }] : [];
}
