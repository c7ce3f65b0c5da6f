/** The event bus's coded errors (codespace `events`), with CometBFT's texts. */
import { CodedError } from "../types/errors.js";

/** Codespace of event bus errors. */
export const EVENTS_CODESPACE = "events";

/** Stable event bus error codes. */
export enum EventsErrorCode {
  /** The query does not parse or is too long. */
  InvalidQuery = 1,
  /** The client already has a subscription for this query. */
  AlreadySubscribed = 2,
  /** No subscription of this client for this query. */
  SubscriptionNotFound = 3,
  /** `max_subscription_clients` reached. */
  TooManyClients = 4,
  /** `max_subscriptions_per_client` reached. */
  TooManySubscriptions = 5,
  /** The bus is stopped. */
  Stopped = 6,
}

/** An event bus error with a stable code. */
export function eventsError(code: EventsErrorCode, message: string): CodedError {
  return new CodedError(EVENTS_CODESPACE, code, message);
}
