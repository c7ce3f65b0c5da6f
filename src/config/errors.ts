/** Config and genesis file errors: codespace `config`. */
import { CodedError } from "../types/errors.js";

/** Codespace of configuration errors. */
export const CONFIG_CODESPACE = "config";

/** Config error codes. */
export enum ConfigCode {
  /** A file could not be read. */
  Unreadable = 1,
  /** A file is not valid TOML / JSON. */
  Syntax = 2,
  /** A field has the wrong type or an invalid value. */
  InvalidField = 3,
  /** The genesis document is invalid. */
  InvalidGenesis = 4,
  /** The home folder is missing or not initialised. */
  NotInitialised = 5,
  /** The home folder is already initialised. */
  AlreadyInitialised = 6,
}

/** A configuration error with a stable code. */
export function configError(code: ConfigCode, message: string): CodedError {
  return new CodedError(CONFIG_CODESPACE, code, message);
}
