/**
 * e2e: governance with the CLI against a 4-validator testnet. `testnet init-files --validators 4`
 * (dev genesis: deposit 10 OPEN, voting 10 s, timelock 5 s), four `openledgerd start` processes; the
 * CLI drafts an attribution-shares proposal (`tx gov draft-proposal`), submits it with half the
 * deposit, tops it up (`tx gov deposit`), the four validator operators (dev accounts 0..3) vote yes;
 * `query gov proposal` reaches PASSED, and the new shares are in state only from the first block at
 * or after the timelock's execution time (checked with historical `abci_query`s).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readNodeConfig, writeNodeConfig } from "../../src/config/config.js";
import { QueryParamsRequest, QueryParamsResponse } from "../../src/modules/attribution/proto.js";
import { decodeProposalExecution, encodeProposalExecutionRequest } from "../../src/modules/gov/timelock.js";
import { fromBase64, toHex } from "../../src/types/bytes.js";
import { CLI, DEV_MNEMONIC, runCli, tempHome } from "./harness.js";
import {
  height,
  initTestnetFiles,
  launch,
  pickBasePort,
  rpc,
  type TestnetProc,
  waitFor,
} from "./testnetHarness.js";

const N = 4;
const OPEN = 10n ** 18n;
const NEW = {
  owner_share: (OPEN / 4n).toString(),
  operator_share: (OPEN / 4n).toString(),
  stakers_share: (OPEN / 10n).toString(),
  contributors_share: ((OPEN * 4n) / 10n).toString(),
};

const KR = (home: string) => ["--keyring-backend", "test", "--home", home];

/** Run the CLI without blocking the event loop; exit status and combined output. */
function cliAsync(args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const t = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("close", (status) => {
      clearTimeout(t);
      res({ status, out: `${args.join(" ")}\n${out}` });
    });
  });
}

/** A query at a height through `abci_query`; throws unless code 0. */
async function abciQuery(port: number, path: string, data: Uint8Array, h: number): Promise<Uint8Array> {
  const r = await rpc<{ response: { code: number; value?: string; log: string } }>(port, "abci_query", {
    path: JSON.stringify(path),
    data: `0x${toHex(data)}`,
    height: String(h),
  });
  if (r.response.code !== 0) throw new Error(`${path}@${h}: ${r.response.log}`);
  return fromBase64(r.response.value ?? "");
}

/** Block time of a height, in milliseconds since the epoch. */
async function blockTimeMs(port: number, h: number): Promise<number> {
  const b = await rpc<{ block: { header: { time: string } } }>(port, "block", { height: String(h) });
  return Date.parse(b.block.header.time);
}

describe("gov with the CLI against a 4-validator testnet", { timeout: 120_000 }, () => {
  const root = tempHome("openledger-govnet-");
  const keys = tempHome("openledger-govnet-keys-");
  const nodes: TestnetProc[] = [];

  before(async () => {
    const base = await pickBasePort(N, 20_000, 173);
    initTestnetFiles(root, base);
    for (let i = 0; i < N; i++) {
      const home = join(root, `node${i}`);
      const c = readNodeConfig(home);
      c.consensus.timeoutProposeMs = 1500;
      c.consensus.timeoutProposeDeltaMs = 200;
      writeNodeConfig(home, c);
      nodes.push({ home, rpcPort: base + 10 * i + 1, log: "" });
    }
    for (const n of nodes) launch(n);
    // The operators' keys (dev accounts 0..3), recovered while the network starts.
    for (let i = 0; i < N; i++) {
      const k = runCli(["keys", "add", `v${i}`, "--recover", "--index", `${i}`, ...KR(keys)], {
        input: `${DEV_MNEMONIC}\n`,
      });
      assert.equal(k.status, 0, k.stderr);
    }
  });

  after(() => {
    for (const n of nodes) n.proc?.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
    rmSync(keys, { recursive: true, force: true });
  });

  it("draft, submit, deposit, vote: PASSED, and the shares change only after the timelock", async () => {
    const port = nodes[0]!.rpcPort;
    const node = `http://127.0.0.1:${port}`;
    const kr = KR(keys);
    const ok = (args: string[], input?: string): string => {
      const res = runCli(args, input === undefined ? {} : { input });
      assert.equal(res.status, 0, `${args.join(" ")}\n${res.stdout}\n${res.stderr}`);
      return res.stdout;
    };
    await waitFor(async () => (await height(nodes[0]!)) >= 2, 60_000, "height 2");
    const tx = (from: string) => [
      "--from",
      from,
      "--yes",
      "--gas",
      "400000",
      "--gas-prices",
      "1000000000aopen",
      "--broadcast-mode",
      "block",
      "--node",
      node,
      ...kr,
    ];

    const file = join(keys, "proposal.json");
    ok([
      "tx",
      "gov",
      "draft-proposal",
      "--type",
      "attribution-shares",
      "--deposit",
      "5OPEN",
      "--title",
      "new shares",
      "--out",
      file,
      "--node",
      node,
    ]);
    const doc = JSON.parse(readFileSync(file, "utf8")) as {
      messages: { "@type": string; params: Record<string, unknown> }[];
    };
    assert.equal(doc.messages[0]?.["@type"], "/openledger.attribution.v1.MsgUpdateParams");
    const oldOwner = String(doc.messages[0]!.params["owner_share"]);
    assert.notEqual(oldOwner, NEW.owner_share, "the draft carries the current shares");
    Object.assign(doc.messages[0]!.params, NEW);
    writeFileSync(file, JSON.stringify(doc));

    ok(["tx", "gov", "submit-proposal", file, ...tx("v0")]);
    const status = () => ok(["-o", "json", "query", "gov", "proposal", "1", "--node", node]);
    assert.match(status(), /PROPOSAL_STATUS_DEPOSIT_PERIOD/, "5 of 10 OPEN: still in the deposit period");
    ok(["tx", "gov", "deposit", "1", "5OPEN", ...tx("v1")]);
    assert.match(status(), /PROPOSAL_STATUS_VOTING_PERIOD/);
    // The four operators vote at once (the voting period is 10 s).
    const votes = await Promise.all(
      Array.from({ length: N }, (_, i) => cliAsync(["tx", "gov", "vote", "1", "yes", ...tx(`v${i}`)])),
    );
    for (const v of votes) assert.equal(v.status, 0, v.out);

    let last = "";
    await waitFor(
      async () => {
        last = status();
        return !/PROPOSAL_STATUS_VOTING_PERIOD/.test(last);
      },
      30_000,
      "the end of the voting period",
    );
    assert.match(last, /PROPOSAL_STATUS_PASSED/, last);

    const shares = () => ok(["-o", "json", "query", "attribution", "params", "--node", node]);
    await waitFor(async () => shares().includes(NEW.owner_share), 30_000, "the new shares");
    const out = JSON.parse(shares()) as Record<string, unknown>;
    const flat = JSON.stringify(out);
    for (const v of Object.values(NEW)) assert.ok(flat.includes(v), flat);

    // The first height with the new shares is the first block at or after the execution time.
    const hNow = await height(nodes[0]!);
    const ex = decodeProposalExecution(
      await abciQuery(
        port,
        "/openledger.gov.v1.Query/ProposalExecution",
        encodeProposalExecutionRequest(1n),
        hNow,
      ),
    );
    assert.equal(ex.executed, true);
    assert.equal(ex.executionDelaySeconds, 5n);
    const at = Number(ex.executesAt!.seconds) * 1000 + Math.floor(ex.executesAt!.nanos / 1e6);
    const ownerAt = async (h: number) =>
      QueryParamsResponse.decode(
        await abciQuery(
          port,
          "/openledger.attribution.v1.Query/Params",
          QueryParamsRequest.encode({}).finish(),
          h,
        ),
      ).params!.ownerShare;
    let h = hNow;
    while (h > 2 && (await ownerAt(h - 1)) === NEW.owner_share) h--;
    assert.equal(await ownerAt(h), NEW.owner_share);
    assert.equal(await ownerAt(h - 1), oldOwner, "old shares in the block before execution");
    assert.ok((await blockTimeMs(port, h)) >= at, "executed at or after the timelock");
    assert.ok((await blockTimeMs(port, h - 1)) < at, "not executed before the timelock");
    // the proposal passed at least the 5 s timelock before that block
    const passed = JSON.parse(status()) as { proposal?: { voting_end_time?: string } };
    const end = passed.proposal?.voting_end_time;
    if (end) assert.ok(at - Date.parse(end) >= 5000, `${end} → ${at}`);
  });
});
