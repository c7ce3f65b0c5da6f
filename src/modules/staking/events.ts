/** staking's events, in SDK 0.50 shapes. */
import type { AbciEvent, Timestamp } from "../../abci/types.js";
import { makeEvent } from "../../app/events.js";

/** Go `time.RFC3339` (UTC, whole seconds). */
export function rfc3339(t: Timestamp): string {
  return new Date(Number(t.seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `create_validator{validator, amount}`. */
export function createValidatorEvent(validator: string, amount: string): AbciEvent {
  return makeEvent("create_validator", [
    ["validator", validator],
    ["amount", amount],
  ]);
}

/** `edit_validator{commission_rate, min_self_delegation}`. */
export function editValidatorEvent(rate: string, minSelf: string): AbciEvent {
  return makeEvent("edit_validator", [
    ["commission_rate", rate],
    ["min_self_delegation", minSelf],
  ]);
}

/** `delegate{validator, delegator, amount, new_shares}`. */
export function delegateEvent(
  validator: string,
  delegator: string,
  amount: string,
  shares: string,
): AbciEvent {
  return makeEvent("delegate", [
    ["validator", validator],
    ["delegator", delegator],
    ["amount", amount],
    ["new_shares", shares],
  ]);
}

/** `unbond{validator, delegator, amount, completion_time}`. */
export function unbondEvent(validator: string, delegator: string, amount: string, t: Timestamp): AbciEvent {
  return makeEvent("unbond", [
    ["validator", validator],
    ["delegator", delegator],
    ["amount", amount],
    ["completion_time", rfc3339(t)],
  ]);
}

/** `redelegate{source_validator, destination_validator, amount, completion_time}`. */
export function redelegateEvent(src: string, dst: string, amount: string, t: Timestamp): AbciEvent {
  return makeEvent("redelegate", [
    ["source_validator", src],
    ["destination_validator", dst],
    ["amount", amount],
    ["completion_time", rfc3339(t)],
  ]);
}

/** `cancel_unbonding_delegation{amount, validator, delegator, creation_height}`. */
export function cancelUnbondEvent(
  amount: string,
  validator: string,
  delegator: string,
  h: bigint,
): AbciEvent {
  return makeEvent("cancel_unbonding_delegation", [
    ["amount", amount],
    ["validator", validator],
    ["delegator", delegator],
    ["creation_height", h.toString()],
  ]);
}

/** `complete_unbonding{amount, validator, delegator}`. */
export function completeUnbondingEvent(amount: string, validator: string, delegator: string): AbciEvent {
  return makeEvent("complete_unbonding", [
    ["amount", amount],
    ["validator", validator],
    ["delegator", delegator],
  ]);
}

/** `complete_redelegation{amount, source_validator, destination_validator, delegator}`. */
export function completeRedelegationEvent(amount: string, src: string, dst: string, del: string): AbciEvent {
  return makeEvent("complete_redelegation", [
    ["amount", amount],
    ["source_validator", src],
    ["destination_validator", dst],
    ["delegator", del],
  ]);
}
