/** auth's key space under its store prefix (`acc/`). Never reuse a prefix. */
import { storePrefix } from "../../app/prefixStore.js";

/** Module name (also the `app_state` key). */
export const MODULE_NAME = "auth";
/** Store key (as the SDK's `acc`). */
export const STORE_KEY = "acc";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(STORE_KEY);

/** Params. */
export const PARAMS_KEY = Uint8Array.of(0x00);
/** Accounts: 0x01 ‖ address → Any(BaseAccount | ModuleAccount). */
export const ACCOUNT_PREFIX = 0x01;
/** Next global account number (uint64 BE). */
export const GLOBAL_ACCOUNT_NUMBER_KEY = Uint8Array.of(0x02);
/** Account number index: 0x03 ‖ number (uint64 BE) → address. */
export const ACCOUNT_NUMBER_PREFIX = 0x03;

/** Type URL of a plain account. */
export const BASE_ACCOUNT_TYPE = "/cosmos.auth.v1beta1.BaseAccount";
/** Type URL of a module account. */
export const MODULE_ACCOUNT_TYPE = "/cosmos.auth.v1beta1.ModuleAccount";
/** Type URL of a secp256k1 public key. */
export const SECP256K1_PUBKEY_TYPE = "/cosmos.crypto.secp256k1.PubKey";

/** Name of the fee collector module account. */
export const FEE_COLLECTOR = "fee_collector";

/** Permission: may mint. */
export const PERM_MINTER = "minter";
/** Permission: may burn. */
export const PERM_BURNER = "burner";
/** Permission: may hold staked tokens. */
export const PERM_STAKING = "staking";

/**
 * `STORE_PREFIX ‖ accountKey(address)` in one allocation: the key under the app's store, for the
 * keeper's per-tx reads and writes (the same key a prefixed view of `accountKey` reaches).
 */
export function storeAccountKey(address: Uint8Array): Uint8Array {
  const p = STORE_PREFIX.length;
  const k = new Uint8Array(p + 1 + address.length);
  k.set(STORE_PREFIX, 0);
  k[p] = ACCOUNT_PREFIX;
  k.set(address, p + 1);
  return k;
}

/** The account key of an address. */
export function accountKey(address: Uint8Array): Uint8Array {
  const k = new Uint8Array(address.length + 1);
  k[0] = ACCOUNT_PREFIX;
  k.set(address, 1);
  return k;
}
