/** bank's events, in SDK 0.50 shapes. */
import type { AbciEvent } from "../../abci/types.js";
import { attr } from "../../app/events.js";

/** `coin_spent{spender, amount}`. */
export function coinSpentEvent(spender: string, amount: string): AbciEvent {
  return { type: "coin_spent", attributes: [attr("spender", spender), attr("amount", amount)] };
}

/** `coin_received{receiver, amount}`. */
export function coinReceivedEvent(receiver: string, amount: string): AbciEvent {
  return { type: "coin_received", attributes: [attr("receiver", receiver), attr("amount", amount)] };
}

/** `transfer{recipient, sender, amount}`. */
export function transferEvent(recipient: string, sender: string, amount: string): AbciEvent {
  return {
    type: "transfer",
    attributes: [attr("recipient", recipient), attr("sender", sender), attr("amount", amount)],
  };
}

/** `message{sender}`, emitted by SendCoins. */
export function messageSenderEvent(sender: string): AbciEvent {
  return { type: "message", attributes: [attr("sender", sender)] };
}

/** `coinbase{minter, amount}`. */
export function coinbaseEvent(minter: string, amount: string): AbciEvent {
  return { type: "coinbase", attributes: [attr("minter", minter), attr("amount", amount)] };
}

/** `burn{burner, amount}`. */
export function burnEvent(burner: string, amount: string): AbciEvent {
  return { type: "burn", attributes: [attr("burner", burner), attr("amount", amount)] };
}
