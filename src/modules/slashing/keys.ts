/** slashing's key space under its store prefix (`slashing/`). Never reuse a prefix. */
import { storePrefix } from "../../app/prefixStore.js";

/** Module name (also the `app_state` key and store key). */
export const MODULE_NAME = "slashing";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);
/** Params. */
export const PARAMS_KEY = Uint8Array.of(0x01);
/** Signing info: 0x02 ‖ lp(cons) → ValidatorSigningInfo. */
export const SIGNING_INFO = 0x02;
/** Missed-block bitmap: 0x03 ‖ lp(cons) ‖ index (8 BE) → 0x01 when missed. */
export const MISSED = 0x03;
/** Jailed-until of a tombstoned validator (SDK `DoubleSignJailEndTime`: 9999-12-31T23:59:59Z). */
export const DOUBLE_SIGN_JAIL_END = { seconds: 253_402_300_799n, nanos: 0 };
