/**
 * Errors of the REST gateway in grpc-gateway's shape: `{"code": <gRPC code>, "message": "...",
 * "details": []}` with the HTTP status grpc-gateway derives from the gRPC code, and the mapping of the
 * app's ABCI query errors (codespace + code, SDK `rpc error: code = X desc = …` logs) to gRPC codes.
 */
import { SDK, SdkCode } from "../types/errors.js";

/** gRPC status codes. */
export enum GrpcCode {
  OK = 0,
  Canceled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
}

/** HTTP status of each gRPC code (grpc-gateway `runtime.HTTPStatusFromCode`). */
export const HTTP_STATUS: Record<GrpcCode, number> = {
  [GrpcCode.OK]: 200,
  [GrpcCode.Canceled]: 408,
  [GrpcCode.Unknown]: 500,
  [GrpcCode.InvalidArgument]: 400,
  [GrpcCode.DeadlineExceeded]: 504,
  [GrpcCode.NotFound]: 404,
  [GrpcCode.AlreadyExists]: 409,
  [GrpcCode.PermissionDenied]: 403,
  [GrpcCode.ResourceExhausted]: 429,
  [GrpcCode.FailedPrecondition]: 400,
  [GrpcCode.Aborted]: 409,
  [GrpcCode.OutOfRange]: 400,
  [GrpcCode.Unimplemented]: 501,
  [GrpcCode.Internal]: 500,
  [GrpcCode.Unavailable]: 503,
  [GrpcCode.DataLoss]: 500,
  [GrpcCode.Unauthenticated]: 401,
};

/** An error the gateway answers with: a gRPC code, a message, and the HTTP status it implies. */
export class RestError extends Error {
  /** Build an error; the HTTP status follows from the gRPC code unless given. */
  constructor(
    readonly grpcCode: GrpcCode,
    message: string,
    readonly httpStatus: number = HTTP_STATUS[grpcCode],
  ) {
    super(message);
    this.name = "RestError";
  }

  /** The JSON body grpc-gateway writes. */
  toJson(): { code: number; message: string; details: never[] } {
    return { code: this.grpcCode, message: this.message, details: [] };
  }
}

/** A 400 InvalidArgument. */
export function invalidArgument(message: string): RestError {
  return new RestError(GrpcCode.InvalidArgument, message);
}

const GRPC_NAMES: Record<string, GrpcCode> = {
  Canceled: GrpcCode.Canceled,
  Unknown: GrpcCode.Unknown,
  InvalidArgument: GrpcCode.InvalidArgument,
  DeadlineExceeded: GrpcCode.DeadlineExceeded,
  NotFound: GrpcCode.NotFound,
  AlreadyExists: GrpcCode.AlreadyExists,
  PermissionDenied: GrpcCode.PermissionDenied,
  ResourceExhausted: GrpcCode.ResourceExhausted,
  FailedPrecondition: GrpcCode.FailedPrecondition,
  Aborted: GrpcCode.Aborted,
  OutOfRange: GrpcCode.OutOfRange,
  Unimplemented: GrpcCode.Unimplemented,
  Internal: GrpcCode.Internal,
  Unavailable: GrpcCode.Unavailable,
  DataLoss: GrpcCode.DataLoss,
  Unauthenticated: GrpcCode.Unauthenticated,
};

/** gRPC code of SDK root-codespace errors (as SDK `errors.GRPCStatus` / the query router map them). */
const SDK_TO_GRPC: Partial<Record<number, GrpcCode>> = {
  [SdkCode.TxDecode]: GrpcCode.InvalidArgument,
  [SdkCode.InvalidSequence]: GrpcCode.InvalidArgument,
  [SdkCode.Unauthorized]: GrpcCode.PermissionDenied,
  [SdkCode.InsufficientFunds]: GrpcCode.InvalidArgument,
  [SdkCode.UnknownRequest]: GrpcCode.Unimplemented,
  [SdkCode.InvalidAddress]: GrpcCode.InvalidArgument,
  [SdkCode.InvalidPubKey]: GrpcCode.InvalidArgument,
  [SdkCode.UnknownAddress]: GrpcCode.NotFound,
  [SdkCode.InvalidCoins]: GrpcCode.InvalidArgument,
  [SdkCode.OutOfGas]: GrpcCode.ResourceExhausted,
  [SdkCode.InsufficientFee]: GrpcCode.InvalidArgument,
  [SdkCode.JSONMarshal]: GrpcCode.Internal,
  [SdkCode.JSONUnmarshal]: GrpcCode.InvalidArgument,
  [SdkCode.InvalidRequest]: GrpcCode.InvalidArgument,
  [SdkCode.TxInMempoolCache]: GrpcCode.AlreadyExists,
  [SdkCode.MempoolIsFull]: GrpcCode.Unavailable,
  [SdkCode.TxTooLarge]: GrpcCode.InvalidArgument,
  [SdkCode.KeyNotFound]: GrpcCode.NotFound,
  [SdkCode.InvalidHeight]: GrpcCode.InvalidArgument,
  [SdkCode.InvalidType]: GrpcCode.InvalidArgument,
  [SdkCode.NotSupported]: GrpcCode.Unimplemented,
  [SdkCode.NotFound]: GrpcCode.NotFound,
  [SdkCode.InvalidGasLimit]: GrpcCode.InvalidArgument,
  [SdkCode.Panic]: GrpcCode.Internal,
};

const RPC_ERROR_RE = /^rpc error: code = (\w+) desc = /;

/**
 * The gRPC code of a failed ABCI query: the code named in an SDK-style `rpc error: code = X desc = …`
 * log wins; otherwise root-codespace codes map as the SDK does; other modules' errors are
 * InvalidArgument (a request the state machine refused), and code 1 (internal) is Internal.
 */
export function grpcCodeOfAbci(codespace: string, code: number, log: string): GrpcCode {
  const m = RPC_ERROR_RE.exec(log);
  const named = m?.[1] !== undefined ? GRPC_NAMES[m[1]] : undefined;
  if (named !== undefined) return named;
  if (codespace === SDK || codespace === "") {
    if (code === 1) return GrpcCode.Internal;
    return SDK_TO_GRPC[code] ?? GrpcCode.Unknown;
  }
  return GrpcCode.InvalidArgument;
}

/** The gateway error of a failed ABCI query (the log, as the gateway relays it, is the message). */
export function restErrorOfAbci(codespace: string, code: number, log: string): RestError {
  return new RestError(
    grpcCodeOfAbci(codespace, code, log),
    log !== "" ? log : `query failed: ${codespace} ${code}`,
  );
}
