/** ABCI events as the SDK emits them: string attributes, all indexed. */
import type { AbciEvent } from "../abci/types.js";

/** Build an event of `type` from key/value pairs (all attributes indexed). */
export function makeEvent(type: string, attrs: readonly (readonly [string, string])[]): AbciEvent {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value, index: true })) };
}

/** Collects events during a tx or block; a failed tx drops its message events with its state branch. */
export class EventManager {
  /** Events in emission order. */
  readonly events: AbciEvent[] = [];

  /** Append one event. */
  emit(event: AbciEvent): void {
    this.events.push(event);
  }

  /** Append an event built from key/value pairs. */
  emitKv(type: string, attrs: readonly (readonly [string, string])[]): void {
    this.events.push(makeEvent(type, attrs));
  }

  /** Append several events. */
  emitAll(events: readonly AbciEvent[]): void {
    for (const e of events) this.events.push(e);
  }
}
