/**
 * Test kit: `createTestApp()` (in-memory store, genesis funding the dev mnemonic's HD accounts),
 * fast tx signing (`signTx`, native secp256k1; amino sign bytes built by `@cosmjs/amino`),
 * wallet-based signing through `@cosmjs/proto-signing` / `@cosmjs/amino` (`signTxWithWallet`), and
 * `runBlock()` to finalize and commit a block.
 */
import { pbkdf2Sync } from "node:crypto";
import { makeSignDoc as makeAminoSignDoc, type OfflineAminoSigner, serializeSignDoc } from "@cosmjs/amino";
import { type EncodeObject, type OfflineDirectSigner, Registry } from "@cosmjs/proto-signing";
import { AminoTypes, createDefaultAminoConverters, defaultRegistryTypes } from "@cosmjs/stargate";
import { HDKey } from "@scure/bip32";
import { MsgSetSendEnabled, MsgUpdateParams } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type {
  CheckTxResponse,
  ConsensusParams,
  FinalizeBlockResponse,
  ValidatorUpdate,
} from "../abci/types.js";
import { CheckTxType } from "../abci/types.js";
import { type AppOptions, OpenLedgerApp } from "../app/app.js";
import type { BigCoin } from "../app/coins.js";
import { type DefaultAppStateOptions, defaultAppState } from "../app/genesis.js";
import type { AppModule } from "../app/types.js";
import { defaultConsensusParams } from "../config/genesis.js";
import { secp256k1Address, toBech32 } from "../crypto/address.js";
import { secp256k1PublicKey, secp256k1Sign } from "../crypto/secp256k1.js";
import type { GovModule } from "../modules/gov/module.js";
import { createGovModule } from "../modules/gov/stack.js";
import { createStakingStack, type StakingStack } from "../modules/staking/stack.js";
import { type UpgradeHandler, UpgradeKeeper } from "../modules/upgrade/keeper.js";
import { UpgradeModule } from "../modules/upgrade/module.js";
import { MemoryDatabase, StateStore } from "../store/index.js";
import { utf8 } from "../types/bytes.js";

/** The well-known, unsafe dev mnemonic. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** Chain id of test apps. */
export const TEST_CHAIN_ID = "openledger-test";
/** Coins each dev account gets in a test genesis: 1,000,000 OPEN. */
export const TEST_ACCOUNT_BALANCE = 10n ** 24n;
/** Default gas limit of test txs. */
export const TEST_GAS = 200_000n;

/** A funded test account with its keys. */
export interface TestAccount {
  index: number;
  address: string;
  addressBytes: Uint8Array;
  privKey: Uint8Array;
  pubKey: Uint8Array;
}

/** Options of `createTestApp`. */
export interface TestAppOptions {
  /** How many HD accounts of the dev mnemonic to fund (default 10). */
  accounts?: number;
  /** Balance of each (default 10^24 aopen). */
  balance?: bigint;
  /** Node min gas prices (default none). */
  minGasPrices?: string;
  chainId?: string;
  /** Extra modules. */
  modules?: AppModule[];
  /** Add the proof-of-stake stack (distribution, staking, slashing) before `modules`. */
  staking?: boolean;
  /**
   * Add gov (implies `staking`) and upgrade; an object gives gov's genesis JSON (e.g. `{ params: {
   * voting_period: "10s" }, execution_delay: "5s" }`) and upgrade handlers this "binary" knows.
   */
  gov?: boolean | { genesis?: Record<string, unknown>; upgradeHandlers?: Record<string, UpgradeHandler> };
  /** Overrides for the genesis builder. */
  genesis?: Partial<DefaultAppStateOptions>;
  /** Extra app options. */
  app?: Partial<AppOptions>;
  /** Consensus params override. */
  consensusParams?: ConsensusParams;
}

/** A test app and its accounts. */
export interface TestApp {
  app: OpenLedgerApp;
  store: StateStore;
  accounts: TestAccount[];
  chainId: string;
  appState: Record<string, unknown>;
  /** The proof-of-stake keepers when `staking` was asked for. */
  staking?: StakingStack;
  /** The gov module (its `keeper`) when `gov` was asked for. */
  gov?: GovModule;
  /** The upgrade keeper when `gov` was asked for. */
  upgrade?: UpgradeKeeper;
  /** The validator set InitChain returned. */
  validators: ValidatorUpdate[];
}

/** Options of `signTx`. */
export interface SignOptions {
  chainId: string;
  accountNumber: bigint;
  sequence: bigint;
  fee?: BigCoin[];
  gas?: bigint;
  memo?: string;
  timeoutHeight?: bigint;
  mode?: "direct" | "amino";
  /** Leave the pubkey out of the signer info (valid once the account has one). */
  omitPubKey?: boolean;
  feePayer?: string;
}

const seedCache = new Map<string, Uint8Array>();
const accountCache = new Map<string, TestAccount>();
/** The registry of standard Cosmos messages, to encode test messages. */
export const testRegistry = new Registry([
  ...defaultRegistryTypes,
  ["/cosmos.bank.v1beta1.MsgUpdateParams", MsgUpdateParams],
  ["/cosmos.bank.v1beta1.MsgSetSendEnabled", MsgSetSendEnabled],
]);
const aminoTypes = new AminoTypes(createDefaultAminoConverters());

function seedOf(mnemonic: string): Uint8Array {
  let seed = seedCache.get(mnemonic);
  if (!seed) {
    seed = new Uint8Array(pbkdf2Sync(mnemonic.normalize("NFKD"), "mnemonic", 2048, 64, "sha512"));
    seedCache.set(mnemonic, seed);
  }
  return seed;
}

/** The HD account `m/44'/118'/0'/0/index` of a mnemonic. */
export function hdAccount(index: number, mnemonic = DEV_MNEMONIC, prefix = "open"): TestAccount {
  const k = `${mnemonic}|${index}|${prefix}`;
  const cached = accountCache.get(k);
  if (cached) return cached;
  const node = HDKey.fromMasterSeed(seedOf(mnemonic)).derive(`m/44'/118'/0'/0/${index}`);
  const privKey = node.privateKey!;
  const pubKey = secp256k1PublicKey(privKey);
  const addressBytes = secp256k1Address(pubKey);
  const acc = { index, address: toBech32(prefix, addressBytes), addressBytes, privKey, pubKey };
  accountCache.set(k, acc);
  return acc;
}

/** A fresh app on an in-memory store, InitChain'ed with the dev accounts funded (not yet committed). */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const n = opts.accounts ?? 10;
  const accounts = Array.from({ length: n }, (_, i) => hdAccount(i));
  const chainId = opts.chainId ?? TEST_CHAIN_ID;
  const balance = opts.balance ?? TEST_ACCOUNT_BALANCE;
  const appState = defaultAppState({
    accounts: accounts.map((a) => ({ address: a.address, coins: [{ denom: "aopen", amount: balance }] })),
    ...opts.genesis,
  });
  const store = StateStore.open(new MemoryDatabase());
  const appOpts: AppOptions = { chainId, ...opts.app };
  if (opts.minGasPrices !== undefined) appOpts.minGasPrices = opts.minGasPrices;
  const govOpts = opts.gov === true ? {} : opts.gov || undefined;
  const stack = opts.staking || govOpts ? createStakingStack(() => app.bankKeeper) : undefined;
  const gov = govOpts
    ? createGovModule({
        bank: () => app.bankKeeper,
        staking: () => stack!.staking,
        router: (u) => app.msgDef(u),
      })
    : undefined;
  const upgrade = govOpts
    ? new UpgradeKeeper(new Map(Object.entries(govOpts.upgradeHandlers ?? {})))
    : undefined;
  if (govOpts?.genesis) appState["gov"] = { ...(appState["gov"] as object), ...govOpts.genesis };
  const app: OpenLedgerApp = new OpenLedgerApp(appOpts, {
    store,
    modules: [
      ...(upgrade ? [new UpgradeModule(upgrade, () => app.modules.map((m) => m.name))] : []),
      ...(stack?.modules ?? []),
      ...(gov ? [gov] : []),
      ...(opts.modules ?? []),
    ],
  });
  const init = await app.initChain({
    time: { seconds: 1_700_000_000n, nanos: 0 },
    chainId,
    consensusParams: opts.consensusParams ?? defaultConsensusParams(),
    validators: [],
    appStateBytes: utf8(JSON.stringify(appState)),
    initialHeight: 1,
  });
  return {
    app,
    store,
    accounts,
    chainId,
    appState,
    validators: init.validators,
    ...(stack ? { staking: stack } : {}),
    ...(gov ? { gov } : {}),
    ...(upgrade ? { upgrade } : {}),
  };
}

/** The `Any` of a secp256k1 public key. */
export function pubKeyAny(pubKey: Uint8Array): { typeUrl: string; value: Uint8Array } {
  return { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: PubKey.encode({ key: pubKey }).finish() };
}

/** Build body and auth-info bytes (single signer). */
export function buildTxParts(
  signer: Pick<TestAccount, "pubKey">,
  msgs: readonly EncodeObject[],
  o: SignOptions,
): { bodyBytes: Uint8Array; authInfoBytes: Uint8Array } {
  const bodyBytes = TxBody.encode(
    TxBody.fromPartial({
      messages: msgs.map((m) => ({ typeUrl: m.typeUrl, value: testRegistry.encode(m) })),
      memo: o.memo ?? "",
      timeoutHeight: o.timeoutHeight ?? 0n,
    }),
  ).finish();
  const mode = o.mode === "amino" ? SignMode.SIGN_MODE_LEGACY_AMINO_JSON : SignMode.SIGN_MODE_DIRECT;
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: o.omitPubKey ? undefined : pubKeyAny(signer.pubKey),
          modeInfo: { single: { mode } },
          sequence: o.sequence,
        },
      ],
      fee: {
        amount: (o.fee ?? []).map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
        gasLimit: o.gas ?? TEST_GAS,
        payer: o.feePayer ?? "",
        granter: "",
      },
    }),
  ).finish();
  return { bodyBytes, authInfoBytes };
}

/** Sign `msgs` as `signer` (native secp256k1); amino mode builds the sign doc with `@cosmjs/amino`. */
export function signTx(signer: TestAccount, msgs: readonly EncodeObject[], o: SignOptions): Uint8Array {
  const { bodyBytes, authInfoBytes } = buildTxParts(signer, msgs, o);
  let signBytes: Uint8Array;
  if (o.mode === "amino") {
    const fee = {
      amount: (o.fee ?? []).map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
      gas: (o.gas ?? TEST_GAS).toString(),
      ...(o.feePayer ? { payer: o.feePayer } : {}),
    };
    const doc = makeAminoSignDoc(
      msgs.map((m) => aminoTypes.toAmino(m)),
      fee,
      o.chainId,
      o.memo ?? "",
      o.accountNumber.toString(),
      o.sequence.toString(),
      o.timeoutHeight ?? 0n,
    );
    signBytes = serializeSignDoc(doc);
  } else {
    signBytes = SignDoc.encode({
      bodyBytes,
      authInfoBytes,
      chainId: o.chainId,
      accountNumber: o.accountNumber,
    }).finish();
  }
  const signature = secp256k1Sign(signBytes, signer.privKey);
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signature] }).finish();
}

/** Sign with a CosmJS offline signer (`DirectSecp256k1HdWallet` or amino `Secp256k1HdWallet`). */
export async function signTxWithWallet(
  wallet: OfflineDirectSigner | OfflineAminoSigner,
  msgs: readonly EncodeObject[],
  o: SignOptions,
): Promise<Uint8Array> {
  const [account] = await wallet.getAccounts();
  if (!account) throw new Error("wallet has no accounts");
  const signer = { pubKey: account.pubkey };
  if ("signDirect" in wallet) {
    const { bodyBytes, authInfoBytes } = buildTxParts(signer, msgs, { ...o, mode: "direct" });
    const signed = await wallet.signDirect(account.address, {
      bodyBytes,
      authInfoBytes,
      chainId: o.chainId,
      accountNumber: o.accountNumber,
    });
    return TxRaw.encode({
      bodyBytes: signed.signed.bodyBytes,
      authInfoBytes: signed.signed.authInfoBytes,
      signatures: [Buffer.from(signed.signature.signature, "base64")],
    }).finish();
  }
  const { bodyBytes, authInfoBytes } = buildTxParts(signer, msgs, { ...o, mode: "amino" });
  const fee = {
    amount: (o.fee ?? []).map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
    gas: (o.gas ?? TEST_GAS).toString(),
  };
  const doc = makeAminoSignDoc(
    msgs.map((m) => aminoTypes.toAmino(m)),
    fee,
    o.chainId,
    o.memo ?? "",
    o.accountNumber.toString(),
    o.sequence.toString(),
    o.timeoutHeight ?? 0n,
  );
  const signed = await wallet.signAmino(account.address, doc);
  return TxRaw.encode({
    bodyBytes,
    authInfoBytes,
    signatures: [Buffer.from(signed.signature.signature, "base64")],
  }).finish();
}

/** A MsgSend encode object. */
export function msgSend(from: string, to: string, amount: BigCoin[]): EncodeObject {
  return {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: {
      fromAddress: from,
      toAddress: to,
      amount: amount.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
    },
  };
}

/** Run CheckTx on new tx bytes. */
export function checkTx(app: OpenLedgerApp, tx: Uint8Array, recheck = false): Promise<CheckTxResponse> {
  return app.checkTx({ tx, type: recheck ? CheckTxType.Recheck : CheckTxType.New });
}

/** Finalize and commit the next block with `txs`; the time advances one second a block. */
export async function runBlock(app: OpenLedgerApp, txs: Uint8Array[]): Promise<FinalizeBlockResponse> {
  const info = await app.info();
  const height = info.lastBlockHeight + 1;
  const res = await app.finalizeBlock({
    txs,
    decidedLastCommit: { round: 0, votes: [] },
    misbehavior: [],
    hash: new Uint8Array(32),
    height,
    time: { seconds: 1_700_000_000n + BigInt(height), nanos: 0 },
    nextValidatorsHash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
  });
  await app.commit();
  return res;
}
