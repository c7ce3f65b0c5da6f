/** distribution's key space under its store prefix (`distribution/`). Never reuse a prefix. */
import { storePrefix } from "../../app/prefixStore.js";

/** Module name (also the `app_state` key, store key and the module account holding rewards and the community pool). */
export const MODULE_NAME = "distribution";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);
/** The genesis allocation account the reward stream is paid from. */
export const REWARD_SOURCE = "community_rewards";

/** FeePool (community pool). */
export const FEE_POOL_KEY = Uint8Array.of(0x00);
/** Params. */
export const PARAMS_KEY = Uint8Array.of(0x01);
/** Outstanding rewards: 0x02 ‖ lp(val). */
export const OUTSTANDING = 0x02;
/** Withdraw address: 0x03 ‖ lp(del) → address bytes. */
export const WITHDRAW_ADDR = 0x03;
/** Delegator starting info: 0x04 ‖ lp(val) ‖ lp(del). */
export const STARTING_INFO = 0x04;
/** Historical rewards: 0x05 ‖ lp(val) ‖ period (8 bytes BE). */
export const HISTORICAL = 0x05;
/** Current rewards: 0x06 ‖ lp(val). */
export const CURRENT = 0x06;
/** Accumulated commission: 0x07 ‖ lp(val). */
export const COMMISSION = 0x07;
/** Slash events: 0x08 ‖ lp(val) ‖ height (8 BE) ‖ period (8 BE). */
export const SLASH_EVENT = 0x08;
/** Reward stream amount per block (OpenLedger extension), decimal string of the bond denom. */
export const REWARD_STREAM_KEY = Uint8Array.of(0x09);
