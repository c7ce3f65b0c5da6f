/**
 * Coded errors: every failure a client or peer can cause carries a stable codespace and code, as in
 * the Cosmos SDK (`sdk` codespace codes match `types/errors` of SDK 0.50), so clients can branch on them.
 */

/** The Cosmos SDK root codespace and its codes that this node returns. */
export const SDK = "sdk";

/** SDK 0.50 root error codes (`cosmos-sdk/types/errors/errors.go`). */
export enum SdkCode {
  TxDecode = 2,
  InvalidSequence = 3,
  Unauthorized = 4,
  InsufficientFunds = 5,
  UnknownRequest = 6,
  InvalidAddress = 7,
  InvalidPubKey = 8,
  UnknownAddress = 9,
  InvalidCoins = 10,
  OutOfGas = 11,
  MemoTooLarge = 12,
  InsufficientFee = 13,
  TooManySignatures = 14,
  NoSignatures = 15,
  JSONMarshal = 16,
  JSONUnmarshal = 17,
  InvalidRequest = 18,
  TxInMempoolCache = 19,
  MempoolIsFull = 20,
  TxTooLarge = 21,
  KeyNotFound = 22,
  WrongPassword = 23,
  InvalidSigner = 24,
  InvalidGasAdjustment = 25,
  InvalidHeight = 26,
  InvalidVersion = 27,
  InvalidChainID = 28,
  InvalidType = 29,
  TxTimeoutHeight = 30,
  UnknownExtensionOptions = 31,
  WrongSequence = 32,
  PackAny = 33,
  UnpackAny = 34,
  Logic = 35,
  Conflict = 36,
  NotSupported = 37,
  NotFound = 38,
  IO = 39,
  AppConfig = 40,
  InvalidGasLimit = 41,
  Panic = 111222,
}

/** An error with a stable codespace and code; the message is for people, the code for programs. */
export class CodedError extends Error {
  /** Build an error in `codespace` with `code` and a human-readable message. */
  constructor(
    readonly codespace: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "CodedError";
  }

  /** Wrap this error's message with context, keeping codespace and code (like SDK `errors.Wrap`). */
  wrap(context: string): CodedError {
    return new CodedError(this.codespace, this.code, `${context}: ${this.message}`);
  }
}

/** An error in the SDK root codespace. */
export function sdkError(code: SdkCode, message: string): CodedError {
  return new CodedError(SDK, code, message);
}

/** Turn anything thrown into a CodedError; unknown errors become `sdk` code 1 (internal). */
export function toCodedError(e: unknown): CodedError {
  if (e instanceof CodedError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new CodedError(SDK, 1, message);
}
