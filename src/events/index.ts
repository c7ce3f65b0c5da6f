/** The node's event bus: publishing after each commit, query-filtered bounded subscriptions. */
export * from "./bus.js";
export { EVENTS_CODESPACE, EventsErrorCode, eventsError } from "./errors.js";
