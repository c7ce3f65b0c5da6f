/**
 * The slashing keeper: per-validator signing info and missed-block bitmaps from each block's commit,
 * downtime jailing and slashing, double-sign slashing, jailing forever and tombstoning from consensus
 * evidence, and unjailing.
 */
import { Params, ValidatorSigningInfo } from "cosmjs-types/cosmos/slashing/v1beta1/slashing";
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Misbehavior } from "../../abci/types.js";
import { bech32Of } from "../../app/addressCache.js";
import { makeEvent } from "../../app/events.js";
import type { Context } from "../../app/types.js";
import type { KVReader } from "../../store/types.js";
import { uint64BE } from "../../types/bytes.js";
import { decTruncate, ONE } from "../staking/dec.js";
import type { StakingHooks } from "../staking/expectedKeepers.js";
import { addSeconds, consAddrOf, type StakingKeeper, timeLte, tokensFromShares } from "../staking/keeper.js";
import { key, lp, prefixRange } from "../staking/keys.js";
import { SlashErr, slashError } from "./errors.js";
import { DOUBLE_SIGN_JAIL_END, MISSED, PARAMS_KEY, SIGNING_INFO, STORE_PREFIX } from "./keys.js";
import { defaultSlashingParams, fromProtoParams, type SlashingParams, toProtoParams } from "./params.js";

/** Round a 10^18 decimal to an integer, half to even (SDK `RoundInt64`). */
function roundInt(d: bigint): bigint {
  const q = d / ONE;
  const r = d % ONE;
  const half = ONE / 2n;
  return r > half || (r === half && q % 2n === 1n) ? q + 1n : q;
}

/** Signing info, liveness, jailing, slashing. */
export class SlashingKeeper {
  /** Built over staking; registers its hooks. */
  constructor(readonly staking: StakingKeeper) {
    staking.addHooks(this.hooks());
  }

  /** Params from a slashing-prefixed reader. */
  readParams(store: KVReader): SlashingParams {
    const bz = store.get(PARAMS_KEY);
    return bz === undefined ? defaultSlashingParams() : fromProtoParams(Params.decode(bz));
  }

  /** Params. */
  getParams(ctx: Context): SlashingParams {
    return this.readParams(ctx.kv(STORE_PREFIX));
  }

  /** Store params. */
  setParams(ctx: Context, p: SlashingParams): void {
    ctx.kv(STORE_PREFIX).set(PARAMS_KEY, Params.encode(toProtoParams(p)).finish());
  }

  /** Signing info of a consensus address. */
  getSigningInfo(ctx: Context, cons: Uint8Array): ValidatorSigningInfo | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(SIGNING_INFO, lp(cons)));
    return bz === undefined ? undefined : ValidatorSigningInfo.decode(bz);
  }

  /** Store signing info. */
  setSigningInfo(ctx: Context, cons: Uint8Array, info: ValidatorSigningInfo): void {
    ctx.kv(STORE_PREFIX).set(key(SIGNING_INFO, lp(cons)), ValidatorSigningInfo.encode(info).finish());
  }

  /** Every signing info, in consensus-address order. */
  allSigningInfos(ctx: Context): ValidatorSigningInfo[] {
    const [s, e] = prefixRange(SIGNING_INFO);
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([, v]) => ValidatorSigningInfo.decode(v));
  }

  /** Missed flag at a window index. */
  getMissed(ctx: Context, cons: Uint8Array, index: bigint): boolean {
    return ctx.kv(STORE_PREFIX).has(key(MISSED, lp(cons), uint64BE(index)));
  }

  /** Set or clear a missed flag. */
  setMissed(ctx: Context, cons: Uint8Array, index: bigint, missed: boolean): void {
    const k = key(MISSED, lp(cons), uint64BE(index));
    if (missed) ctx.kv(STORE_PREFIX).set(k, Uint8Array.of(1));
    else ctx.kv(STORE_PREFIX).delete(k);
  }

  /** Missed indexes of a validator (for export). */
  missedIndexes(ctx: Context, cons: Uint8Array): bigint[] {
    const [s, e] = prefixRange(MISSED, lp(cons));
    const base = 2 + cons.length;
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([k]) => Buffer.from(k).readBigUInt64BE(base));
  }

  private clearMissed(ctx: Context, cons: Uint8Array): void {
    const [s, e] = prefixRange(MISSED, lp(cons));
    const store = ctx.kv(STORE_PREFIX);
    for (const k of [...store.iterator(s, e)].map(([k]) => Uint8Array.from(k))) store.delete(k);
  }

  /** Record one validator's vote of the last commit; jail and slash it when it missed too many (SDK `HandleValidatorSignature`). */
  handleValidatorSignature(ctx: Context, cons: Uint8Array, power: bigint, signed: boolean): void {
    const v = this.staking.getValidatorByConsAddr(ctx, cons);
    if (!v || v.jailed) return;
    const info = this.getSigningInfo(ctx, cons);
    if (!info) return;
    const params = this.getParams(ctx);
    const window = params.signedBlocksWindow;
    const index = info.indexOffset % window;
    info.indexOffset += 1n;
    const previous = this.getMissed(ctx, cons, index);
    const missed = !signed;
    if (!previous && missed) {
      this.setMissed(ctx, cons, index, true);
      info.missedBlocksCounter += 1n;
    } else if (previous && !missed) {
      this.setMissed(ctx, cons, index, false);
      info.missedBlocksCounter -= 1n;
    }
    const height = BigInt(ctx.header.height);
    const consStr = bech32Of(ctx.chain.valconsPrefix, cons);
    if (missed) {
      ctx.events.emit(
        makeEvent("liveness", [
          ["address", consStr],
          ["missed_blocks", info.missedBlocksCounter.toString()],
          ["height", height.toString()],
        ]),
      );
    }
    const minSigned = roundInt(window * params.minSignedPerWindow);
    const maxMissed = window - minSigned;
    if (height > info.startHeight + window && info.missedBlocksCounter > maxMissed) {
      const burned = this.staking.slash(
        ctx,
        cons,
        ctx.header.height - 2,
        power,
        params.slashFractionDowntime,
      );
      ctx.events.emit(
        makeEvent("slash", [
          ["address", consStr],
          ["power", power.toString()],
          ["reason", "missing_signature"],
          ["jailed", consStr],
          ["burned_coins", burned.toString()],
        ]),
      );
      this.staking.jail(ctx, cons);
      info.jailedUntil = addSeconds(ctx.header.time, { seconds: params.downtimeJailSeconds, nanos: 0 });
      info.missedBlocksCounter = 0n;
      info.indexOffset = 0n;
      this.clearMissed(ctx, cons);
    }
    this.setSigningInfo(ctx, cons, info);
  }

  /** Slash, jail forever and tombstone a double signer (SDK x/evidence `handleEquivocationEvidence`). */
  handleEquivocation(ctx: Context, m: Misbehavior): void {
    if (m.type !== "duplicate_vote") return;
    const cons = m.validatorAddress;
    const info = this.getSigningInfo(ctx, cons);
    if (!info || info.tombstoned) return;
    const v = this.staking.getValidatorByConsAddr(ctx, cons);
    if (!v || v.status === BondStatus.BOND_STATUS_UNBONDED) return;
    if (m.height > ctx.header.height) return;
    const fraction = this.getParams(ctx).slashFractionDoubleSign;
    const burned = this.staking.slash(ctx, cons, Math.max(m.height - 1, 0), m.validatorPower, fraction);
    ctx.events.emit(
      makeEvent("slash", [
        ["address", bech32Of(ctx.chain.valconsPrefix, cons)],
        ["power", m.validatorPower.toString()],
        ["reason", "double_sign"],
        ["burned_coins", burned.toString()],
      ]),
    );
    if (!v.jailed) this.staking.jail(ctx, cons);
    info.jailedUntil = DOUBLE_SIGN_JAIL_END;
    info.tombstoned = true;
    this.setSigningInfo(ctx, cons, info);
  }

  /** Unjail a validator by operator address (SDK `Unjail`). */
  unjail(ctx: Context, val: Uint8Array): void {
    const v = this.staking.getValidator(ctx, val);
    if (!v) throw slashError(SlashErr.NoValidatorForAddress);
    const self = this.staking.getDelegation(ctx, val, val);
    if (!self) throw slashError(SlashErr.MissingSelfDelegation);
    const tokens = decTruncate(tokensFromShares(v, BigInt(self.shares)));
    if (tokens < BigInt(v.minSelfDelegation))
      throw slashError(SlashErr.SelfDelegationTooLowToUnjail, `${tokens} less than ${v.minSelfDelegation}`);
    if (!v.jailed) throw slashError(SlashErr.ValidatorNotJailed);
    const cons = consAddrOf(v);
    const info = this.getSigningInfo(ctx, cons);
    if (!info) throw slashError(SlashErr.NoValidatorForAddress);
    if (info.tombstoned) throw slashError(SlashErr.ValidatorJailed);
    if (!timeLte(info.jailedUntil, ctx.header.time)) throw slashError(SlashErr.ValidatorJailed);
    this.staking.unjail(ctx, cons);
  }

  /** Begin block: evidence first, then the last commit's votes. */
  beginBlock(ctx: Context): void {
    for (const m of ctx.header.misbehavior ?? []) this.handleEquivocation(ctx, m);
    for (const vote of ctx.header.lastCommit?.votes ?? []) {
      this.handleValidatorSignature(ctx, vote.address, vote.power, vote.blockIdFlag !== 1);
    }
  }

  private hooks(): StakingHooks {
    return {
      afterValidatorBonded: (ctx, cons) => {
        const info = this.getSigningInfo(ctx, cons);
        if (info) {
          info.startHeight = BigInt(ctx.header.height);
          this.setSigningInfo(ctx, cons, info);
          return;
        }
        this.setSigningInfo(ctx, cons, {
          address: bech32Of(ctx.chain.valconsPrefix, cons),
          startHeight: BigInt(ctx.header.height),
          indexOffset: 0n,
          jailedUntil: { seconds: 0n, nanos: 0 },
          tombstoned: false,
          missedBlocksCounter: 0n,
        });
      },
    };
  }
}
