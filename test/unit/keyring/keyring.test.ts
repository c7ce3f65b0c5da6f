import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { deriveAccount } from "../../../src/crypto/hd.js";
import { ARMOR_BEGIN, ARMOR_END, armorPrivateKey, unarmorPrivateKey } from "../../../src/keyring/armor.js";
import { KEYRING_CODESPACE, KeyringCode } from "../../../src/keyring/errors.js";
import { Keyring, parseKeyringBackend } from "../../../src/keyring/keyring.js";
import type { PasswordProvider } from "../../../src/keyring/password.js";
import { toBase64, toHex } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const PASSWORD = "correct horse battery";
const roots: string[] = [];
/** The cheapest scrypt cost the keyring accepts, to keep tests fast (defaults are tested separately). */
const FAST = { n: 1 << 14, r: 8, p: 1 };

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ol-keyring-"));
  roots.push(d);
  return d;
}

after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function fixed(pw: string): PasswordProvider {
  return async () => pw;
}

async function rejectsCode(p: Promise<unknown>, code: KeyringCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CodedError, `expected CodedError, got ${String(e)}`);
    assert.equal(e.codespace, KEYRING_CODESPACE);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names.sort()) out[n] = readFileSync(join(dir, n), "utf8");
  return out;
}

const mode = (p: string) => statSync(p).mode & 0o777;

describe("keyring (test backend)", () => {
  it("adds, lists, shows, recovers and deletes keys with 0700/0600 modes", async () => {
    const kr = new Keyring({ dir: tempDir(), backend: "test" });
    assert.deepEqual(await kr.list(), []);
    const { info, mnemonic } = await kr.create("alice");
    assert.equal(mnemonic.split(" ").length, 24);
    const expected = deriveAccount(mnemonic, 0);
    assert.deepEqual(info.publicKey, expected.publicKey);
    assert.equal(info.type, "local");
    assert.equal(info.hdPath, "m/44'/118'/0'/0/0");
    assert.equal(mode(kr.path), 0o700);
    assert.equal(mode(join(kr.path, "alice.json")), 0o600);
    assert.ok(!readFileSync(join(kr.path, "alice.json"), "utf8").includes(mnemonic.split(" ")[0]! + " "));

    const bob = await kr.create("bob", { mnemonic: DEV_MNEMONIC, index: 1 });
    assert.deepEqual(bob.info.publicKey, deriveAccount(DEV_MNEMONIC, 1).publicKey);
    assert.deepEqual(
      (await kr.list()).map((k) => k.name),
      ["alice", "bob"],
    );
    assert.deepEqual((await kr.get("bob")).address, bob.info.address);
    assert.equal((await kr.find(deriveAccount(DEV_MNEMONIC, 1, "cosmos").address)).name, "bob");
    const unlocked = await kr.unlock("bob");
    assert.equal(toHex(unlocked.privateKey), toHex(deriveAccount(DEV_MNEMONIC, 1).privateKey));

    // Same name, or the same key under another name: refused, nothing written.
    const before = snapshot(kr.path);
    await rejectsCode(kr.create("bob", { mnemonic: DEV_MNEMONIC, index: 2 }), KeyringCode.KeyExists);
    await rejectsCode(kr.create("bob2", { mnemonic: DEV_MNEMONIC, index: 1 }), KeyringCode.KeyExists);
    assert.deepEqual(snapshot(kr.path), before);

    await kr.delete("alice");
    assert.deepEqual(
      (await kr.list()).map((k) => k.name),
      ["bob"],
    );
    await rejectsCode(kr.delete("alice"), KeyringCode.KeyNotFound);
    await rejectsCode(kr.get("alice"), KeyringCode.KeyNotFound);
    await rejectsCode(kr.find("open1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a"), KeyringCode.KeyNotFound);
  });

  it("validates names and changes nothing on a bad one", async () => {
    const dir = tempDir();
    const kr = new Keyring({ dir, backend: "test" });
    for (const bad of ["", "../evil", "a b", "a/b", ".hidden", "-x", "x".repeat(65), "é"]) {
      await rejectsCode(kr.create(bad, { mnemonic: DEV_MNEMONIC }), KeyringCode.InvalidName);
      await rejectsCode(kr.get(bad), KeyringCode.InvalidName);
    }
    assert.deepEqual(readdirSync(dir), []);
    await kr.create("ok.name_1-x", { mnemonic: DEV_MNEMONIC });
  });

  it("rejects a bad mnemonic and an unknown backend with coded errors", async () => {
    const dir = tempDir();
    const kr = new Keyring({ dir, backend: "test" });
    await assert.rejects(
      kr.create("x", { mnemonic: "not a mnemonic" }),
      (e: unknown) => e instanceof CodedError && e.codespace === "hd",
    );
    assert.deepEqual(readdirSync(dir), []);
    assert.throws(
      () => parseKeyringBackend("os"),
      (e: unknown) => e instanceof CodedError && e.code === KeyringCode.InvalidBackend,
    );
  });

  it("reports corrupted key files with code 6 and still lets them be deleted", async () => {
    const kr = new Keyring({ dir: tempDir(), backend: "test" });
    await kr.create("k", { mnemonic: DEV_MNEMONIC });
    const path = join(kr.path, "k.json");
    const good = readFileSync(path, "utf8");
    const mutations: ((o: Record<string, unknown>) => unknown)[] = [
      () => "{ not json",
      (o) => ({ ...o, version: 9 }),
      (o) => ({ ...o, name: "other" }),
      (o) => ({ ...o, pubkey: toBase64(new Uint8Array(33).fill(2)) }),
      (o) => ({ ...o, address: "00".repeat(20) }),
      (o) => ({ ...o, private_key: undefined }),
      (o) => ({ ...o, private_key: "zz" }),
      (o) => ({ ...o, private_key: toHex(deriveAccount(DEV_MNEMONIC, 5).privateKey) }),
    ];
    for (const m of mutations) {
      const r = m(JSON.parse(good));
      writeFileSync(path, typeof r === "string" ? r : JSON.stringify(r));
      await rejectsCode(
        (async () => {
          await kr.get("k");
          await kr.unlock("k");
        })(),
        KeyringCode.CorruptKeyFile,
      );
    }
    writeFileSync(path, "");
    await rejectsCode(kr.list(), KeyringCode.CorruptKeyFile);
    await kr.delete("k");
    assert.deepEqual(await kr.list(), []);
  });
});

describe("keyring (file backend)", () => {
  it("encrypts keys at rest and unlocks with the right password only", async () => {
    const dir = tempDir();
    const pw = fixed(PASSWORD);
    const kr = new Keyring({ dir, backend: "file", password: pw });
    const { info } = await kr.create("alice", { mnemonic: DEV_MNEMONIC });
    const path = join(kr.path, "alice.json");
    const text = readFileSync(path, "utf8");
    const priv = toHex(deriveAccount(DEV_MNEMONIC, 0).privateKey);
    assert.ok(!text.includes(priv));
    assert.ok(!text.includes("junk"));
    const file = JSON.parse(text) as { secret: { kdf: string; n: number; cipher: string } };
    assert.equal(file.secret.kdf, "scrypt");
    assert.ok(file.secret.n >= 1 << 15);
    assert.equal(file.secret.cipher, "aes-256-gcm");
    assert.equal(mode(path), 0o600);
    assert.equal(mode(join(kr.path, "keyhash")), 0o600);
    assert.equal(mode(kr.path), 0o700);

    // Listing and showing need no password.
    const reader = new Keyring({ dir, backend: "file", password: fixed("wrong password!") });
    assert.deepEqual((await reader.get("alice")).publicKey, info.publicKey);
    const before = snapshot(kr.path);
    await rejectsCode(reader.unlock("alice"), KeyringCode.WrongPassword);
    // A wrong password cannot add keys to the keyring either.
    await rejectsCode(reader.create("bob", { mnemonic: DEV_MNEMONIC, index: 1 }), KeyringCode.WrongPassword);
    assert.deepEqual(snapshot(kr.path), before);

    const ok = new Keyring({ dir, backend: "file", password: fixed(PASSWORD) });
    assert.equal(toHex((await ok.unlock("alice")).privateKey), priv);
    await ok.create("bob", { mnemonic: DEV_MNEMONIC, index: 1 });
    assert.equal((await ok.list()).length, 2);

    // No password source at all.
    await rejectsCode(new Keyring({ dir, backend: "file" }).unlock("alice"), KeyringCode.PasswordRequired);
  });

  it("detects tampering with the public record or the ciphertext", async () => {
    const kr = new Keyring({ dir: tempDir(), backend: "file", password: fixed(PASSWORD), scrypt: FAST });
    await kr.create("k", { mnemonic: DEV_MNEMONIC });
    const path = join(kr.path, "k.json");
    const good = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown> & {
      secret: Record<string, unknown>;
    };
    // hd_path is bound as associated data: altering it fails the tag.
    writeFileSync(path, JSON.stringify({ ...good, hd_path: "m/44'/118'/0'/0/9" }));
    await rejectsCode(
      new Keyring({ dir: join(kr.path, ".."), backend: "file", password: fixed(PASSWORD) }).unlock("k"),
      KeyringCode.WrongPassword,
    );
    const ct = Buffer.from(good.secret["ciphertext"] as string, "base64");
    ct[0]! ^= 1;
    writeFileSync(
      path,
      JSON.stringify({ ...good, secret: { ...good.secret, ciphertext: ct.toString("base64") } }),
    );
    await rejectsCode(
      new Keyring({ dir: join(kr.path, ".."), backend: "file", password: fixed(PASSWORD) }).unlock("k"),
      KeyringCode.WrongPassword,
    );
    writeFileSync(path, JSON.stringify({ ...good, secret: { ...good.secret, n: 3 } }));
    await rejectsCode(
      new Keyring({ dir: join(kr.path, ".."), backend: "file", password: fixed(PASSWORD) }).unlock("k"),
      KeyringCode.CorruptKeyFile,
    );
    writeFileSync(path, JSON.stringify({ ...good, secret: { ...good.secret, salt: "!!" } }));
    await rejectsCode(
      new Keyring({ dir: join(kr.path, ".."), backend: "file", password: fixed(PASSWORD) }).unlock("k"),
      KeyringCode.CorruptKeyFile,
    );
  });

  it("exports armored keys and imports them elsewhere; wrong passphrase or bad armor change nothing", async () => {
    const src = new Keyring({ dir: tempDir(), backend: "file", password: fixed(PASSWORD), scrypt: FAST });
    const { info } = await src.create("alice", { mnemonic: DEV_MNEMONIC, index: 4 });
    const armor = await src.exportArmor("alice", "export pass 123");
    assert.ok(armor.startsWith(ARMOR_BEGIN));
    assert.ok(armor.trimEnd().endsWith(ARMOR_END));
    assert.ok(!armor.includes(toHex(deriveAccount(DEV_MNEMONIC, 4).privateKey)));

    const dstDir = tempDir();
    const dst = new Keyring({ dir: dstDir, backend: "test" });
    await rejectsCode(dst.importArmor("copy", armor, "wrong passphrase"), KeyringCode.WrongPassword);
    await rejectsCode(
      dst.importArmor("copy", armor.replace("version: 1", "version: 7"), "export pass 123"),
      KeyringCode.InvalidArmor,
    );
    await rejectsCode(dst.importArmor("copy", "garbage", "export pass 123"), KeyringCode.InvalidArmor);
    await rejectsCode(
      dst.importArmor("copy", armor.replace(/^salt: .*$/m, "salt: AAAA"), "export pass 123"),
      KeyringCode.InvalidArmor,
    );
    assert.deepEqual(readdirSync(dstDir), []);

    const imported = await dst.importArmor("copy", armor, "export pass 123");
    assert.equal(imported.type, "imported");
    assert.equal(imported.hdPath, "");
    assert.deepEqual(imported.address, info.address);
    assert.equal(
      toHex((await dst.unlock("copy")).privateKey),
      toHex(deriveAccount(DEV_MNEMONIC, 4).privateKey),
    );
    await rejectsCode(dst.importArmor("copy", armor, "export pass 123"), KeyringCode.KeyExists);
    await rejectsCode(dst.importPrivateKey("zero", new Uint8Array(32)), KeyringCode.InvalidPrivateKey);
  });
});

describe("armor", () => {
  it("round-trips and wraps the body at 64 columns", async () => {
    const key = deriveAccount(DEV_MNEMONIC, 0).privateKey;
    const armor = await armorPrivateKey(key, "passphrase!", { n: 1 << 14, r: 8, p: 1 });
    for (const line of armor.split("\n")) assert.ok(line.length <= 64 || line.startsWith("-----"));
    assert.deepEqual(await unarmorPrivateKey(armor.replace(/\n/g, "\r\n"), "passphrase!"), key);
    await assert.rejects(
      unarmorPrivateKey(armor, "passphrase?"),
      (e: unknown) => e instanceof CodedError && e.code === KeyringCode.WrongPassword,
    );
  });
});
