/** auth errors: the SDK root codes it returns, with the SDK's messages. */
import { CodedError, SDK, SdkCode } from "../../types/errors.js";

/** Missing account, as `Query/Account` reports it (clients map this to null). */
export function accountNotFound(address: string): CodedError {
  return new CodedError(
    SDK,
    SdkCode.KeyNotFound,
    `rpc error: code = NotFound desc = account ${address} not found: key not found`,
  );
}

/** Signer account missing in the ante handler. */
export function unknownAddress(address: string): CodedError {
  return new CodedError(SDK, SdkCode.UnknownAddress, `account ${address} does not exist: unknown address`);
}

/** Malformed stored or genesis account. */
export function invalidAccount(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.InvalidType, `${msg}: invalid type`);
}
