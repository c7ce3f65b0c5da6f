/**
 * Errors of the attribution engine. The engine is a pure library and imports nothing of the chain, so it
 * carries its own stable codes; the attribution module maps them to its codespace.
 */

/** Stable codes of engine failures. */
export enum EngineErrorCode {
  /** A parameter (min span, max rows, …) is not a positive safe integer. */
  InvalidParams = 1,
  /** The rows given to a build are malformed (duplicate row id, id out of range, too many tokens). */
  InvalidRows = 2,
  /** Serialised index bytes are truncated, of an unknown format, or fail their checksum or structure check. */
  CorruptIndex = 3,
  /** Serialised index bytes were built by another tokenizer or format version: rebuild. */
  VersionMismatch = 4,
  /** The search's work passed the caller's `maxWork` bound (the chain maps it to out-of-gas). */
  WorkLimitExceeded = 5,
}

/** An engine failure with a stable code; the message is for people, the code for programs. */
export class EngineError extends Error {
  /** Build an error with `code` and a human-readable message. */
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}
