/**
 * The gov keeper: the only code that touches gov's store — proposals, deposits, votes, the deposit
 * and voting queues, params, and OpenLedger's timelock (a passed proposal waits `execution_delay`
 * before its messages run). Lifecycle and tally follow SDK 0.50 `x/gov`.
 *
 * Timelock representation: a passed proposal keeps `PROPOSAL_STATUS_PASSED` (what CosmJS clients
 * decode) from the moment it passes; its execution time is kept under `EXECUTION ‖ id` and served by
 * `/openledger.gov.v1.Query/ProposalExecution`. When the messages run and fail, the status becomes
 * `PROPOSAL_STATUS_FAILED` with `failed_reason`.
 */
import "../../types/cosmjsFix.js";
import {
  type Deposit,
  Deposit as DepositCodec,
  Params,
  Proposal,
  ProposalStatus,
  type TallyResult,
  Vote,
  VoteOption,
  voteOptionToJSON,
  type WeightedVoteOption,
} from "cosmjs-types/cosmos/gov/v1/gov";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Timestamp } from "../../abci/types.js";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import {
  addCoins,
  type BigCoin,
  coinsToString,
  fromProtoCoins,
  parseValidCoins,
  toProtoCoins,
} from "../../app/coins.js";
import { EventManager } from "../../app/events.js";
import type { Context } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import { createBranch } from "../../store/index.js";
import { equalBytes, fromUtf8, readUint64BE, uint64BE, utf8 } from "../../types/bytes.js";
import { toCodedError } from "../../types/errors.js";
import { formatDecString, parseDecString } from "../staking/dec.js";
import { addSeconds, timeLte } from "../staking/keeper.js";
import { GovCode, govError } from "./errors.js";
import { EventType, ProposalResult } from "./events.js";
import type { GovBankKeeper, GovStakingKeeper, MsgRouter } from "./expectedKeepers.js";
import {
  ACTIVE_QUEUE,
  CONSTITUTION_KEY,
  DEPOSIT,
  EXECUTION,
  INACTIVE_QUEUE,
  idKey,
  key,
  MODULE_NAME,
  NEXT_ID_KEY,
  PARAMS_KEY,
  PROPOSAL,
  STORE_PREFIX,
  TIMELOCK_KEY,
  TIMELOCK_QUEUE,
  timeKey,
  VOTE,
} from "./keys.js";
import { DEFAULT_EXECUTION_DELAY, defaultGovParams, MAX_METADATA_LEN, ONE } from "./params.js";

/** What a new proposal carries. */
export interface NewProposal {
  messages: Any[];
  initialDeposit: BigCoin[];
  proposer: Uint8Array;
  metadata: string;
  title: string;
  summary: string;
  expedited: boolean;
}

/** A tally's outcome. */
export interface TallyOutcome {
  passes: boolean;
  burnDeposits: boolean;
  tally: TallyResult;
}

/** Timelock record of a passed proposal. */
export interface ExecutionRecord {
  executesAt: Timestamp;
  executed: boolean;
}

function tsOf(t: Timestamp | undefined): Timestamp {
  return t ?? { seconds: 0n, nanos: 0 };
}

function endOf(prefix: number, parts: Uint8Array[] = []): Uint8Array {
  const s = key(prefix, ...parts);
  const out = new Uint8Array(s.length + 1);
  out.set(s);
  out[s.length] = 0xff;
  return out;
}

/** Weighted options as the SDK prints them in `proposal_vote`'s `option` attribute. */
export function optionsString(opts: readonly WeightedVoteOption[]): string {
  return opts.map((o) => `option:${voteOptionToJSON(o.option)} weight:"${o.weight}"`).join("\n");
}

/** Check weighted options (SDK `ValidWeightedVoteOption` + sum to 1); returns them normalised. */
export function validateOptions(opts: readonly WeightedVoteOption[]): WeightedVoteOption[] {
  if (opts.length === 0) throw govError(GovCode.InvalidVote, "invalid vote option");
  const seen = new Set<number>();
  let total = 0n;
  const out: WeightedVoteOption[] = [];
  for (const o of opts) {
    if (
      o.option !== VoteOption.VOTE_OPTION_YES &&
      o.option !== VoteOption.VOTE_OPTION_ABSTAIN &&
      o.option !== VoteOption.VOTE_OPTION_NO &&
      o.option !== VoteOption.VOTE_OPTION_NO_WITH_VETO
    )
      throw govError(GovCode.InvalidVote, `invalid vote option: ${String(o.option)}`);
    if (seen.has(o.option)) throw govError(GovCode.InvalidVote, "duplicated vote option");
    seen.add(o.option);
    let w: bigint;
    try {
      w = parseDecString(o.weight);
    } catch {
      throw govError(GovCode.InvalidVote, `invalid weight: ${JSON.stringify(o.weight.slice(0, 40))}`);
    }
    if (w <= 0n || w > ONE) throw govError(GovCode.InvalidVote, `invalid weight: ${o.weight}`);
    total += w;
    out.push({ option: o.option, weight: formatDecString(w) });
  }
  if (total !== ONE) throw govError(GovCode.InvalidVote, "total weight overflow 1.00");
  return out;
}

/** The gov keeper. */
export class GovKeeper {
  /** Build over bank, staking and the message router (all reached lazily by the caller if needed). */
  constructor(
    readonly bank: GovBankKeeper,
    readonly staking: GovStakingKeeper,
    private readonly router: MsgRouter,
  ) {}

  // ---- params ----

  /** Params (defaults when unset). */
  getParams(ctx: Context): Params {
    const bz = ctx.kv(STORE_PREFIX).get(PARAMS_KEY);
    return bz === undefined ? defaultGovParams(ctx.chain.bondDenom) : Params.decode(bz);
  }

  /** Store params (validated by the caller). */
  setParams(ctx: Context, p: Params): void {
    ctx.kv(STORE_PREFIX).set(PARAMS_KEY, Params.encode(p).finish());
  }

  /** The timelock between a passed vote and execution, seconds. */
  getExecutionDelay(ctx: Context): bigint {
    const bz = ctx.kv(STORE_PREFIX).get(TIMELOCK_KEY);
    return bz === undefined ? DEFAULT_EXECUTION_DELAY : BigInt(fromUtf8(bz));
  }

  /** Set the timelock, seconds (validated by the caller). */
  setExecutionDelay(ctx: Context, s: bigint): void {
    ctx.kv(STORE_PREFIX).set(TIMELOCK_KEY, utf8(s.toString()));
  }

  /** The constitution text. */
  getConstitution(ctx: Context): string {
    const bz = ctx.kv(STORE_PREFIX).get(CONSTITUTION_KEY);
    return bz === undefined ? "" : fromUtf8(bz);
  }

  /** Set the constitution text. */
  setConstitution(ctx: Context, s: string): void {
    ctx.kv(STORE_PREFIX).set(CONSTITUTION_KEY, utf8(s));
  }

  /** The gov module account address. */
  authority(): Uint8Array {
    return moduleAddressOf(MODULE_NAME);
  }

  // ---- proposals ----

  /** The id the next proposal gets (starts at 1). */
  nextProposalId(ctx: Context): bigint {
    const bz = ctx.kv(STORE_PREFIX).get(NEXT_ID_KEY);
    return bz === undefined ? 1n : readUint64BE(bz);
  }

  /** Set the next proposal id. */
  setNextProposalId(ctx: Context, id: bigint): void {
    ctx.kv(STORE_PREFIX).set(NEXT_ID_KEY, uint64BE(id));
  }

  /** A proposal. */
  getProposal(ctx: Context, id: bigint): Proposal | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(idKey(PROPOSAL, id));
    return bz === undefined ? undefined : Proposal.decode(bz);
  }

  /** Store a proposal. */
  setProposal(ctx: Context, p: Proposal): void {
    ctx.kv(STORE_PREFIX).set(idKey(PROPOSAL, p.id), Proposal.encode(p).finish());
  }

  /** Every proposal in id order. */
  allProposals(ctx: Context): Proposal[] {
    const s = key(PROPOSAL);
    return [...ctx.kv(STORE_PREFIX).iterator(s, endOf(PROPOSAL))].map(([, v]) => Proposal.decode(v));
  }

  /** Deposits of a proposal, in depositor-address order. */
  deposits(ctx: Context, id: bigint): Deposit[] {
    const s = idKey(DEPOSIT, id);
    return [...ctx.kv(STORE_PREFIX).iterator(s, endOf(DEPOSIT, [uint64BE(id)]))].map(([, v]) =>
      DepositCodec.decode(v),
    );
  }

  /** A deposit. */
  getDeposit(ctx: Context, id: bigint, depositor: Uint8Array): Deposit | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(DEPOSIT, uint64BE(id), depositor));
    return bz === undefined ? undefined : DepositCodec.decode(bz);
  }

  /** Store a deposit. */
  setDeposit(ctx: Context, d: Deposit, depositor: Uint8Array): void {
    ctx
      .kv(STORE_PREFIX)
      .set(key(DEPOSIT, uint64BE(d.proposalId), depositor), DepositCodec.encode(d).finish());
  }

  /** Votes of a proposal, in voter-address order. */
  votes(ctx: Context, id: bigint): Vote[] {
    const s = idKey(VOTE, id);
    return [...ctx.kv(STORE_PREFIX).iterator(s, endOf(VOTE, [uint64BE(id)]))].map(([, v]) => Vote.decode(v));
  }

  /** A vote. */
  getVote(ctx: Context, id: bigint, voter: Uint8Array): Vote | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(VOTE, uint64BE(id), voter));
    return bz === undefined ? undefined : Vote.decode(bz);
  }

  /** Store a vote. */
  setVote(ctx: Context, v: Vote, voter: Uint8Array): void {
    ctx.kv(STORE_PREFIX).set(key(VOTE, uint64BE(v.proposalId), voter), Vote.encode(v).finish());
  }

  /** The timelock record of a passed proposal. */
  getExecution(ctx: Context, id: bigint): ExecutionRecord | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(idKey(EXECUTION, id));
    if (bz === undefined) return undefined;
    const j = JSON.parse(fromUtf8(bz)) as { s: string; n: number; x: boolean };
    return { executesAt: { seconds: BigInt(j.s), nanos: j.n }, executed: j.x };
  }

  private setExecution(ctx: Context, id: bigint, r: ExecutionRecord): void {
    const j = { s: r.executesAt.seconds.toString(), n: r.executesAt.nanos, x: r.executed };
    ctx.kv(STORE_PREFIX).set(idKey(EXECUTION, id), utf8(JSON.stringify(j)));
  }

  /** Validate and store a new proposal, then take its initial deposit. Returns the id. */
  submitProposal(ctx: Context, np: NewProposal): { id: bigint; votingStarted: boolean } {
    const params = this.getParams(ctx);
    if (np.metadata.length > MAX_METADATA_LEN)
      throw govError(GovCode.MetadataTooLong, `metadata too long: ${np.metadata.length}: metadata too long`);
    if (np.title.length === 0 && np.messages.length === 0)
      throw govError(
        GovCode.InvalidProposalContent,
        "proposal title cannot be empty: invalid proposal content",
      );
    if (np.summary.length > 10_200)
      throw govError(GovCode.SummaryTooLong, `summary too long: ${np.summary.length}`);
    this.checkMessages(ctx, np.messages);
    this.validateInitialDeposit(params, np.initialDeposit, np.expedited);
    this.validateDepositDenom(params, np.initialDeposit);
    const id = this.nextProposalId(ctx);
    this.setNextProposalId(ctx, id + 1n);
    const now = ctx.header.time;
    const depositEnd = addSeconds(now, params.maxDepositPeriod ?? { seconds: 0n, nanos: 0 });
    const p: Proposal = {
      id,
      messages: np.messages,
      status: ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD,
      finalTallyResult: { yesCount: "0", abstainCount: "0", noCount: "0", noWithVetoCount: "0" },
      submitTime: now,
      depositEndTime: depositEnd,
      totalDeposit: [],
      votingStartTime: undefined,
      votingEndTime: undefined,
      metadata: np.metadata,
      title: np.title,
      summary: np.summary,
      proposer: bech32Of(ctx.chain.bech32Prefix, np.proposer),
      expedited: np.expedited,
      failedReason: "",
    };
    this.setProposal(ctx, p);
    ctx.kv(STORE_PREFIX).set(key(INACTIVE_QUEUE, timeKey(depositEnd), uint64BE(id)), new Uint8Array());
    ctx.events.emitKv(EventType.submitProposal, [
      ["proposal_id", id.toString()],
      ["proposal_proposer", p.proposer],
      ["proposal_messages", np.messages.map((m) => m.typeUrl).join(",")],
    ]);
    let votingStarted = false;
    if (np.initialDeposit.length > 0) {
      votingStarted = this.addDeposit(ctx, id, np.proposer, np.initialDeposit, true);
      if (votingStarted)
        ctx.events.emitKv(EventType.submitProposal, [["voting_period_start", id.toString()]]);
    }
    return { id, votingStarted };
  }

  /** Every message must be routable and signed by the gov account only. */
  private checkMessages(ctx: Context, msgs: readonly Any[]): void {
    const gov = this.authority();
    for (const m of msgs) {
      const def = this.router(m.typeUrl);
      if (!def)
        throw govError(
          GovCode.UnroutableProposalMsg,
          `${m.typeUrl}: proposal message not recognized by router`,
        );
      let decoded: unknown;
      try {
        decoded = def.decode(m.value);
      } catch (e) {
        throw govError(
          GovCode.InvalidProposalMsg,
          `${m.typeUrl}: ${(e as Error).message}: invalid proposal message`,
        );
      }
      const signers = def.signers(decoded, ctx.chain);
      if (signers.length !== 1 || !equalBytes(signers[0]!, gov))
        throw govError(GovCode.InvalidSigner, "expected gov account as only signer for proposal message");
    }
  }

  private validateInitialDeposit(params: Params, deposit: BigCoin[], expedited: boolean): void {
    const ratio = parseDecString(params.minInitialDepositRatio || "0");
    if (ratio === 0n) return;
    const min = fromProtoCoins(expedited ? params.expeditedMinDeposit : params.minDeposit).map((c) => ({
      denom: c.denom,
      amount: (c.amount * ratio) / ONE,
    }));
    for (const c of min) {
      const have = deposit.find((d) => d.denom === c.denom)?.amount ?? 0n;
      if (have < c.amount)
        throw govError(
          GovCode.MinDepositTooSmall,
          `was (${coinsToString(deposit)}), need (${coinsToString(min)}): minimum deposit is too small`,
        );
    }
  }

  private validateDepositDenom(params: Params, deposit: BigCoin[]): void {
    const denoms = new Set(params.minDeposit.map((c) => c.denom));
    for (const c of deposit) {
      if (!denoms.has(c.denom))
        throw govError(
          GovCode.InvalidDepositDenom,
          `deposited ${coinsToString(deposit)}, but gov accepts only the following denom(s): [${[...denoms].join(" ")}]: invalid deposit denom`,
        );
    }
  }

  /** Add a deposit; returns true when it started the voting period. */
  addDeposit(ctx: Context, id: bigint, depositor: Uint8Array, amount: BigCoin[], initial = false): boolean {
    const p = this.getProposal(ctx, id);
    if (!p) throw govError(GovCode.UnknownProposal, `${id}: unknown proposal`);
    if (
      p.status !== ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD &&
      p.status !== ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD
    )
      throw govError(GovCode.InactiveProposal, `${id}: inactive proposal`);
    const params = this.getParams(ctx);
    this.validateDepositDenom(params, amount);
    if (!initial) {
      const ratio = parseDecString(params.minDepositRatio || "0");
      if (ratio > 0n) {
        const min = fromProtoCoins(params.minDeposit).map((c) => ({
          denom: c.denom,
          amount: (c.amount * ratio) / ONE,
        }));
        const ok = min.some((c) => (amount.find((d) => d.denom === c.denom)?.amount ?? 0n) >= c.amount);
        if (!ok)
          throw govError(
            GovCode.MinDepositTooSmall,
            `deposit amount must be at least ${coinsToString(min)}; provided: ${coinsToString(amount)}: minimum deposit is too small`,
          );
      }
    }
    this.bank.sendCoinsFromAccountToModule(ctx, depositor, MODULE_NAME, amount);
    const total = addCoins(fromProtoCoins(p.totalDeposit), amount);
    p.totalDeposit = toProtoCoins(total);
    let activated = false;
    const min = fromProtoCoins(p.expedited ? params.expeditedMinDeposit : params.minDeposit);
    if (
      p.status === ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD &&
      min.every((c) => (total.find((t) => t.denom === c.denom)?.amount ?? 0n) >= c.amount)
    ) {
      this.activateVotingPeriod(ctx, p, params);
      activated = true;
    } else {
      this.setProposal(ctx, p);
    }
    const prev = this.getDeposit(ctx, id, depositor);
    const sum = prev ? addCoins(fromProtoCoins(prev.amount), amount) : amount;
    const depositorStr = bech32Of(ctx.chain.bech32Prefix, depositor);
    this.setDeposit(ctx, { proposalId: id, depositor: depositorStr, amount: toProtoCoins(sum) }, depositor);
    ctx.events.emitKv(EventType.proposalDeposit, [
      ["depositor", depositorStr],
      ["amount", coinsToString(amount)],
      ["proposal_id", id.toString()],
    ]);
    if (activated && !initial)
      ctx.events.emitKv(EventType.proposalDeposit, [["voting_period_start", id.toString()]]);
    return activated;
  }

  private activateVotingPeriod(ctx: Context, p: Proposal, params: Params): void {
    const store = ctx.kv(STORE_PREFIX);
    store.delete(key(INACTIVE_QUEUE, timeKey(tsOf(p.depositEndTime)), uint64BE(p.id)));
    const now = ctx.header.time;
    const period = (p.expedited ? params.expeditedVotingPeriod : params.votingPeriod) ?? {
      seconds: 0n,
      nanos: 0,
    };
    p.votingStartTime = now;
    p.votingEndTime = addSeconds(now, period);
    p.status = ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD;
    this.setProposal(ctx, p);
    store.set(key(ACTIVE_QUEUE, timeKey(p.votingEndTime), uint64BE(p.id)), new Uint8Array());
  }

  /** Record a (weighted) vote; replaces the voter's previous vote. */
  addVote(
    ctx: Context,
    id: bigint,
    voter: Uint8Array,
    options: WeightedVoteOption[],
    metadata: string,
  ): void {
    const p = this.getProposal(ctx, id);
    if (!p) throw govError(GovCode.UnknownProposal, `${id}: unknown proposal`);
    if (p.status !== ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD)
      throw govError(GovCode.InactiveProposal, `${id}: inactive proposal`);
    if (metadata.length > MAX_METADATA_LEN)
      throw govError(GovCode.MetadataTooLong, `metadata too long: ${metadata.length}: metadata too long`);
    const opts = validateOptions(options);
    const voterStr = bech32Of(ctx.chain.bech32Prefix, voter);
    this.setVote(ctx, { proposalId: id, voter: voterStr, options: opts, metadata }, voter);
    ctx.events.emitKv(EventType.proposalVote, [
      ["voter", voterStr],
      ["option", optionsString(opts)],
      ["proposal_id", id.toString()],
    ]);
  }

  /** Cancel a proposal (its proposer only, before voting ends); part of the deposits is burned or sent. */
  cancelProposal(ctx: Context, id: bigint, proposer: string): void {
    const p = this.getProposal(ctx, id);
    if (!p) throw govError(GovCode.UnknownProposal, `proposal ${id} doesn't exist: unknown proposal`);
    if (p.proposer !== proposer)
      throw govError(GovCode.InvalidProposer, `invalid proposer ${proposer}: invalid proposer`);
    if (
      p.status !== ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD &&
      p.status !== ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD
    )
      throw govError(
        GovCode.InvalidProposal,
        `proposal should be in the deposit or voting period: invalid proposal`,
      );
    if (p.votingEndTime && timeLte(p.votingEndTime, ctx.header.time))
      throw govError(
        GovCode.VotingPeriodEnded,
        `voting period is already ended for this proposal ${id}: voting period already ended`,
      );
    const params = this.getParams(ctx);
    const ratio = parseDecString(params.proposalCancelRatio || "0");
    const dest =
      params.proposalCancelDest === ""
        ? undefined
        : decodeAddress(params.proposalCancelDest, ctx.chain.bech32Prefix);
    for (const d of this.deposits(ctx, id)) {
      const coins = fromProtoCoins(d.amount);
      const cut = coins
        .map((c) => ({ denom: c.denom, amount: (c.amount * ratio) / ONE }))
        .filter((c) => c.amount > 0n);
      const rest = coins
        .map((c) => ({ denom: c.denom, amount: c.amount - (c.amount * ratio) / ONE }))
        .filter((c) => c.amount > 0n);
      if (cut.length > 0) {
        if (dest) this.bank.sendCoinsFromModuleToAccount(ctx, MODULE_NAME, dest, cut);
        else this.bank.burnCoins(ctx, MODULE_NAME, cut);
      }
      const depositor = decodeAddress(d.depositor, ctx.chain.bech32Prefix);
      if (rest.length > 0) this.bank.sendCoinsFromModuleToAccount(ctx, MODULE_NAME, depositor, rest);
      ctx.kv(STORE_PREFIX).delete(key(DEPOSIT, uint64BE(id), depositor));
    }
    this.deleteProposal(ctx, p);
    ctx.events.emitKv(EventType.cancelProposal, [
      ["sender", proposer],
      ["proposal_id", id.toString()],
    ]);
  }

  private deleteVotes(ctx: Context, id: bigint): void {
    const store = ctx.kv(STORE_PREFIX);
    const keys = [...store.iterator(idKey(VOTE, id), endOf(VOTE, [uint64BE(id)]))].map(([k]) =>
      Uint8Array.from(k),
    );
    for (const k of keys) store.delete(k);
  }

  private deleteProposal(ctx: Context, p: Proposal): void {
    const store = ctx.kv(STORE_PREFIX);
    store.delete(key(INACTIVE_QUEUE, timeKey(tsOf(p.depositEndTime)), uint64BE(p.id)));
    if (p.votingEndTime) store.delete(key(ACTIVE_QUEUE, timeKey(p.votingEndTime), uint64BE(p.id)));
    this.deleteVotes(ctx, p.id);
    store.delete(idKey(PROPOSAL, p.id));
  }

  /** Refund every deposit of a proposal and delete the records. */
  refundAndDeleteDeposits(ctx: Context, id: bigint): void {
    for (const d of this.deposits(ctx, id)) {
      const depositor = decodeAddress(d.depositor, ctx.chain.bech32Prefix);
      const coins = fromProtoCoins(d.amount);
      if (coins.length > 0) this.bank.sendCoinsFromModuleToAccount(ctx, MODULE_NAME, depositor, coins);
      ctx.kv(STORE_PREFIX).delete(key(DEPOSIT, uint64BE(id), depositor));
    }
  }

  /** Burn every deposit of a proposal and delete the records. */
  deleteAndBurnDeposits(ctx: Context, id: bigint): void {
    let total: BigCoin[] = [];
    for (const d of this.deposits(ctx, id)) {
      total = addCoins(total, fromProtoCoins(d.amount));
      ctx
        .kv(STORE_PREFIX)
        .delete(key(DEPOSIT, uint64BE(id), decodeAddress(d.depositor, ctx.chain.bech32Prefix)));
    }
    if (total.length > 0) this.bank.burnCoins(ctx, MODULE_NAME, total);
  }

  // ---- tally ----

  /**
   * Tally by bonded stake (SDK 0.50 `Tally`): a delegator's vote counts its delegations' share of
   * each bonded validator's tokens and is deducted from that validator; validators' own votes carry
   * the rest of their stake. Weighted votes split the power. Deletes the votes.
   */
  tally(ctx: Context, p: Proposal): TallyOutcome {
    const params = this.getParams(ctx);
    interface Val {
      tokens: bigint;
      shares: bigint;
      deductions: bigint;
      vote?: WeightedVoteOption[];
    }
    const vals = new Map<string, Val>();
    let totalBonded = 0n;
    for (const v of this.staking.lastValidators(ctx)) {
      const tokens = BigInt(v.tokens || "0");
      totalBonded += tokens;
      vals.set(v.operatorAddress, { tokens, shares: BigInt(v.delegatorShares || "0"), deductions: 0n });
    }
    const results = new Map<VoteOption, bigint>([
      [VoteOption.VOTE_OPTION_YES, 0n],
      [VoteOption.VOTE_OPTION_ABSTAIN, 0n],
      [VoteOption.VOTE_OPTION_NO, 0n],
      [VoteOption.VOTE_OPTION_NO_WITH_VETO, 0n],
    ]);
    let totalPower = 0n; // ×10^18
    const add = (opts: readonly WeightedVoteOption[], power: bigint) => {
      for (const o of opts) {
        const w = parseDecString(o.weight);
        results.set(o.option, (results.get(o.option) ?? 0n) + (power * w) / ONE);
      }
      totalPower += power;
    };
    for (const vote of this.votes(ctx, p.id)) {
      const voter = decodeAddress(vote.voter, ctx.chain.bech32Prefix);
      const valoper = bech32Of(ctx.chain.valoperPrefix, voter);
      const own = vals.get(valoper);
      if (own) own.vote = vote.options;
      for (const d of this.staking.delegatorDelegations(ctx, voter)) {
        const val = vals.get(d.validatorAddress);
        if (!val || val.shares === 0n) continue;
        const shares = BigInt(d.shares || "0");
        val.deductions += shares;
        add(vote.options, (shares * val.tokens * ONE) / val.shares);
      }
    }
    for (const val of vals.values()) {
      if (!val.vote || val.shares === 0n) continue;
      const after = val.shares - val.deductions;
      add(val.vote, (after * val.tokens * ONE) / val.shares);
    }
    this.deleteVotes(ctx, p.id);
    const int = (x: bigint) => (x / ONE).toString();
    const tally: TallyResult = {
      yesCount: int(results.get(VoteOption.VOTE_OPTION_YES)!),
      abstainCount: int(results.get(VoteOption.VOTE_OPTION_ABSTAIN)!),
      noCount: int(results.get(VoteOption.VOTE_OPTION_NO)!),
      noWithVetoCount: int(results.get(VoteOption.VOTE_OPTION_NO_WITH_VETO)!),
    };
    if (totalBonded === 0n) return { passes: false, burnDeposits: false, tally };
    const percentVoting = totalPower / totalBonded;
    if (percentVoting < parseDecString(params.quorum))
      return { passes: false, burnDeposits: params.burnVoteQuorum, tally };
    const nonAbstain = totalPower - results.get(VoteOption.VOTE_OPTION_ABSTAIN)!;
    if (nonAbstain <= 0n) return { passes: false, burnDeposits: false, tally };
    const veto = (results.get(VoteOption.VOTE_OPTION_NO_WITH_VETO)! * ONE) / nonAbstain;
    if (veto > parseDecString(params.vetoThreshold))
      return { passes: false, burnDeposits: params.burnVoteVeto, tally };
    const threshold = parseDecString(p.expedited ? params.expeditedThreshold : params.threshold);
    const yes = (results.get(VoteOption.VOTE_OPTION_YES)! * ONE) / nonAbstain;
    return { passes: yes > threshold, burnDeposits: false, tally };
  }

  /** The current tally of a proposal without deleting votes (for queries). */
  peekTally(ctx: Context, p: Proposal): TallyResult {
    const branch = createBranch(ctx.store);
    return this.tally(ctx.with(branch, ctx.gasMeter, new EventManager()), p).tally;
  }

  // ---- execution ----

  /**
   * Run a proposal's messages atomically on a branch, as the gov account; on success the branch
   * (and its events) are applied, on failure nothing is. Returns the failure reason, or "".
   */
  executeMessages(ctx: Context, p: Proposal): string {
    const branch = createBranch(ctx.store);
    const em = new EventManager();
    const sub = ctx.with(branch, ctx.gasMeter, em);
    const gov = this.authority();
    try {
      for (const m of p.messages) {
        const def = this.router(m.typeUrl);
        if (!def)
          throw govError(
            GovCode.UnroutableProposalMsg,
            `${m.typeUrl}: proposal message not recognized by router`,
          );
        const msg = def.decode(m.value);
        const signers = def.signers(msg, ctx.chain);
        if (signers.length !== 1 || !equalBytes(signers[0]!, gov))
          throw govError(GovCode.InvalidSigner, "expected gov account as only signer for proposal message");
        def.handle(sub, msg);
      }
    } catch (e) {
      return toCodedError(e).message;
    }
    branch.write();
    ctx.events.emitAll(em.events);
    return "";
  }

  private runPassed(ctx: Context, p: Proposal): void {
    const reason = this.executeMessages(ctx, p);
    if (reason === "") {
      p.status = ProposalStatus.PROPOSAL_STATUS_PASSED;
    } else {
      p.status = ProposalStatus.PROPOSAL_STATUS_FAILED;
      p.failedReason = reason;
    }
  }

  // ---- end block ----

  /** Drop expired deposit-period proposals, tally ended votes, run due timelocked proposals. */
  endBlock(ctx: Context): void {
    const store = ctx.kv(STORE_PREFIX);
    const now = ctx.header.time;
    const upTo = (prefix: number) =>
      [
        ...store.iterator(key(prefix), key(prefix, timeKey({ seconds: now.seconds, nanos: now.nanos + 1 }))),
      ].map(([k]) => ({ k: Uint8Array.from(k), id: readUint64BE(k, k.length - 8) }));
    const params = this.getParams(ctx);
    for (const { k, id } of upTo(INACTIVE_QUEUE)) {
      store.delete(k);
      const p = this.getProposal(ctx, id);
      if (!p) continue;
      if (params.burnProposalDepositPrevote) this.deleteAndBurnDeposits(ctx, id);
      else this.refundAndDeleteDeposits(ctx, id);
      this.deleteProposal(ctx, p);
      ctx.events.emitKv(EventType.inactiveProposal, [
        ["proposal_id", id.toString()],
        ["proposal_result", ProposalResult.dropped],
      ]);
    }
    for (const { k, id } of upTo(ACTIVE_QUEUE)) {
      store.delete(k);
      const p = this.getProposal(ctx, id);
      if (!p) continue;
      const { passes, burnDeposits, tally } = this.tally(ctx, p);
      let result: string;
      let log = "";
      if (!passes && p.expedited) {
        // A failed expedited proposal becomes a regular one with the regular voting period.
        p.expedited = false;
        p.votingEndTime = addSeconds(
          tsOf(p.votingStartTime),
          params.votingPeriod ?? { seconds: 0n, nanos: 0 },
        );
        store.set(key(ACTIVE_QUEUE, timeKey(p.votingEndTime), uint64BE(id)), new Uint8Array());
        this.setProposal(ctx, p);
        ctx.events.emitKv(EventType.activeProposal, [
          ["proposal_id", id.toString()],
          ["proposal_result", ProposalResult.expeditedRejected],
        ]);
        continue;
      }
      if (burnDeposits) this.deleteAndBurnDeposits(ctx, id);
      else this.refundAndDeleteDeposits(ctx, id);
      p.finalTallyResult = tally;
      if (passes) {
        const delay = this.getExecutionDelay(ctx);
        if (delay === 0n) {
          this.runPassed(ctx, p);
          result =
            p.status === ProposalStatus.PROPOSAL_STATUS_PASSED
              ? ProposalResult.passed
              : ProposalResult.failed;
          log = p.failedReason;
        } else {
          p.status = ProposalStatus.PROPOSAL_STATUS_PASSED;
          const at = addSeconds(now, { seconds: delay, nanos: 0 });
          this.setExecution(ctx, id, { executesAt: at, executed: false });
          store.set(key(TIMELOCK_QUEUE, timeKey(at), uint64BE(id)), new Uint8Array());
          result = ProposalResult.passed;
          log = `queued; executes at ${at.seconds}s`;
        }
      } else {
        p.status = ProposalStatus.PROPOSAL_STATUS_REJECTED;
        result = ProposalResult.rejected;
      }
      this.setProposal(ctx, p);
      const attrs: [string, string][] = [
        ["proposal_id", id.toString()],
        ["proposal_result", result],
      ];
      if (log !== "") attrs.push(["proposal_log", log]);
      ctx.events.emitKv(EventType.activeProposal, attrs);
    }
    for (const { k, id } of upTo(TIMELOCK_QUEUE)) {
      store.delete(k);
      const p = this.getProposal(ctx, id);
      const rec = this.getExecution(ctx, id);
      if (!p || !rec) continue;
      this.runPassed(ctx, p);
      this.setProposal(ctx, p);
      this.setExecution(ctx, id, { ...rec, executed: true });
      const attrs: [string, string][] = [
        ["proposal_id", id.toString()],
        [
          "proposal_result",
          p.status === ProposalStatus.PROPOSAL_STATUS_PASSED
            ? ProposalResult.executed
            : ProposalResult.failed,
        ],
      ];
      if (p.failedReason !== "") attrs.push(["proposal_log", p.failedReason]);
      ctx.events.emitKv(EventType.timelockProposal, attrs);
    }
  }

  // ---- genesis helpers ----

  /** Insert a proposal from genesis, rebuilding its queue entry. */
  importProposal(ctx: Context, p: Proposal): void {
    this.setProposal(ctx, p);
    const store = ctx.kv(STORE_PREFIX);
    if (p.status === ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD)
      store.set(key(INACTIVE_QUEUE, timeKey(tsOf(p.depositEndTime)), uint64BE(p.id)), new Uint8Array());
    if (p.status === ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD && p.votingEndTime)
      store.set(key(ACTIVE_QUEUE, timeKey(p.votingEndTime), uint64BE(p.id)), new Uint8Array());
  }

  /** Parse deposit coins of a message (coded errors). */
  static depositCoins(list: readonly { denom: string; amount: string }[]): BigCoin[] {
    return parseValidCoins(list);
  }
}
