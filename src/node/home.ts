/**
 * The node's home folder in the CometBFT layout: `config/{config.toml, app.toml, genesis.json,
 * node_key.json, priv_validator_key.json}` and `data/{priv_validator_state.json, openledger.db/}`.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Timestamp } from "../abci/types.js";
import {
  type AppConfig,
  configPath,
  defaultAppConfig,
  defaultNodeConfig,
  type NodeConfig,
  writeAppConfig,
  writeNodeConfig,
} from "../config/config.js";
import { ConfigCode, configError } from "../config/errors.js";
import { type GenesisDoc, genesisValidator, writeGenesis } from "../config/genesis.js";
import { FilePV } from "../privval/file.js";
import { buildGenesis } from "./genesisBuilder.js";
import { generateNodeKey, type NodeKey } from "./nodeKey.js";

/** Voting power of a validator created by `init` (before staking decides the set). */
export const INIT_VALIDATOR_POWER = 100n;

/** Paths of a home's files. */
export function homePaths(home: string) {
  return {
    config: join(home, "config"),
    data: join(home, "data"),
    configToml: configPath(home),
    genesis: join(home, "config", "genesis.json"),
    nodeKey: join(home, "config", "node_key.json"),
    privValidatorKey: join(home, "config", "priv_validator_key.json"),
    privValidatorState: join(home, "data", "priv_validator_state.json"),
    db: join(home, "data", "openledger.db"),
  };
}

/** True when `home` holds an initialised node. */
export function isInitialised(home: string): boolean {
  const p = homePaths(home);
  return existsSync(p.configToml) && existsSync(p.genesis);
}

/** Options of `initHome`. */
export interface InitOptions {
  moniker: string;
  chainId: string;
  /** Genesis time (default now). */
  time?: Timestamp;
  /** Fund the dev mnemonic's accounts (dev and test networks). */
  devAccounts?: boolean;
  /** Adjust config.toml before it is written. */
  nodeConfig?: (c: NodeConfig) => void;
  /** Adjust app.toml before it is written. */
  appConfig?: (c: AppConfig) => void;
  /** Write no genesis (the caller writes a shared one, as `testnet` does). */
  skipGenesis?: boolean;
  /** Replace an existing configuration. */
  overwrite?: boolean;
}

/** What `initHome` created. */
export interface InitResult {
  nodeKey: NodeKey;
  validator: FilePV;
  genesis: GenesisDoc | undefined;
}

/** Create a home: configs, keys (mode 0600) and a genesis with this node as the only validator. */
export function initHome(home: string, opts: InitOptions): InitResult {
  const p = homePaths(home);
  if (isInitialised(home) && !opts.overwrite) {
    throw configError(
      ConfigCode.AlreadyInitialised,
      `${home} is already initialised (use --overwrite to replace its configuration)`,
    );
  }
  mkdirSync(p.config, { recursive: true, mode: 0o700 });
  mkdirSync(p.data, { recursive: true, mode: 0o700 });
  const nodeConfig = defaultNodeConfig(opts.moniker);
  opts.nodeConfig?.(nodeConfig);
  writeNodeConfig(home, nodeConfig);
  const appConfig = defaultAppConfig();
  opts.appConfig?.(appConfig);
  writeAppConfig(home, appConfig);
  const nodeKey = generateNodeKey(p.nodeKey);
  const validator = FilePV.loadOrGenerate(p.privValidatorKey, p.privValidatorState);
  let genesis: GenesisDoc | undefined;
  if (!opts.skipGenesis) {
    genesis = buildGenesis({
      chainId: opts.chainId,
      time: opts.time ?? nowTimestamp(),
      validators: [genesisValidator(validator.pubKey, INIT_VALIDATOR_POWER, opts.moniker)],
      devAccounts: opts.devAccounts ?? false,
    });
    writeGenesis(p.genesis, genesis);
  }
  return { nodeKey, validator, genesis };
}

/** The wall-clock time as a Timestamp (genesis time only; never in state transitions). */
export function nowTimestamp(): Timestamp {
  const ms = Date.now();
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}
