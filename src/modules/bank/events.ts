/** bank's events, in SDK 0.50 shapes. */
import type { AbciEvent } from "../../abci/types.js";
import { makeEvent } from "../../app/events.js";

/** `coin_spent{spender, amount}`. */
export function coinSpentEvent(spender: string, amount: string): AbciEvent {
  return makeEvent("coin_spent", [
    ["spender", spender],
    ["amount", amount],
  ]);
}

/** `coin_received{receiver, amount}`. */
export function coinReceivedEvent(receiver: string, amount: string): AbciEvent {
  return makeEvent("coin_received", [
    ["receiver", receiver],
    ["amount", amount],
  ]);
}

/** `transfer{recipient, sender, amount}`. */
export function transferEvent(recipient: string, sender: string, amount: string): AbciEvent {
  return makeEvent("transfer", [
    ["recipient", recipient],
    ["sender", sender],
    ["amount", amount],
  ]);
}

/** `message{sender}`, emitted by SendCoins. */
export function messageSenderEvent(sender: string): AbciEvent {
  return makeEvent("message", [["sender", sender]]);
}

/** `coinbase{minter, amount}`. */
export function coinbaseEvent(minter: string, amount: string): AbciEvent {
  return makeEvent("coinbase", [
    ["minter", minter],
    ["amount", amount],
  ]);
}

/** `burn{burner, amount}`. */
export function burnEvent(burner: string, amount: string): AbciEvent {
  return makeEvent("burn", [
    ["burner", burner],
    ["amount", amount],
  ]);
}
