import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  defaultAppConfig,
  defaultNodeConfig,
  parseDuration,
  parseLaddr,
  readAppConfig,
  readNodeConfig,
  writeAppConfig,
  writeNodeConfig,
} from "../../../src/config/config.js";
import { CONFIG_CODESPACE, ConfigCode } from "../../../src/config/errors.js";
import { CodedError } from "../../../src/types/errors.js";

const home = mkdtempSync(join(tmpdir(), "ol-config-"));
mkdirSync(join(home, "config"));
after(() => rmSync(home, { recursive: true, force: true }));

function assertCode(f: () => unknown, code: ConfigCode): void {
  assert.throws(
    f,
    (e: unknown) => e instanceof CodedError && e.codespace === CONFIG_CODESPACE && e.code === code,
  );
}

describe("config.toml / app.toml", () => {
  it("round-trips the defaults", () => {
    const c = defaultNodeConfig("m1");
    c.p2p.persistentPeers = ["abc@127.0.0.1:26656", "def@127.0.0.1:26657"];
    c.consensus.timeoutCommitMs = 1500;
    c.p2p.gossipMeshDegree = 6;
    c.consensus.maxBlockTxs = 5000;
    c.mempool.broadcastWaitTxs = 4000;
    writeNodeConfig(home, c);
    assert.deepEqual(readNodeConfig(home), c);
    const a = defaultAppConfig();
    writeAppConfig(home, a);
    assert.deepEqual(readAppConfig(home), a);
  });

  it("binds RPC and REST to loopback by default", () => {
    assert.equal(parseLaddr(defaultNodeConfig("x").rpc.laddr).host, "127.0.0.1");
    assert.equal(parseLaddr(defaultAppConfig().api.address).host, "127.0.0.1");
  });

  it("fills missing fields with defaults", () => {
    writeFileSync(join(home, "config", "config.toml"), 'moniker = "only"\n');
    const c = readNodeConfig(home);
    assert.equal(c.moniker, "only");
    assert.equal(c.p2p.gossipMeshDegree, 0);
    assert.equal(c.consensus.maxBlockTxs, 0);
    assert.equal(c.mempool.broadcastWaitTxs, 0);
    assert.deepEqual(c.rpc, defaultNodeConfig("x").rpc);
  });

  it("rejects broken files with coded errors", () => {
    const cases: [string, ConfigCode][] = [
      ["moniker = ", ConfigCode.Syntax],
      ["[rpc]\nladdr = 5", ConfigCode.InvalidField],
      ['[rpc]\nladdr = "nonsense"', ConfigCode.InvalidField],
      ['[rpc]\nladdr = "tcp://127.0.0.1:99999"', ConfigCode.InvalidField],
      ["[mempool]\nsize = -1", ConfigCode.InvalidField],
      ['[consensus]\ntimeout_commit = "soon"', ConfigCode.InvalidField],
      ['[tx_index]\nindexer = "psql"', ConfigCode.InvalidField],
      ["rpc = 3", ConfigCode.InvalidField],
      ["\u0000\u0001", ConfigCode.Syntax],
    ];
    for (const [text, code] of cases) {
      writeFileSync(join(home, "config", "config.toml"), text);
      assertCode(() => readNodeConfig(home), code);
    }
    rmSync(join(home, "config", "app.toml"));
    assertCode(() => readAppConfig(home), ConfigCode.Unreadable);
  });

  it("parses CometBFT durations", () => {
    assert.equal(parseDuration("1s", "f"), 1000);
    assert.equal(parseDuration("500ms", "f"), 500);
    assert.equal(parseDuration("1m30s", "f"), 90_000);
    for (const bad of ["", "1", "1 s", "s", "-1s", "1d"])
      assertCode(() => parseDuration(bad, "f"), ConfigCode.InvalidField);
  });

  it("writes files a person can read", () => {
    writeNodeConfig(home, defaultNodeConfig("readable"));
    const text = readFileSync(join(home, "config", "config.toml"), "utf8");
    assert.match(text, /timeout_commit = "2s"/);
    assert.match(text, /laddr = "tcp:\/\/127\.0\.0\.1:26657"/);
  });
});
