/**
 * Where the keyring password comes from, in order: `--keyring-password-file`, the environment variable
 * `OPENLEDGER_KEYRING_PASSWORD`, then an interactive prompt without echo when stdin is a terminal.
 * Otherwise `keyring` code 7 (password required).
 */
import { readFileSync } from "node:fs";
import { KeyringCode, keyringError } from "./errors.js";
import { type PromptIo, processIo, promptHidden, stdinIsTty } from "./prompt.js";

/** Environment variable holding the keyring password for scripts. */
export const KEYRING_PASSWORD_ENV = "OPENLEDGER_KEYRING_PASSWORD";
/** Minimum length of a new keyring password or export passphrase (as the SDK). */
export const MIN_PASSWORD_LENGTH = 8;

/** Why a password is asked: to unlock an existing secret, or to set a new one (confirmation, length). */
export interface PasswordRequest {
  /** True when the password is being chosen (prompted twice, minimum length enforced). */
  isNew: boolean;
  /** What the password protects, for the prompt text ("keyring", "export"). */
  purpose: string;
}

/** Produces a password on demand. */
export type PasswordProvider = (request: PasswordRequest) => Promise<string>;

/** Sources a provider consults. */
export interface PasswordSources {
  /** Path of a file whose content (minus one trailing newline) is the password. */
  file?: string;
  /** Environment variable to read (undefined: none). */
  envVar?: string;
  /** The environment (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** Prompt streams (defaults to stdin/stderr). */
  io?: PromptIo;
  /** Text of the prompt, e.g. "Enter keyring passphrase". */
  label?: string;
}

/** Read a password file: its content without one trailing newline; `keyring` code 13 when empty or unreadable. */
export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw keyringError(
      KeyringCode.InvalidInput,
      `cannot read password file ${path}: ${(e as Error).message}`,
    );
  }
  const pw = text.replace(/\r?\n$/, "");
  if (pw.length === 0) throw keyringError(KeyringCode.InvalidInput, `password file ${path} is empty`);
  return pw;
}

/** A provider over file → env → TTY prompt; a new password is checked for length and, on a TTY, confirmed. */
export function passwordProvider(sources: PasswordSources): PasswordProvider {
  return async (request) => {
    const pw = await obtain(sources, request);
    if (request.isNew && pw.length < MIN_PASSWORD_LENGTH) {
      throw keyringError(
        KeyringCode.InvalidInput,
        `${request.purpose} password must be at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    }
    return pw;
  };
}

/** The keyring's provider: `--keyring-password-file`, then `OPENLEDGER_KEYRING_PASSWORD`, then a prompt. */
export function keyringPasswordProvider(passwordFile?: string, io?: PromptIo): PasswordProvider {
  return passwordProvider({
    file: passwordFile,
    envVar: KEYRING_PASSWORD_ENV,
    io,
    label: "keyring passphrase",
  });
}

async function obtain(sources: PasswordSources, request: PasswordRequest): Promise<string> {
  if (sources.file !== undefined) return readPasswordFile(sources.file);
  const env = sources.env ?? process.env;
  if (sources.envVar !== undefined) {
    const v = env[sources.envVar];
    if (v !== undefined && v !== "") return v;
  }
  const io = sources.io ?? processIo();
  const label = sources.label ?? `${request.purpose} passphrase`;
  if (!stdinIsTty(io)) {
    const hint = sources.envVar !== undefined ? ` or set ${sources.envVar}` : "";
    throw keyringError(
      KeyringCode.PasswordRequired,
      `a ${label} is required: stdin is not a terminal; pass a password file${hint}`,
    );
  }
  const first = await promptHidden(`Enter ${label}: `, io);
  if (request.isNew) {
    const second = await promptHidden(`Re-enter ${label}: `, io);
    if (first !== second) throw keyringError(KeyringCode.InvalidInput, "passphrases do not match");
  }
  return first;
}
