/**
 * `openledgerd keys add|list|show|delete|export|import`: the CLI wallet's keyring. Keys live under
 * `<home>/keyring-<backend>/` (or `--keyring-dir`); see `src/keyring/keyring.ts` for the format.
 */
import { readFile, writeFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { DEFAULT_PREFIX } from "../../client/client.js";
import { toBech32 } from "../../crypto/address.js";
import { isValidMnemonic, MAX_HD_INDEX } from "../../crypto/hd.js";
import { KeyringCode, keyringError } from "../../keyring/errors.js";
import {
  DEFAULT_KEYRING_BACKEND,
  KEYRING_BACKENDS,
  type KeyInfo,
  Keyring,
  parseKeyringBackend,
} from "../../keyring/keyring.js";
import { keyringPasswordProvider, passwordProvider } from "../../keyring/password.js";
import { confirm, readStdinLine, stdinIsTty } from "../../keyring/prompt.js";
import { toBase64, toHex } from "../../types/bytes.js";
import { emit, expandHome, type GlobalOptions, kvLines, outputSink, runCommand } from "../output.js";

/** Pubkey type URL of secp256k1 account keys. */
export const SECP256K1_PUBKEY_TYPE = "/cosmos.crypto.secp256k1.PubKey";

/** Keyring flags shared by keys and tx commands. */
export interface KeyringFlags {
  keyringBackend?: string;
  keyringDir?: string;
  keyringPasswordFile?: string;
}

/** A key as `keys` commands print it. */
export interface KeyView {
  name: string;
  type: string;
  address: string;
  pubkey: { "@type": string; key: string };
  hd_path?: string;
}

/** Add `--keyring-backend`, `--keyring-dir`, `--keyring-password-file` to a command. */
export function addKeyringOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--keyring-backend <backend>", "keyring backend")
        .choices([...KEYRING_BACKENDS])
        .default(DEFAULT_KEYRING_BACKEND),
    )
    .option("--keyring-dir <dir>", "directory holding keyring-<backend>/ (default: --home)")
    .option(
      "--keyring-password-file <file>",
      "file holding the keyring password (else $OPENLEDGER_KEYRING_PASSWORD, else a prompt)",
    );
}

/** Open the keyring the flags select under the global home. */
export function keyringFromFlags(flags: KeyringFlags, g: GlobalOptions): Keyring {
  return new Keyring({
    dir: flags.keyringDir !== undefined ? expandHome(flags.keyringDir) : g.home,
    backend: parseKeyringBackend(flags.keyringBackend ?? DEFAULT_KEYRING_BACKEND),
    password: keyringPasswordProvider(flags.keyringPasswordFile),
  });
}

/** The printable view of a key, addresses with `prefix`. */
export function keyView(k: KeyInfo, prefix: string = DEFAULT_PREFIX): KeyView {
  return {
    name: k.name,
    type: k.type,
    address: toBech32(prefix, k.address),
    pubkey: { "@type": SECP256K1_PUBKEY_TYPE, key: toBase64(k.publicKey) },
    ...(k.hdPath !== "" ? { hd_path: k.hdPath } : {}),
  };
}

/** Register `keys` and its subcommands on `program`. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command("keys").description("manage the local keyring of account keys");

  addKeyringOptions(
    keys
      .command("add <name>")
      .description("create a key from a new 24-word mnemonic (printed once), or --recover one from stdin")
      .option("--recover", "read a BIP-39 mnemonic from stdin instead of generating one")
      .option("--index <n>", "address index i in m/44'/118'/account'/0/i", "0")
      .option("--account <n>", "hardened account number in the HD path", "0"),
  ).action(
    async (
      name: string,
      opts: KeyringFlags & { recover?: boolean; index: string; account: string },
      cmd: Command,
    ) =>
      runCommand(cmd, async (g) => {
        const kr = keyringFromFlags(opts, g);
        const index = parseIndex(opts.index, "--index");
        const account = parseIndex(opts.account, "--account");
        let mnemonic: string | undefined;
        if (opts.recover) {
          await kr.exists(name); // validates the name before reading secrets
          mnemonic = (await readStdinLine(undefined, "> Enter your bip39 mnemonic\n")).trim();
          if (mnemonic === "") throw keyringError(KeyringCode.InvalidInput, "no mnemonic on stdin");
          if (!isValidMnemonic(mnemonic)) throw keyringError(KeyringCode.InvalidInput, "invalid mnemonic");
        }
        const res = await kr.create(name, { mnemonic, index, account });
        const view = keyView(res.info);
        if (g.output === "json") {
          emit("json", opts.recover ? view : { ...view, mnemonic: res.mnemonic }, () => []);
          return;
        }
        emit("text", view, () => keyLines(view));
        if (!opts.recover) {
          outputSink().stderr(
            "\n**Important** write this mnemonic phrase in a safe place.\n" +
              "It is the only way to recover your account if you ever forget your password.\n\n" +
              `${res.mnemonic}\n`,
          );
        }
      }),
  );

  addKeyringOptions(keys.command("list").description("list all keys")).action(
    async (opts: KeyringFlags, cmd: Command) =>
      runCommand(cmd, async (g) => {
        const list = (await keyringFromFlags(opts, g).list()).map((k) => keyView(k));
        emit(g.output, list, () => (list.length === 0 ? ["No keys."] : list.flatMap((v) => keyLines(v))));
      }),
  );

  addKeyringOptions(
    keys
      .command("show <name_or_address>")
      .description("show a key's address and public key")
      .option("-a, --address", "print the address only")
      .option("-p, --pubkey", "print the public key only")
      .addOption(
        new Option("--bech <kind>", "address kind: acc (account) or val (validator operator)")
          .choices(["acc", "val"])
          .default("acc"),
      ),
  ).action(
    async (
      nameOrAddress: string,
      opts: KeyringFlags & { address?: boolean; pubkey?: boolean; bech: string },
      cmd: Command,
    ) =>
      runCommand(cmd, async (g) => {
        if (opts.address && opts.pubkey) {
          throw keyringError(KeyringCode.InvalidInput, "--address and --pubkey are mutually exclusive");
        }
        const key = await keyringFromFlags(opts, g).find(nameOrAddress);
        const prefix = opts.bech === "val" ? `${DEFAULT_PREFIX}valoper` : DEFAULT_PREFIX;
        const view = keyView(key, prefix);
        if (opts.address) {
          emit(g.output, { address: view.address }, () => [view.address]);
        } else if (opts.pubkey) {
          emit(g.output, view.pubkey, () => [JSON.stringify(view.pubkey)]);
        } else {
          emit(g.output, view, () => keyLines(view));
        }
      }),
  );

  addKeyringOptions(
    keys
      .command("delete <name>")
      .description("delete a key")
      .option("-y, --yes", "do not ask for confirmation"),
  ).action(async (name: string, opts: KeyringFlags & { yes?: boolean }, cmd: Command) =>
    runCommand(cmd, async (g) => {
      const kr = keyringFromFlags(opts, g);
      if (!(await kr.exists(name)))
        throw keyringError(KeyringCode.KeyNotFound, `key ${JSON.stringify(name)} not found`);
      if (!opts.yes) {
        if (!stdinIsTty()) {
          throw keyringError(
            KeyringCode.NotConfirmed,
            "refusing to delete without --yes: stdin is not a terminal",
          );
        }
        if (!(await confirm(`Key reference will be deleted. Continue?`))) {
          throw keyringError(KeyringCode.NotConfirmed, "aborted; key not deleted");
        }
      }
      await kr.delete(name);
      emit(g.output, { deleted: name }, () => [`Key ${name} deleted.`]);
    }),
  );

  addKeyringOptions(
    keys
      .command("export <name>")
      .description("export a private key, armored and encrypted with a passphrase")
      .option("--passphrase-file <file>", "file holding the export passphrase (else a prompt)")
      .option("--unarmored-hex", "print the raw private key as hex (needs --unsafe)")
      .option("--unsafe", "allow --unarmored-hex")
      .option("--out <file>", "write the armor to this file (mode 0600) instead of stdout"),
  ).action(
    async (
      name: string,
      opts: KeyringFlags & {
        passphraseFile?: string;
        unarmoredHex?: boolean;
        unsafe?: boolean;
        out?: string;
      },
      cmd: Command,
    ) =>
      runCommand(cmd, async (g) => {
        const kr = keyringFromFlags(opts, g);
        if (opts.unarmoredHex) {
          if (!opts.unsafe) throw keyringError(KeyringCode.InvalidInput, "--unarmored-hex needs --unsafe");
          const key = await kr.unlock(name);
          const hex = toHex(key.privateKey);
          key.privateKey.fill(0);
          emit(g.output, { name, private_key: hex }, () => [hex]);
          return;
        }
        await kr.get(name);
        const exportPass = passwordProvider({
          file: opts.passphraseFile,
          label: "passphrase to encrypt the exported key",
        });
        const key = await kr.unlock(name);
        key.privateKey.fill(0);
        const pass = await exportPass({ isNew: true, purpose: "export" });
        const armor = await kr.exportArmor(name, pass);
        if (opts.out !== undefined) {
          await writeFile(expandHome(opts.out), armor, { mode: 0o600, flag: "wx" }).catch((e: Error) => {
            throw keyringError(KeyringCode.Io, `cannot write ${opts.out}: ${e.message}`);
          });
          emit(g.output, { name, file: expandHome(opts.out) }, () => [`Exported ${name} to ${opts.out}`]);
        } else {
          emit(g.output, { name, armor }, () => [armor.trimEnd()]);
        }
      }),
  );

  addKeyringOptions(
    keys
      .command("import <name> <keyfile>")
      .description("import an armored private key exported by `keys export`")
      .option(
        "--passphrase-file <file>",
        "file holding the passphrase the key was exported with (else a prompt)",
      ),
  ).action(
    async (name: string, keyfile: string, opts: KeyringFlags & { passphraseFile?: string }, cmd: Command) =>
      runCommand(cmd, async (g) => {
        const kr = keyringFromFlags(opts, g);
        if (await kr.exists(name))
          throw keyringError(KeyringCode.KeyExists, `key ${JSON.stringify(name)} already exists`);
        let armor: string;
        try {
          armor = await readFile(expandHome(keyfile), "utf8");
        } catch (e) {
          throw keyringError(KeyringCode.Io, `cannot read ${keyfile}: ${(e as Error).message}`);
        }
        const pass = await passwordProvider({
          file: opts.passphraseFile,
          label: "passphrase of the exported key",
        })({
          isNew: false,
          purpose: "import",
        });
        const info = await kr.importArmor(name, armor, pass);
        const view = keyView(info);
        emit(g.output, view, () => keyLines(view));
      }),
  );
}

function keyLines(v: KeyView): string[] {
  return [
    `- name: ${v.name}`,
    ...kvLines(
      [
        ["type", v.type],
        ["address", v.address],
        ["pubkey", JSON.stringify(v.pubkey)],
        ["hd_path", v.hd_path],
      ],
      "  ",
    ),
  ];
}

function parseIndex(s: string, flag: string): number {
  if (!/^[0-9]{1,10}$/.test(s) || Number(s) > MAX_HD_INDEX) {
    throw keyringError(KeyringCode.InvalidInput, `${flag} must be an integer in 0..${MAX_HD_INDEX}`);
  }
  return Number(s);
}
