import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, it } from "node:test";
import { KeyringCode } from "../../../src/keyring/errors.js";
import { KEYRING_PASSWORD_ENV, passwordProvider, readPasswordFile } from "../../../src/keyring/password.js";
import { confirm, type PromptIo, promptHidden, readStdinLine } from "../../../src/keyring/prompt.js";
import { CodedError } from "../../../src/types/errors.js";

const dir = mkdtempSync(join(tmpdir(), "ol-pw-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function fakeTty(typed: string, tty = true): PromptIo & { written: () => string } {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => unknown };
  input.isTTY = tty;
  const modes: boolean[] = [];
  input.setRawMode = (m: boolean) => modes.push(m);
  let out = "";
  const output = new PassThrough();
  output.on("data", (d: Buffer) => {
    out += d.toString();
  });
  setImmediate(() => input.write(typed));
  return { input, output, written: () => out };
}

const isCode = (code: KeyringCode) => (e: unknown) => e instanceof CodedError && e.code === code;

describe("password sources", () => {
  it("reads a password file without its trailing newline; empty or missing files are errors", () => {
    const f = join(dir, "pw");
    writeFileSync(f, "s3cret pass\n");
    assert.equal(readPasswordFile(f), "s3cret pass");
    writeFileSync(f, "\n");
    assert.throws(() => readPasswordFile(f), isCode(KeyringCode.InvalidInput));
    assert.throws(() => readPasswordFile(join(dir, "missing")), isCode(KeyringCode.InvalidInput));
  });

  it("prefers the file, then the env var; without a TTY it fails with code 7", async () => {
    const f = join(dir, "pw2");
    writeFileSync(f, "from-file-pw\n");
    const io = fakeTty("", false);
    const env = { [KEYRING_PASSWORD_ENV]: "from-env-pw" };
    assert.equal(
      await passwordProvider({ file: f, envVar: KEYRING_PASSWORD_ENV, env, io })({
        isNew: false,
        purpose: "keyring",
      }),
      "from-file-pw",
    );
    assert.equal(
      await passwordProvider({ envVar: KEYRING_PASSWORD_ENV, env, io })({ isNew: false, purpose: "keyring" }),
      "from-env-pw",
    );
    await assert.rejects(
      passwordProvider({ envVar: KEYRING_PASSWORD_ENV, env: {}, io })({ isNew: false, purpose: "keyring" }),
      isCode(KeyringCode.PasswordRequired),
    );
    await assert.rejects(
      passwordProvider({ envVar: KEYRING_PASSWORD_ENV, env: { [KEYRING_PASSWORD_ENV]: "short" }, io })({
        isNew: true,
        purpose: "keyring",
      }),
      isCode(KeyringCode.InvalidInput),
    );
  });

  it("prompts without echo on a TTY, handles backspace, and confirms new passwords", async () => {
    const io = fakeTty("pass\u007fsword1\r");
    assert.equal(await promptHidden("Password: ", io), "password1");
    assert.ok(!io.written().includes("sword1"));
    const twice = fakeTty("password1\rpassword1\r");
    assert.equal(
      await passwordProvider({ io: twice, env: {} })({ isNew: true, purpose: "keyring" }),
      "password1",
    );
    const differ = fakeTty("password1\rpassword2\r");
    await assert.rejects(
      passwordProvider({ io: differ, env: {} })({ isNew: true, purpose: "keyring" }),
      isCode(KeyringCode.InvalidInput),
    );
    await assert.rejects(promptHidden("P: ", fakeTty("\u0003")), isCode(KeyringCode.NotConfirmed));
  });

  it("confirm accepts y/yes only; readStdinLine takes the first non-empty piped line", async () => {
    assert.equal(await confirm("ok?", fakeTty("y\n")), true);
    assert.equal(await confirm("ok?", fakeTty("YES\n")), true);
    assert.equal(await confirm("ok?", fakeTty("n\n")), false);
    assert.equal(await confirm("ok?", fakeTty("\n")), false);
    const piped = fakeTty("\n  word word\nsecond\n", false);
    setImmediate(() => (piped.input as PassThrough).end());
    assert.equal(await readStdinLine(piped), "  word word");
  });
});
