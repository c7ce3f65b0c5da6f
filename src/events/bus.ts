/**
 * The node's event bus (CometBFT `types.EventBus` over `libs/pubsub`): after each commit the node
 * publishes `NewBlock`, `NewBlockHeader`, `NewBlockEvents`, one `Tx` per tx and, when the validator
 * set changes, `ValidatorSetUpdates`. Clients subscribe with a CometBFT query (`src/indexer` grammar)
 * matched against the message's composite tags (`tm.event`, `tx.hash`, `tx.height`, `block.height`
 * and `<event type>.<attribute key>` of every event). Each subscription has a bounded buffer; a
 * subscriber that does not drain it is cancelled ("client is not pulling messages fast enough"),
 * the publisher never waits and never fails.
 */
import type { AbciEvent, ExecTxResult, FinalizeBlockResponse, ValidatorUpdate } from "../abci/types.js";
import { formatQuery, matchQuery, parseQuery, type Query } from "../indexer/query.js";
import { type Block, type BlockID, type Header, txHash } from "../types/block.js";
import { toHexUpper } from "../types/bytes.js";
import { EventsErrorCode, eventsError } from "./errors.js";

// ---------------------------------------------------------------------------------------------
// Constants

/** Default buffered messages per subscription (CometBFT `experimental_subscription_buffer_size`). */
export const DEFAULT_SUBSCRIPTION_BUFFER = 200;
/** Default most distinct subscribing clients (CometBFT `max_subscription_clients`). */
export const DEFAULT_MAX_CLIENTS = 100;
/** Default most subscriptions per client (CometBFT `max_subscriptions_per_client`). */
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CLIENT = 5;
/** Longest accepted subscription query (CometBFT `maxQueryLength`). */
export const MAX_SUBSCRIBE_QUERY_LENGTH = 512;

/** Reason of a subscription cancelled by the client. */
export const ERR_UNSUBSCRIBED = "client unsubscribed";
/** Reason of a subscription cancelled because its buffer overflowed. */
export const ERR_OUT_OF_CAPACITY = "client is not pulling messages fast enough";
/** Reason of a subscription cancelled because the node stops. */
export const ERR_STOPPED = "CometBFT exited";

// ---------------------------------------------------------------------------------------------
// Types

/** The event kinds, as the values of `tm.event`. */
export type EventType = "NewBlock" | "NewBlockHeader" | "NewBlockEvents" | "Tx" | "ValidatorSetUpdates";

/** What a message carries, per kind (CometBFT `EventData*`). */
export type EventData =
  | { type: "NewBlock"; block: Block; blockId: BlockID; results: FinalizeBlockResponse }
  | { type: "NewBlockHeader"; header: Header }
  | { type: "NewBlockEvents"; height: number; events: AbciEvent[]; numTxs: number }
  | { type: "Tx"; height: number; index: number; tx: Uint8Array; result: ExecTxResult }
  | { type: "ValidatorSetUpdates"; validatorUpdates: ValidatorUpdate[] };

/** Composite tags of a message: `type.key` → values, in event order. */
export type EventTags = ReadonlyMap<string, readonly string[]>;

/** One published message. */
export interface BusMessage {
  data: EventData;
  tags: EventTags;
}

/** Bus limits; 0 = unlimited for the two counts. */
export interface EventBusOptions {
  maxClients?: number;
  maxSubscriptionsPerClient?: number;
  /** Buffered messages per subscription (at least 1). */
  bufferSize?: number;
}

/** A block just committed, as the node reports it. */
export interface CommittedBlock {
  block: Block;
  blockId: BlockID;
  results: FinalizeBlockResponse;
}

// ---------------------------------------------------------------------------------------------
// Subscription

/** One client's subscription to one query: a bounded queue the client drains. */
export class Subscription {
  private readonly queue: BusMessage[] = [];
  private reason: string | undefined;
  private waiter: (() => void) | undefined;
  private listener: (() => void) | undefined;

  /** Created by `EventBus.subscribe`. */
  constructor(
    /** The subscriber (for the WebSocket: the remote address). */
    readonly clientId: string,
    /** The query text as the client gave it. */
    readonly query: string,
    /** The parsed query. */
    readonly parsed: Query,
    /** Most buffered messages before the subscription is cancelled. */
    readonly capacity: number,
  ) {}

  /** True once cancelled (unsubscribed, too slow, or the bus stopped). */
  get canceled(): boolean {
    return this.reason !== undefined;
  }

  /** Why it was cancelled (`ERR_*`), undefined while active. */
  get err(): string | undefined {
    return this.reason;
  }

  /** Messages waiting to be taken. */
  get pending(): number {
    return this.queue.length;
  }

  /** The next buffered message, or undefined when none is waiting. */
  take(): BusMessage | undefined {
    return this.queue.shift();
  }

  /** Wait for the next message; undefined once the subscription is cancelled. */
  async next(): Promise<BusMessage | undefined> {
    for (;;) {
      const m = this.queue.shift();
      if (m !== undefined) return m;
      if (this.reason !== undefined) return undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  /** Call `cb` whenever a message arrives or the subscription is cancelled (one listener). */
  onReady(cb: (() => void) | undefined): void {
    this.listener = cb;
  }

  /** Bus side: buffer a message; false (and cancelled) when the buffer is full. */
  deliver(m: BusMessage): boolean {
    if (this.reason !== undefined) return false;
    if (this.queue.length >= this.capacity) {
      this.cancel(ERR_OUT_OF_CAPACITY);
      return false;
    }
    this.queue.push(m);
    this.wake();
    return true;
  }

  /** Bus side: cancel with `reason`, dropping what is buffered. */
  cancel(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.queue.length = 0;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
    try {
      this.listener?.();
    } catch {
      // a consumer's failure must not reach the publisher
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bus

/** The event bus. */
export class EventBus {
  private readonly clients = new Map<string, Map<string, Subscription>>();
  private readonly maxClients: number;
  private readonly maxPerClient: number;
  private readonly bufferSize: number;
  private stopped = false;
  private published = 0;

  /** A bus with CometBFT's default limits unless given. */
  constructor(options: EventBusOptions = {}) {
    this.maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.maxPerClient = options.maxSubscriptionsPerClient ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_CLIENT;
    this.bufferSize = Math.max(1, options.bufferSize ?? DEFAULT_SUBSCRIPTION_BUFFER);
  }

  /** Distinct clients with at least one subscription. */
  numClients(): number {
    return this.clients.size;
  }

  /** Subscriptions of `clientId`. */
  numClientSubscriptions(clientId: string): number {
    return this.clients.get(clientId)?.size ?? 0;
  }

  /** Messages published so far (matched or not). */
  get publishedCount(): number {
    return this.published;
  }

  /**
   * Subscribe `clientId` to `query`. Coded errors with CometBFT's texts: bad query, too long,
   * `max_subscription_clients N reached`, `max_subscriptions_per_client N reached`, `already subscribed`.
   */
  subscribe(clientId: string, query: string, capacity = this.bufferSize): Subscription {
    if (this.stopped) throw eventsError(EventsErrorCode.Stopped, "event bus is stopped");
    if (typeof query !== "string" || query.length > MAX_SUBSCRIBE_QUERY_LENGTH) {
      throw eventsError(EventsErrorCode.InvalidQuery, "maximum query length exceeded");
    }
    let parsed: Query;
    try {
      parsed = parseQuery(query);
    } catch (e) {
      throw eventsError(
        EventsErrorCode.InvalidQuery,
        `failed to parse query: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const existing = this.clients.get(clientId);
    if (existing === undefined && this.maxClients > 0 && this.clients.size >= this.maxClients) {
      throw eventsError(
        EventsErrorCode.TooManyClients,
        `max_subscription_clients ${this.maxClients} reached`,
      );
    }
    if (existing !== undefined && this.maxPerClient > 0 && existing.size >= this.maxPerClient) {
      throw eventsError(
        EventsErrorCode.TooManySubscriptions,
        `max_subscriptions_per_client ${this.maxPerClient} reached`,
      );
    }
    const key = formatQuery(parsed);
    if (existing?.has(key)) throw eventsError(EventsErrorCode.AlreadySubscribed, "already subscribed");
    const sub = new Subscription(clientId, query, parsed, Math.max(1, capacity));
    const subs = existing ?? new Map<string, Subscription>();
    subs.set(key, sub);
    this.clients.set(clientId, subs);
    return sub;
  }

  /** Cancel `clientId`'s subscription to `query`; `subscription not found` when there is none. */
  unsubscribe(clientId: string, query: string): void {
    let key: string;
    try {
      key = formatQuery(parseQuery(query));
    } catch (e) {
      throw eventsError(
        EventsErrorCode.InvalidQuery,
        `failed to parse query: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const subs = this.clients.get(clientId);
    const sub = subs?.get(key);
    if (subs === undefined || sub === undefined) {
      throw eventsError(EventsErrorCode.SubscriptionNotFound, "subscription not found");
    }
    subs.delete(key);
    if (subs.size === 0) this.clients.delete(clientId);
    sub.cancel(ERR_UNSUBSCRIBED);
  }

  /** Cancel every subscription of `clientId`; `subscription not found` when it has none. */
  unsubscribeAll(clientId: string): void {
    const subs = this.clients.get(clientId);
    if (subs === undefined) throw eventsError(EventsErrorCode.SubscriptionNotFound, "subscription not found");
    this.clients.delete(clientId);
    for (const sub of subs.values()) sub.cancel(ERR_UNSUBSCRIBED);
  }

  /** Drop a cancelled subscription from the tables (the consumer calls this after seeing `canceled`). */
  remove(sub: Subscription): void {
    const subs = this.clients.get(sub.clientId);
    if (subs === undefined) return;
    for (const [key, s] of subs) {
      if (s === sub) subs.delete(key);
    }
    if (subs.size === 0) this.clients.delete(sub.clientId);
  }

  /** Cancel everything and refuse new subscriptions. */
  stop(): void {
    this.stopped = true;
    for (const subs of this.clients.values()) {
      for (const sub of subs.values()) sub.cancel(ERR_STOPPED);
    }
    this.clients.clear();
  }

  /**
   * Publish one message with `events` (the ABCI events its tags come from) and extra reserved
   * tags. Never throws; does no work when nobody is subscribed.
   */
  publish(data: EventData, events: readonly AbciEvent[], extra: readonly [string, string][] = []): void {
    this.published++;
    if (this.clients.size === 0) return;
    const tags = buildTags(data.type, events, extra);
    const msg: BusMessage = { data, tags };
    const overflowed: Subscription[] = [];
    for (const subs of this.clients.values()) {
      for (const sub of subs.values()) {
        let matches = false;
        try {
          matches = matchQuery(sub.parsed, tags);
        } catch {
          matches = false;
        }
        if (matches && !sub.deliver(msg)) overflowed.push(sub);
      }
    }
    for (const sub of overflowed) this.remove(sub);
  }

  /**
   * Publish everything about a committed block in CometBFT's order: NewBlock, NewBlockHeader,
   * NewBlockEvents, Tx per tx, ValidatorSetUpdates (when there are updates). Never throws.
   */
  publishBlock(c: CommittedBlock): void {
    if (this.clients.size === 0) {
      this.published += 3 + c.block.data.txs.length + (c.results.validatorUpdates.length > 0 ? 1 : 0);
      return;
    }
    const height = c.block.header.height;
    const heightTag: [string, string][] = [["block.height", String(height)]];
    const finalizeEvents = c.results.events;
    this.publish(
      { type: "NewBlock", block: c.block, blockId: c.blockId, results: c.results },
      finalizeEvents,
      heightTag,
    );
    this.publish({ type: "NewBlockHeader", header: c.block.header }, [], heightTag);
    this.publish(
      { type: "NewBlockEvents", height, events: finalizeEvents, numTxs: c.block.data.txs.length },
      finalizeEvents,
      heightTag,
    );
    c.block.data.txs.forEach((tx, index) => {
      const result = c.results.txResults[index];
      if (result === undefined) return;
      this.publish({ type: "Tx", height, index, tx, result }, result.events, [
        ["tx.hash", toHexUpper(txHash(tx))],
        ["tx.height", String(height)],
      ]);
    });
    if (c.results.validatorUpdates.length > 0) {
      this.publish({ type: "ValidatorSetUpdates", validatorUpdates: c.results.validatorUpdates }, []);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * The composite tags of a message (CometBFT `PublishWithEvents`): `tm.event` = kind, the extra
 * reserved tags, then `type.key` → values of every event attribute (empty types/keys skipped).
 */
export function buildTags(
  type: EventType,
  events: readonly AbciEvent[],
  extra: readonly [string, string][] = [],
): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const list = tags.get(k);
    if (list === undefined) tags.set(k, [v]);
    else list.push(v);
  };
  add("tm.event", type);
  for (const [k, v] of extra) add(k, v);
  for (const e of events) {
    if (e.type === "") continue;
    for (const a of e.attributes) {
      if (a.key === "") continue;
      add(`${e.type}.${a.key}`, a.value);
    }
  }
  return tags;
}
