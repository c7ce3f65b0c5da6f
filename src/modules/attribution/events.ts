/**
 * attribution's events (all attributes indexed): `inference_settled` per settlement (with the fee split
 * and the rows paid), `rewards_claimed` per claim, credit movements and params updates.
 */
import type { AbciEvent } from "../../abci/types.js";
import { makeEvent } from "../../app/events.js";

/** Event types. */
export const EventType = {
  InferenceSettled: "inference_settled",
  RewardsClaimed: "rewards_claimed",
  CreditDeposited: "credit_deposited",
  CreditWithdrawalStarted: "credit_withdrawal_started",
  CreditWithdrawn: "credit_withdrawn",
  ParamsUpdated: "attribution_params_updated",
} as const;

/** An event with attributes (bigints and numbers as decimal strings). */
export function attributionEvent(
  type: string,
  attrs: readonly (readonly [string, string | bigint | number | boolean])[],
): AbciEvent {
  return makeEvent(
    type,
    attrs.map(([k, v]) => [k, typeof v === "string" ? v : v.toString()] as const),
  );
}
