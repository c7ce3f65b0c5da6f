import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Command } from "commander";
import { registerKeysCommands } from "../../../src/cli/commands/keys.js";
import { registerQueryCommands } from "../../../src/cli/commands/query.js";
import { registerStatusCommand } from "../../../src/cli/commands/status.js";
import { registerTxCommands } from "../../../src/cli/commands/tx.js";
import { setOutputSink } from "../../../src/cli/output.js";
import { deriveAccount } from "../../../src/crypto/hd.js";
import { CHAIN_ID, FakeNode } from "./fakeNode.js";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const dev0 = deriveAccount(DEV_MNEMONIC, 0);
const dev1 = deriveAccount(DEV_MNEMONIC, 1);
const root = mkdtempSync(join(tmpdir(), "ol-cli-"));

function program(): Command {
  const p = new Command("openledgerd");
  p.option("--home <dir>", "node home").option("--output <format>", "json or text", "text");
  p.exitOverride();
  registerKeysCommands(p);
  registerTxCommands(p);
  registerQueryCommands(p);
  registerStatusCommand(p);
  return p;
}

interface Run {
  stdout: string;
  stderr: string;
  failed: boolean;
}

/** Run the CLI in-process, capturing stdout/stderr and the exit code it sets. */
async function run(...args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const saved = process.exitCode;
  process.exitCode = undefined;
  const previous = setOutputSink({
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  try {
    await program().parseAsync(args, { from: "user" });
  } finally {
    setOutputSink(previous);
  }
  const failed = process.exitCode === 1;
  process.exitCode = saved;
  return { stdout, stderr, failed };
}

function json<T = Record<string, unknown>>(r: Run): T {
  assert.ok(!r.failed, r.stderr);
  return JSON.parse(r.stdout) as T;
}

after(() => rmSync(root, { recursive: true, force: true }));

describe("keys commands", () => {
  const home = join(root, "keys");
  const t = ["--home", home, "--keyring-backend", "test"];

  it("add prints the mnemonic once; list/show print the key", async () => {
    const added = json<{ name: string; address: string; mnemonic: string }>(
      await run("keys", "add", "alice", ...t, "--output", "json"),
    );
    assert.equal(added.name, "alice");
    assert.match(added.address, /^open1/);
    assert.equal(added.mnemonic.split(" ").length, 24);
    assert.equal(deriveAccount(added.mnemonic).address, added.address);
    const list = json<{ name: string; address: string; mnemonic?: string }[]>(
      await run("keys", "list", ...t, "--output", "json"),
    );
    assert.deepEqual(
      list.map((k) => [k.name, k.address, k.mnemonic]),
      [["alice", added.address, undefined]],
    );
    const addr = await run("keys", "show", "alice", "-a", ...t);
    assert.equal(addr.stdout, `${added.address}\n`);
    const val = await run("keys", "show", "alice", "--address", "--bech", "val", ...t);
    assert.match(val.stdout, /^openvaloper1/);
    const pk = json<{ "@type": string; key: string }>(
      await run("keys", "show", added.address, "--pubkey", ...t, "--output", "json"),
    );
    assert.equal(pk["@type"], "/cosmos.crypto.secp256k1.PubKey");
    const text = await run("keys", "show", "alice", ...t);
    assert.match(text.stdout, /- name: alice\n {2}type: local\n {2}address: open1/);
  });

  it("user errors print a coded message, no stack trace, and fail the command", async () => {
    const dup = await run("keys", "add", "alice", ...t);
    assert.ok(dup.failed);
    assert.match(dup.stderr, /^Error: key "alice" already exists \[keyring 3\]\n$/);
    const missing = await run("keys", "show", "nobody", ...t, "--output", "json");
    assert.ok(missing.failed);
    assert.deepEqual(JSON.parse(missing.stderr), {
      error: { codespace: "keyring", code: 4, message: 'key "nobody" not found' },
    });
    const badName = await run("keys", "add", "../x", ...t);
    assert.ok(badName.failed);
    assert.match(badName.stderr, /\[keyring 2\]/);
    assert.ok(!badName.stderr.includes("    at "));
  });

  it("delete needs --yes when stdin is not a terminal", async () => {
    const refused = await run("keys", "delete", "alice", ...t);
    assert.ok(refused.failed);
    assert.match(refused.stderr, /--yes/);
    assert.ok(!(await run("keys", "show", "alice", ...t)).failed);
    const deleted = await run("keys", "delete", "alice", "--yes", ...t);
    assert.ok(!deleted.failed, deleted.stderr);
    assert.ok((await run("keys", "show", "alice", ...t)).failed);
  });

  it("export and import through files with the file backend", async () => {
    const fhome = join(root, "file");
    const pw = join(root, "pw");
    const pass = join(root, "pass");
    writeFileSync(pw, "keyring password\n");
    writeFileSync(pass, "export passphrase\n");
    const f = ["--home", fhome, "--keyring-password-file", pw];
    const mn = join(root, "mn");
    writeFileSync(mn, DEV_MNEMONIC);
    // Recover needs stdin: drive it in a child process.
    const driver = `
      import { Command } from "commander";
      import { registerKeysCommands } from ${JSON.stringify(join(process.cwd(), "src/cli/commands/keys.ts"))};
      const p = new Command("openledgerd").option("--home <dir>").option("--output <f>", "", "text");
      registerKeysCommands(p);
      await p.parseAsync(process.argv.slice(1), { from: "user" });
    `;
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        driver,
        "keys",
        "add",
        "dev",
        "--recover",
        ...f,
        "--output",
        "json",
      ],
      { input: `${DEV_MNEMONIC}\n`, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.equal(JSON.parse(child.stdout).address, dev0.address);
    assert.equal(statSync(join(fhome, "keyring-file", "dev.json")).mode & 0o777, 0o600);
    assert.equal(statSync(join(fhome, "keyring-file")).mode & 0o777, 0o700);

    const out = join(root, "dev.armor");
    const exp = await run("keys", "export", "dev", ...f, "--passphrase-file", pass, "--out", out);
    assert.ok(!exp.failed, exp.stderr);
    assert.match(readFileSync(out, "utf8"), /^-----BEGIN OPENLEDGER PRIVATE KEY-----/);
    assert.equal(statSync(out).mode & 0o777, 0o600);

    const badPw = join(root, "badpw");
    writeFileSync(badPw, "wrong password");
    const wrong = await run(
      "keys",
      "export",
      "dev",
      "--home",
      fhome,
      "--keyring-password-file",
      badPw,
      "--passphrase-file",
      pass,
    );
    assert.ok(wrong.failed);
    assert.match(wrong.stderr, /wrong password.*\[keyring 5\]/);

    const imported = json<{ address: string; type: string }>(
      await run(
        "keys",
        "import",
        "copy",
        out,
        "--home",
        join(root, "other"),
        "--keyring-backend",
        "test",
        "--passphrase-file",
        pass,
        "--output",
        "json",
      ),
    );
    assert.deepEqual([imported.address, imported.type], [dev0.address, "imported"]);
    const hex = await run(
      "keys",
      "export",
      "copy",
      "--home",
      join(root, "other"),
      "--keyring-backend",
      "test",
      "--unarmored-hex",
      "--unsafe",
    );
    assert.equal(hex.stdout.trim(), Buffer.from(dev0.privateKey).toString("hex"));
  });
});

describe("tx, query and status commands", () => {
  const node = new FakeNode();
  const home = join(root, "tx");
  let url = "";
  let t: string[] = [];

  before(async () => {
    node.fund(dev0.address, 10n ** 20n);
    url = await node.start();
    t = ["--home", home, "--keyring-backend", "test", "--node", url];
    const { Keyring } = await import("../../../src/keyring/keyring.js");
    await new Keyring({ dir: home, backend: "test" }).create("dev", { mnemonic: DEV_MNEMONIC });
  });
  after(() => node.stop());

  it("tx bank send --yes with --gas auto prints {txhash, code, raw_log}; queries find it", async () => {
    const sent = json<{ txhash: string; code: number; raw_log: string }>(
      await run(
        "tx",
        "bank",
        "send",
        "dev",
        dev1.address,
        "0.25OPEN",
        "--yes",
        "--gas",
        "auto",
        "--gas-prices",
        "0.5aopen",
        ...t,
        "--output",
        "json",
        "--chain-id",
        CHAIN_ID,
      ),
    );
    assert.equal(sent.code, 0);
    assert.equal(sent.raw_log, "");
    const tx = json<{ txhash: string; code: number; height: string }>(
      await run("query", "tx", sent.txhash, "--node", url, "--output", "json"),
    );
    assert.equal(tx.txhash, sent.txhash);
    const bal = json<{ balances: { amount: string }[] }>(
      await run("query", "bank", "balances", dev1.address, "--node", url, "--output", "json"),
    );
    assert.deepEqual(bal.balances, [{ denom: "aopen", amount: "250000000000000000" }]);
    const text = await run("query", "bank", "balances", dev1.address, "--node", url);
    assert.match(text.stdout, /0\.25 OPEN \(250000000000000000aopen\)/);
    const acct = json<{ sequence: string; pub_key: { key: string } }>(
      await run("query", "auth", "account", dev0.address, "--node", url, "--output", "json"),
    );
    assert.equal(acct.sequence, "1");
    assert.equal(acct.pub_key.key, Buffer.from(dev0.publicKey).toString("base64"));
    const block = json<{ txs: string[] }>(
      await run("query", "block", tx.height, "--node", url, "--output", "json"),
    );
    assert.deepEqual(block.txs, [sent.txhash]);
    const status = json<{ node_info: { network: string } }>(
      await run("status", "--node", url, "--output", "json"),
    );
    assert.equal(status.node_info.network, CHAIN_ID);
    assert.match((await run("status", "--node", url)).stdout, /chain_id: openledger-dev/);
  });

  it("refuses to sign without --yes on a non-terminal, before any network call", async () => {
    const before = node.calls.length;
    const r = await run("tx", "bank", "send", "dev", dev1.address, "1aopen", ...t);
    assert.ok(r.failed);
    assert.match(r.stderr, /refusing to sign without --yes/);
    assert.equal(node.calls.length, before);
  });

  it("reports the chain's code and log for a failed tx and exits nonzero", async () => {
    const r = await run(
      "tx",
      "bank",
      "send",
      "dev",
      dev1.address,
      "1000OPEN",
      "--yes",
      "--gas",
      "100000",
      "--broadcast-mode",
      "block",
      ...t,
      "--output",
      "json",
    );
    assert.ok(r.failed);
    assert.equal(JSON.parse(r.stdout).code, 5);
    assert.match(JSON.parse(r.stderr).error.message, /insufficient funds/);
    const sim = await run(
      "tx",
      "bank",
      "send",
      "dev",
      dev1.address,
      "1000OPEN",
      "--yes",
      "--gas",
      "auto",
      ...t,
    );
    assert.ok(sim.failed);
    assert.match(sim.stderr, /insufficient funds \[sdk 5\]/);
  });

  it("rejects bad amounts, addresses, keys and flags with clear messages", async () => {
    const cases: [string[], RegExp][] = [
      [["tx", "bank", "send", "dev", dev1.address, "1.5aopen", "--yes", ...t], /\[sdk 10\]/],
      [["tx", "bank", "send", "dev", "cosmos1xyz", "1aopen", "--yes", ...t], /\[sdk 7\]/],
      [["tx", "bank", "send", "nobody", dev1.address, "1aopen", "--yes", ...t], /\[keyring 4\]/],
      [["tx", "bank", "send", "dev", dev1.address, "1aopen", "--yes", "--gas", "-5", ...t], /\[sdk 41\]/],
      [
        [
          "tx",
          "bank",
          "send",
          "dev",
          dev1.address,
          "1aopen",
          "--yes",
          "--fees",
          "1aopen",
          "--gas-prices",
          "1aopen",
          ...t,
        ],
        /\[sdk 18\]/,
      ],
      [["query", "block", "abc", "--node", url], /\[client 6\]/],
      [["query", "tx", "00", "--node", url], /\[client 6\]/],
      [["status", "--node", "http://127.0.0.1:1"], /cannot reach node.*\[client 2\]/],
    ];
    for (const [args, re] of cases) {
      const r = await run(...args);
      assert.ok(r.failed, args.join(" "));
      assert.match(r.stderr, re, args.join(" "));
      assert.ok(!r.stderr.includes("    at "), r.stderr);
    }
  });
});
