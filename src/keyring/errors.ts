/** Coded errors of the keyring (codespace `keyring`): stable codes scripts can branch on. */
import { CodedError } from "../types/errors.js";

/** The keyring's codespace. */
export const KEYRING_CODESPACE = "keyring";

/** Error codes of the `keyring` codespace. */
export enum KeyringCode {
  /** Key name empty, too long or with characters outside [A-Za-z0-9._-]. */
  InvalidName = 2,
  /** A key with this name (or this address) already exists. */
  KeyExists = 3,
  /** No key with this name or address. */
  KeyNotFound = 4,
  /** The password or passphrase does not decrypt the key (or the data was altered). */
  WrongPassword = 5,
  /** A key file or the password check file cannot be parsed. */
  CorruptKeyFile = 6,
  /** The backend needs a password and none could be obtained (no file, env or TTY). */
  PasswordRequired = 7,
  /** An armored export cannot be parsed. */
  InvalidArmor = 8,
  /** Reading or writing the keyring directory failed. */
  Io = 9,
  /** Unknown backend name. */
  InvalidBackend = 10,
  /** A raw private key is not a valid secp256k1 scalar. */
  InvalidPrivateKey = 11,
  /** The user declined a confirmation, or it could not be asked. */
  NotConfirmed = 12,
  /** Bad input on a prompt or stdin (e.g. empty mnemonic, passwords that differ, too short). */
  InvalidInput = 13,
}

/** Build a `keyring` coded error. */
export function keyringError(code: KeyringCode, message: string): CodedError {
  return new CodedError(KEYRING_CODESPACE, code, message);
}
