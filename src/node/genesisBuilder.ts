/**
 * Building genesis documents for new networks: the OpenLedger allocation of the fixed supply of
 * 1,000,000,000 OPEN (see `genesis/README.md`), the dev accounts of the well-known test mnemonic, and
 * the initial validators.
 */
import type { Timestamp } from "../abci/types.js";
import { defaultAppState } from "../app/genesis.js";
import {
  defaultConsensusParams,
  formatRfc3339,
  type GenesisDoc,
  type GenesisValidator,
} from "../config/genesis.js";
import { secp256k1Address } from "../crypto/address.js";
import { ed25519Address } from "../crypto/ed25519.js";
import { deriveAccount } from "../crypto/hd.js";
import { defaultGovGenesisJson } from "../modules/gov/genesis.js";
import { devGovParams } from "../modules/gov/params.js";
import { selfBondGenesis } from "../modules/staking/genesis.js";

/** The well-known dev mnemonic. UNSAFE: everyone knows it; never hold real funds with it. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** How many HD accounts of the dev mnemonic a dev or test network funds. */
export const DEV_ACCOUNT_COUNT = 10;
/** One OPEN in aopen. */
export const OPEN = 10n ** 18n;
/** The fixed supply: 1,000,000,000 OPEN. */
export const TOTAL_SUPPLY = 1_000_000_000n * OPEN;
/** What each dev account receives: 1,000,000 OPEN, out of the ecosystem allocation. */
export const DEV_ACCOUNT_BALANCE = 1_000_000n * OPEN;

/** The genesis allocation of the supply, parts per 10,000, held by module accounts until assigned. */
export const ALLOCATION: readonly { name: string; bps: bigint; purpose: string }[] = [
  {
    name: "community_rewards",
    bps: 5171n,
    purpose: "staking reward stream, attribution incentives, grants (governed)",
  },
  { name: "investors", bps: 1829n, purpose: "investors (vesting accounts assigned at the genesis ceremony)" },
  {
    name: "team",
    bps: 1500n,
    purpose: "core contributors (vesting accounts assigned at the genesis ceremony)",
  },
  {
    name: "ecosystem",
    bps: 1000n,
    purpose: "ecosystem fund; dev and test networks fund their dev accounts from it",
  },
  { name: "liquidity", bps: 500n, purpose: "liquidity provisioning" },
];

/** Timelock of dev and test networks' governance, seconds. */
export const DEV_EXECUTION_DELAY = 5n;

/** Options of a new network's genesis. */
export interface GenesisOptions {
  chainId: string;
  time: Timestamp;
  validators: GenesisValidator[];
  /** Fund the first `DEV_ACCOUNT_COUNT` accounts of `DEV_MNEMONIC` (dev and test networks only). */
  devAccounts: boolean;
  /** Bech32 account prefix (default `open`). */
  prefix?: string;
}

/** The dev accounts' addresses. */
export function devAccountAddresses(prefix = "open"): string[] {
  return Array.from({ length: DEV_ACCOUNT_COUNT }, (_, i) => deriveAccount(DEV_MNEMONIC, i, prefix).address);
}

/** A genesis document with the OpenLedger allocation; the supply is exactly `TOTAL_SUPPLY`. */
export function buildGenesis(opts: GenesisOptions): GenesisDoc {
  const prefix = opts.prefix ?? "open";
  const accounts = opts.devAccounts
    ? devAccountAddresses(prefix).map((address) => ({ address, coins: `${DEV_ACCOUNT_BALANCE}aopen` }))
    : [];
  // Each initial validator self-bonds power × 10^18 aopen from the ecosystem allocation (the gentx
  // equivalent); its operator is dev account i on dev/test networks, else an address derived from
  // its consensus key (replace such validators with `genesis gentx` + `collect-gentxs`).
  const bonds = selfBondGenesis(
    opts.validators.map((v, i) => ({
      operator:
        opts.devAccounts && i < DEV_ACCOUNT_COUNT
          ? secp256k1Address(deriveAccount(DEV_MNEMONIC, i, prefix).publicKey)
          : ed25519Address(v.pubKey),
      pubKey: v.pubKey,
      tokens: v.power * OPEN,
      moniker: v.name,
    })),
    { prefix, bondDenom: "aopen", time: opts.time },
  );
  const moduleBalances: Record<string, string> = {};
  for (const a of ALLOCATION) {
    let amount = (TOTAL_SUPPLY * a.bps) / 10_000n;
    if (a.name === "ecosystem") amount -= DEV_ACCOUNT_BALANCE * BigInt(accounts.length) + bonds.notBonded;
    moduleBalances[a.name] = `${amount}aopen`;
  }
  if (bonds.notBonded > 0n) moduleBalances["not_bonded_tokens_pool"] = `${bonds.notBonded}aopen`;
  const appState = defaultAppState({
    accounts,
    prefix,
    extraModuleAccounts: ALLOCATION.map((a) => ({ name: a.name, permissions: [] })),
    moduleBalances,
    // Dev and test networks get short governance periods (deposit 60 s, voting 10 s, expedited 5 s,
    // timelock 5 s, min deposit 10 OPEN; see `devGovParams`); other networks the SDK defaults.
    moduleStates: {
      staking: bonds.staking,
      gov: opts.devAccounts
        ? defaultGovGenesisJson("aopen", devGovParams("aopen"), DEV_EXECUTION_DELAY)
        : defaultGovGenesisJson("aopen"),
    },
  });
  return {
    genesisTime: formatRfc3339(opts.time),
    chainId: opts.chainId,
    initialHeight: 1,
    consensusParams: defaultConsensusParams(),
    validators: opts.validators,
    appHash: new Uint8Array(),
    appState,
  };
}
