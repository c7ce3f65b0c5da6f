/**
 * A test chain over `createTestApp({ staking: true })` that drives blocks through `finalizeBlock`
 * with a synthetic `decidedLastCommit` built from the current validator set (validators can be
 * made absent) and synthetic misbehaviour, tracking the set from end-block updates.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { MsgUnjail } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import {
  BlockIdFlag,
  type FinalizeBlockResponse,
  type Misbehavior,
  type ValidatorUpdate,
} from "../../../src/abci/types.js";
import { EventManager } from "../../../src/app/events.js";
import { GasMeter } from "../../../src/app/gas.js";
import { ReadOnlyStore } from "../../../src/app/prefixStore.js";
import { Context } from "../../../src/app/types.js";
import { toBech32 } from "../../../src/crypto/address.js";
import { ed25519Address, ed25519FromSeed } from "../../../src/crypto/ed25519.js";
import { selfBondGenesis } from "../../../src/modules/staking/genesis.js";
import type { StakingStack } from "../../../src/modules/staking/stack.js";
import {
  createTestApp,
  signTx,
  type TestAccount,
  type TestApp,
  testRegistry,
} from "../../../src/testing/index.js";
import { toHex } from "../../../src/types/bytes.js";

if (!testRegistry.lookupType(MsgUnjail.typeUrl)) testRegistry.register(MsgUnjail.typeUrl, MsgUnjail);

/** One OPEN. */
export const OPEN = 10n ** 18n;
/** Reward stream source balance in tests. */
export const STREAM_POOL = 1_000_000n * OPEN;

/** A deterministic ed25519 consensus key. */
export function consKey(i: number): { pub: Uint8Array; cons: Uint8Array } {
  const seed = new Uint8Array(32).fill(i + 1);
  const kp = ed25519FromSeed(seed);
  return { pub: kp.publicKey, cons: ed25519Address(kp.publicKey) };
}

/** An Any of an ed25519 consensus key. */
export function consAny(pub: Uint8Array): { typeUrl: string; value: Uint8Array } {
  return { typeUrl: "/cosmos.crypto.ed25519.PubKey", value: Ed25519PubKey.encode({ key: pub }).finish() };
}

/** Options of a test chain. */
export interface ChainOptions {
  /** Genesis validators: dev account index and self-bond in OPEN (default: account 0 with 1000 OPEN). */
  validators?: { account: number; bond: bigint }[];
  /** Reward stream per block (default 0 unless set). */
  rewardPerBlock?: bigint;
  stakingParams?: Record<string, unknown>;
  slashingParams?: Record<string, unknown>;
  distributionParams?: Record<string, unknown>;
  minGasPrices?: string;
}

/** A chain driven block by block. */
export class TestChain {
  /** Current validator set: hex(pubkey) → power. */
  readonly set = new Map<string, bigint>();
  private readonly seq = new Map<string, bigint>();
  /** Time of the last block (seconds). */
  time = 1_700_000_000n;
  /** Height of the last committed block. */
  height = 0;
  /** Responses of the blocks run. */
  readonly results: FinalizeBlockResponse[] = [];

  private constructor(
    readonly t: TestApp,
    readonly stack: StakingStack,
  ) {
    this.apply(t.validators);
  }

  /** Create a chain. */
  static async create(o: ChainOptions = {}): Promise<TestChain> {
    const vals = o.validators ?? [{ account: 0, bond: 1000n }];
    const { hdAccount } = await import("../../../src/testing/index.js");
    const sb = selfBondGenesis(
      vals.map((v, i) => ({
        operator: hdAccount(v.account).addressBytes,
        pubKey: consKey(i).pub,
        tokens: v.bond * OPEN,
        moniker: `val-${i}`,
      })),
      {
        prefix: "open",
        bondDenom: "aopen",
        time: { seconds: 1_700_000_000n, nanos: 0 },
        params: o.stakingParams,
      },
    );
    const moduleStates: Record<string, unknown> = { staking: sb.staking };
    moduleStates["distribution"] = {
      params: o.distributionParams,
      reward_stream: { amount_per_block: (o.rewardPerBlock ?? 0n).toString() },
    };
    if (o.slashingParams) moduleStates["slashing"] = { params: o.slashingParams };
    const t = await createTestApp({
      staking: true,
      ...(o.minGasPrices ? { minGasPrices: o.minGasPrices } : {}),
      app: { checkInvariantsEveryBlock: true },
      genesis: {
        moduleStates,
        extraModuleAccounts: [{ name: "community_rewards", permissions: [] }],
        moduleBalances: {
          not_bonded_tokens_pool: `${sb.notBonded}aopen`,
          community_rewards: `${STREAM_POOL}aopen`,
        },
      },
    });
    return new TestChain(t, t.staking!);
  }

  private apply(updates: ValidatorUpdate[]): void {
    for (const u of updates) {
      const k = toHex(u.pubKey);
      if (u.power === 0n) this.set.delete(k);
      else this.set.set(k, u.power);
    }
  }

  /** Account `i` of the dev mnemonic. */
  acc(i: number): TestAccount {
    return this.t.accounts[i]!;
  }

  /** The valoper address of dev account `i`. */
  valoper(i: number): string {
    return toBech32("openvaloper", this.acc(i).addressBytes);
  }

  /** Sign a tx from account `i` with the next sequence. */
  tx(i: number, msgs: EncodeObject[], fee = 0n, gas = 2_000_000n): Uint8Array {
    const a = this.acc(i);
    const s = this.seq.get(a.address) ?? 0n;
    this.seq.set(a.address, s + 1n);
    return signTx(a, msgs, {
      chainId: this.t.chainId,
      accountNumber: BigInt(a.index),
      sequence: s,
      gas,
      fee: fee > 0n ? [{ denom: "aopen", amount: fee }] : [],
    });
  }

  /** Run one block: the last commit has every current validator signing except `absent` (consensus addresses hex). */
  async block(
    txs: Uint8Array[] = [],
    o: { absent?: Set<string>; misbehavior?: Misbehavior[]; seconds?: bigint } = {},
  ): Promise<FinalizeBlockResponse> {
    const votes = [...this.set.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([pk, power]) => {
        const address = ed25519Address(Buffer.from(pk, "hex"));
        const absent = o.absent?.has(toHex(address)) ?? false;
        return { address, power, blockIdFlag: absent ? BlockIdFlag.Absent : BlockIdFlag.Commit };
      });
    this.height += 1;
    this.time += o.seconds ?? 1n;
    const res = await this.t.app.finalizeBlock({
      txs,
      decidedLastCommit: { round: 0, votes: this.height > 1 ? votes : [] },
      misbehavior: o.misbehavior ?? [],
      hash: new Uint8Array(32),
      height: this.height,
      time: { seconds: this.time, nanos: 0 },
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
    });
    await this.t.app.commit();
    this.apply(res.validatorUpdates);
    this.results.push(res);
    return res;
  }

  /** Run `n` empty blocks. */
  async blocks(n: number, o: { absent?: Set<string>; seconds?: bigint } = {}): Promise<void> {
    for (let i = 0; i < n; i++) await this.block([], o);
  }

  /** A read-only context over the latest state. */
  ctx(): Context {
    return new Context(
      new ReadOnlyStore(this.t.store.working),
      new GasMeter(undefined),
      new EventManager(),
      { ...this.t.app.header, height: this.height, time: { seconds: this.time, nanos: 0 } },
      "query",
      this.t.app.chain,
    );
  }

  /** Bank balance (aopen) of an address. */
  balance(addr: Uint8Array): bigint {
    return this.t.app.bankKeeper.getBalance(this.ctx(), addr, "aopen");
  }

  /** Run a gRPC query on the latest committed state. */
  async query<T>(
    path: string,
    req: Uint8Array,
    decode: (b: Uint8Array) => T,
  ): Promise<{ code: number; log: string; value?: T }> {
    const r = await this.t.app.query({ path, data: req, height: 0, prove: false });
    return r.code === 0 ? { code: 0, log: "", value: decode(r.value) } : { code: r.code, log: r.log };
  }
}

/** The tx result codes of a block. */
export function codes(r: FinalizeBlockResponse): number[] {
  return r.txResults.map((x) => x.code);
}

/** The first failing tx log of a block (for assertion messages). */
export function logs(r: FinalizeBlockResponse): string {
  return r.txResults.map((x) => `${x.codespace}/${x.code}: ${x.log}`).join("\n");
}
