/**
 * A gov test chain: `createTestApp({ gov })` with genesis validators (dev accounts self-bonding),
 * short gov periods, blocks advancing a chosen number of seconds, and helpers to submit, deposit,
 * vote and read proposals.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import { type Proposal, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import { QueryProposalRequest, QueryProposalResponse } from "cosmjs-types/cosmos/gov/v1/query";
import {
  MsgCancelProposal,
  MsgDeposit,
  MsgSubmitProposal,
  MsgVote,
  MsgVoteWeighted,
} from "cosmjs-types/cosmos/gov/v1/tx";
import { MsgCancelUpgrade, MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import type { FinalizeBlockResponse } from "../../../src/abci/types.js";
import { moduleAddressOf } from "../../../src/app/addressCache.js";
import { ReadOnlyStore } from "../../../src/app/prefixStore.js";
import type { Context } from "../../../src/app/types.js";
import { toBech32 } from "../../../src/crypto/address.js";
import { ed25519FromSeed } from "../../../src/crypto/ed25519.js";
import {
  type AttributionModule,
  defaultAttributionParams,
  typeUrlOf,
} from "../../../src/modules/attribution/index.js";
import {
  MsgUpdateParams as AttrMsgUpdateParams,
  Params as AttrParams,
  QueryParamsRequest as AttrQueryParamsRequest,
  QueryParamsResponse as AttrQueryParamsResponse,
} from "../../../src/modules/attribution/proto.js";
import type { ModelsModule } from "../../../src/modules/models/module.js";
import { selfBondGenesis } from "../../../src/modules/staking/genesis.js";
import type { UpgradeHandler } from "../../../src/modules/upgrade/keeper.js";
import {
  createTestApp,
  hdAccount,
  signTx,
  type TestAccount,
  type TestApp,
  testRegistry,
} from "../../../src/testing/index.js";
import { openLedgerTestModules } from "../../../src/testing/openledgerModules.js";
import { testContext } from "../../helpers/context.js";

for (const [u, t] of [
  [MsgSubmitProposal.typeUrl, MsgSubmitProposal],
  [MsgDeposit.typeUrl, MsgDeposit],
  [MsgVote.typeUrl, MsgVote],
  [MsgVoteWeighted.typeUrl, MsgVoteWeighted],
  [MsgCancelProposal.typeUrl, MsgCancelProposal],
  [MsgSoftwareUpgrade.typeUrl, MsgSoftwareUpgrade],
  [MsgCancelUpgrade.typeUrl, MsgCancelUpgrade],
] as const) {
  if (!testRegistry.lookupType(u)) testRegistry.register(u, t as Parameters<typeof testRegistry.register>[1]);
}

/** One OPEN. */
export const OPEN = 10n ** 18n;
/** The gov module account's address. */
export const GOV_ADDR = toBech32("open", moduleAddressOf("gov"));

/** Gov genesis of the tests: deposit 20 s, voting 10 s, expedited 5 s, min 100 OPEN, timelock 30 s. */
export function testGovGenesis(over: Record<string, unknown> = {}, delay = "30s"): Record<string, unknown> {
  return {
    params: {
      min_deposit: [{ denom: "aopen", amount: (100n * OPEN).toString() }],
      expedited_min_deposit: [{ denom: "aopen", amount: (500n * OPEN).toString() }],
      max_deposit_period: "20s",
      voting_period: "10s",
      expedited_voting_period: "5s",
      ...over,
    },
    execution_delay: delay,
  };
}

/** A gov test chain. */
export class GovChain {
  private readonly seq = new Map<string, bigint>();
  /** Time of the last block (seconds). */
  time = 1_700_000_000n;
  /** Height of the last committed block. */
  height = 0;

  private constructor(
    readonly t: TestApp,
    /** The attribution module (with datanets and models) of this chain. */
    readonly attribution: AttributionModule,
    /** The models module of this chain. */
    readonly models: ModelsModule,
  ) {}

  /** Validators: dev accounts 0 and 1 with 1000 OPEN each unless given. */
  static async create(
    o: {
      validators?: bigint[];
      gov?: Record<string, unknown>;
      upgradeHandlers?: Record<string, UpgradeHandler>;
    } = {},
  ): Promise<GovChain> {
    const bonds = o.validators ?? [1000n, 1000n];
    const sb = selfBondGenesis(
      bonds.map((b, i) => {
        const kp = ed25519FromSeed(new Uint8Array(32).fill(i + 1));
        return {
          operator: hdAccount(i).addressBytes,
          pubKey: kp.publicKey,
          tokens: b * OPEN,
          moniker: `v${i}`,
        };
      }),
      { prefix: "open", bondDenom: "aopen", time: { seconds: 1_700_000_000n, nanos: 0 } },
    );
    const ol = openLedgerTestModules();
    const t = await createTestApp({
      modules: ol.modules,
      gov: { genesis: o.gov ?? testGovGenesis(), upgradeHandlers: o.upgradeHandlers ?? {} },
      app: { checkInvariantsEveryBlock: true },
      genesis: {
        moduleStates: { staking: sb.staking },
        moduleBalances: { not_bonded_tokens_pool: `${sb.notBonded}aopen` },
      },
    });
    ol.bind(t);
    const c = new GovChain(t, ol.attribution, ol.models);
    await c.block();
    return c;
  }

  /** Dev account `i`. */
  acc(i: number): TestAccount {
    return this.t.accounts[i]!;
  }

  /** Sign a tx from account `i`. */
  tx(i: number, msgs: EncodeObject[]): Uint8Array {
    const a = this.acc(i);
    const s = this.seq.get(a.address) ?? 0n;
    this.seq.set(a.address, s + 1n);
    return signTx(a, msgs, {
      chainId: this.t.chainId,
      accountNumber: BigInt(a.index),
      sequence: s,
      gas: 2_000_000n,
    });
  }

  /** Finalize and commit a block `seconds` after the last. */
  async block(txs: Uint8Array[] = [], seconds = 1n): Promise<FinalizeBlockResponse> {
    const res = await this.finalize(txs, seconds);
    await this.t.app.commit();
    return res;
  }

  /** Finalize (without commit) the next block. */
  async finalize(txs: Uint8Array[] = [], seconds = 1n): Promise<FinalizeBlockResponse> {
    this.height += 1;
    this.time += seconds;
    return this.t.app.finalizeBlock({
      txs,
      decidedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash: new Uint8Array(32),
      height: this.height,
      time: { seconds: this.time, nanos: 0 },
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
    });
  }

  /** Run one tx in its own block; throws with the log unless it succeeds. */
  async ok(i: number, msgs: EncodeObject[]): Promise<FinalizeBlockResponse> {
    const r = await this.block([this.tx(i, msgs)]);
    const x = r.txResults[0]!;
    if (x.code !== 0) throw new Error(`tx failed: ${x.codespace}/${x.code}: ${x.log}`);
    return r;
  }

  /** Run one tx in its own block; returns its result (which may fail). */
  async run(i: number, msgs: EncodeObject[]): Promise<FinalizeBlockResponse["txResults"][number]> {
    return (await this.block([this.tx(i, msgs)])).txResults[0]!;
  }

  /** A read-only context over the latest state. */
  ctx(): Context {
    return testContext(new ReadOnlyStore(this.t.store.working), {
      header: { ...this.t.app.header, height: this.height, time: { seconds: this.time, nanos: 0 } },
      chain: this.t.app.chain,
    });
  }

  /** aopen balance of account `i`. */
  balance(i: number): bigint {
    return this.t.app.bankKeeper.getBalance(this.ctx(), this.acc(i).addressBytes, "aopen");
  }

  /** aopen supply. */
  supply(): bigint {
    return this.t.app.bankKeeper.getSupply(this.ctx(), "aopen");
  }

  /** A proposal through the v1 query (undefined when the query fails). */
  async proposal(id: bigint): Promise<Proposal | undefined> {
    const r = await this.t.app.query({
      path: "/cosmos.gov.v1.Query/Proposal",
      data: QueryProposalRequest.encode({ proposalId: id }).finish(),
      height: 0,
      prove: false,
    });
    return r.code === 0 ? QueryProposalResponse.decode(r.value).proposal : undefined;
  }

  /** Advance `n` blocks of `seconds` each. */
  async advance(n: number, seconds = 1n): Promise<FinalizeBlockResponse[]> {
    const out: FinalizeBlockResponse[] = [];
    for (let i = 0; i < n; i++) out.push(await this.block([], seconds));
    return out;
  }
}

/** A v1 MsgSubmitProposal encode object. */
export function submit(
  proposer: string,
  messages: EncodeObject[],
  deposit: bigint,
  o: { title?: string; expedited?: boolean } = {},
): EncodeObject {
  return {
    typeUrl: MsgSubmitProposal.typeUrl,
    value: MsgSubmitProposal.fromPartial({
      messages: messages.map((m) => ({ typeUrl: m.typeUrl, value: testRegistry.encode(m) })),
      initialDeposit: deposit > 0n ? [{ denom: "aopen", amount: deposit.toString() }] : [],
      proposer,
      metadata: "",
      title: o.title ?? "a proposal",
      summary: "why",
      expedited: o.expedited ?? false,
    }),
  };
}

/** A v1 MsgVote encode object. */
export function vote(voter: string, id: bigint, option: VoteOption): EncodeObject {
  return {
    typeUrl: MsgVote.typeUrl,
    value: MsgVote.fromPartial({ proposalId: id, voter, option, metadata: "" }),
  };
}

/** A v1 MsgDeposit encode object. */
export function deposit(depositor: string, id: bigint, amount: bigint): EncodeObject {
  return {
    typeUrl: MsgDeposit.typeUrl,
    value: MsgDeposit.fromPartial({
      proposalId: id,
      depositor,
      amount: [{ denom: "aopen", amount: amount.toString() }],
    }),
  };
}

/** Attribution shares a proposal sets: owner 25%, operator 25%, stakers 10%, contributors 40%. */
export const NEW_SHARES = {
  ownerShare: (OPEN / 4n).toString(),
  operatorShare: (OPEN / 4n).toString(),
  stakersShare: (OPEN / 10n).toString(),
  contributorsShare: ((OPEN * 4n) / 10n).toString(),
};

/** The attribution params through `/openledger.attribution.v1.Query/Params`. */
export async function attributionParams(c: GovChain): Promise<AttrParams> {
  const r = await c.t.app.query({
    path: "/openledger.attribution.v1.Query/Params",
    data: AttrQueryParamsRequest.encode({}).finish(),
    height: 0,
    prove: false,
  });
  if (r.code !== 0) throw new Error(`attribution params query failed: ${r.log}`);
  return AttrQueryParamsResponse.decode(r.value).params as AttrParams;
}

/**
 * The governed parameter change the tests use, and how to observe it: attribution's
 * `MsgUpdateParams` setting `NEW_SHARES` (the four shares still sum to 10^18).
 */
export const paramChange = {
  msg: (): EncodeObject => ({
    typeUrl: typeUrlOf("MsgUpdateParams"),
    value: AttrMsgUpdateParams.create({
      authority: GOV_ADDR,
      params: AttrParams.create({ ...defaultAttributionParams(), ...NEW_SHARES }),
    }),
  }),
  applied: (c: GovChain): boolean => {
    const p = c.attribution.keeper.getParams(c.ctx());
    return p.ownerShare === NEW_SHARES.ownerShare && p.operatorShare === NEW_SHARES.operatorShare;
  },
};

export { VoteOption };
