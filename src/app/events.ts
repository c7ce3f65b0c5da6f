/** ABCI events as the SDK emits them: string attributes, all indexed. */
import type { AbciEvent } from "../abci/types.js";

/** Build an event of `type` from key/value pairs (all attributes indexed). */
export function makeEvent(type: string, attrs: readonly (readonly [string, string])[]): AbciEvent {
  const attributes: AbciEvent["attributes"] = [];
  for (let i = 0; i < attrs.length; i++) {
    const [key, value] = attrs[i]!;
    attributes.push({ key, value, index: true });
  }
  return { type, attributes };
}

/** An indexed attribute, as `makeEvent` builds them (for events assembled on the hot path). */
export function attr(key: string, value: string): AbciEvent["attributes"][number] {
  return { key, value, index: true };
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
