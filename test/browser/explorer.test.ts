/**
 * Browser e2e of the OpenLedger Explorer: a real `openledgerd dev` node (its REST gateway serves the app
 * at /explorer/), seeded with bank sends, a datanet, a model and a settled inference, driven by headless Debian Chromium.
 * Navigates overview → block → tx → account and datanet → row → contributor → inference, checks that what is shown
 * equals the chain's own query results, searches by tx hash, checks live updates, the error state for an
 * unreachable node and `openledgerd explorer`'s server. Screenshots go to test-artifacts/explorer/.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeCosmoshubPath } from "@cosmjs/amino";
import { toBech32 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import type { Page } from "playwright-core";
import { formatOpen } from "../../explorer/src/format.js";
import { ExplorerServer } from "../../src/explorer/server.js";
import { CLI, DEV_MNEMONIC, freePort, NodeProcess, runCli, tempHome } from "../e2e/harness.js";
import { ARTIFACTS, launch, requirePrerequisites } from "./browser.js";

type J = Record<string, unknown>;

// Alice's row continues the owner's seed vocabulary, so the model's answer to "alpha bravo" quotes it.
const SEED = "a seed row that the datanet owner wrote before publishing";
const ROW_A = "alpha bravo charlie delta echo foxtrot golf hotel";
const PROPOSAL_TITLE = "Explorer test proposal";

function hdPath(i: number) {
  return makeCosmoshubPath(i);
}

/** Run the CLI without blocking the event loop (so independent signers' txs share blocks). */
async function cliAsync(args: string[]): Promise<J> {
  return await new Promise((ok, fail) => {
    const p = spawn(process.execPath, [CLI, ...args, "--output", "json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    p.once("exit", (code) => {
      if (code !== 0) fail(new Error(`${args.slice(0, 3).join(" ")} exited ${code}: ${err}${out}`));
      else ok(JSON.parse(out) as J);
    });
  });
}

describe("explorer in Chromium against a dev node", () => {
  let node: NodeProcess;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let base: string;
  let rest: string;
  let sender: string;
  let gateway: ChildProcess | undefined;
  let modelId = "";
  let answer = "";
  const addr: Record<string, string> = {};
  const hashes: string[] = [];
  let datanetId = "";

  const getRest = async (path: string, query: Record<string, string> = {}): Promise<J> => {
    const r = await fetch(`${rest}${path}?${new URLSearchParams(query)}`);
    assert.equal(r.status, 200, `${path}: HTTP ${r.status}`);
    return (await r.json()) as J;
  };
  const text = async (sel: string) => ((await page.locator(sel).first().textContent()) ?? "").trim();
  const shot = async (name: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };

  before(async () => {
    requirePrerequisites();
    mkdirSync(ARTIFACTS, { recursive: true });
    node = await NodeProcess.start();
    rest = `http://127.0.0.1:${node.apiPort}`;
    base = `${rest}/explorer/`;
    const home = ["--home", node.home, "--keyring-backend", "test"];
    const at = ["--node", node.rpcUrl];
    for (const [name, index] of [
      ["owner", "0"],
      ["alice", "1"],
      ["op", "3"],
      ["user", "4"],
    ] as const) {
      const r = runCli(["keys", "add", name, "--recover", "--index", index, ...home, "--output", "json"], {
        input: `${DEV_MNEMONIC}\n`,
      });
      assert.equal(r.status, 0, r.stderr);
      addr[name] = (JSON.parse(r.stdout) as { address: string }).address;
    }
    const tx = (args: string[]) =>
      cliAsync([
        "tx",
        ...args,
        "--gas",
        "auto",
        "--gas-prices",
        "1000000000aopen",
        "--yes",
        "--broadcast-mode",
        "block",
        ...at,
        ...home,
      ]);
    const dir = tempHome("openledger-explorer-seed-");
    const jsonl = (name: string, ...rows: string[]) => {
      const f = join(dir, name);
      writeFileSync(f, `${rows.map((text) => JSON.stringify({ text })).join("\n")}\n`);
      return f;
    };
    // Seed (signers in parallel where they are independent): two bank sends (CosmJS, key #5), a published
    // datanet with the owner's row and Alice's accepted contribution, a model trained on it, an operator
    // serving it, a requester's credit, and one paid inference settled through the serving gateway.
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
      prefix: "open",
      hdPaths: [hdPath(5)],
    });
    [sender] = (await wallet.getAccounts()).map((x) => x.address) as [string];
    const bob = toBech32("open", new Uint8Array(20).fill(1));
    const proposalFile = join(dir, "proposal.json");
    writeFileSync(
      proposalFile,
      JSON.stringify({
        messages: [],
        deposit: "10OPEN",
        title: PROPOSAL_TITLE,
        summary: "seeded by the test",
      }),
    );
    const sends = (async () => {
      const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
        gasPrice: GasPrice.fromString("1000000000aopen"),
      });
      for (const amount of ["1500000000000000000", "250000000000000000000"]) {
        const res = await client.sendTokens(
          sender,
          bob,
          [{ denom: "aopen", amount }],
          "auto",
          "explorer seed",
        );
        assert.equal(res.code, 0, res.rawLog);
        hashes.push(res.transactionHash);
      }
      client.disconnect();
    })();
    await Promise.all([
      sends,
      tx(["datanets", "create", "--from", "owner", "--name", "phonetic", "--tags", "demo,text"]),
      tx([
        "models",
        "register-operator",
        "--from",
        "op",
        "--endpoint",
        "http://127.0.0.1:1",
        "--bond",
        "100OPEN",
      ]),
      tx(["gov", "submit-proposal", proposalFile, "--from", "alice"]),
    ]);
    // Votes (the owner operates the only validator) and a top-up deposit while the 10 s voting period runs.
    await Promise.all([
      tx(["gov", "vote", "1", "yes", "--from", "owner"]),
      tx(["gov", "vote", "1", "no", "--from", "alice"]),
      tx(["gov", "vote", "1", "abstain", "--from", "user"]),
      tx(["gov", "deposit", "1", "1OPEN", "--from", "op"]),
    ]);
    datanetId = "1";
    await tx(["datanets", "add-rows", datanetId, jsonl("seed.jsonl", SEED), "--from", "owner"]);
    await tx(["datanets", "publish", datanetId, "--from", "owner"]);
    await Promise.all([
      tx(["datanets", "contribute", datanetId, jsonl("a.jsonl", ROW_A), "--from", "alice"]),
      tx(["attribution", "deposit-credit", addr["op"]!, "10OPEN", "--from", "user"]),
    ]);
    const pending = (
      await getRest(`/openledger/datanets/v1/datanets/${datanetId}/rows`, { status: "ROW_STATUS_PENDING" })
    )["rows"] as J[];
    assert.equal(pending.length, 1);
    await tx(["datanets", "review", datanetId, "--accept", String(pending[0]?.["id"]), "--from", "owner"]);
    const trained = await cliAsync([
      "factory",
      "train",
      "--datanet",
      `${datanetId}@2`,
      "--order",
      "3",
      "--out",
      join(dir, "m1"),
      "--register",
      "--from",
      "owner",
      "--input-price",
      "1000",
      "--output-price",
      "100000000000000",
      "--gas",
      "auto",
      "--gas-prices",
      "1000000000aopen",
      "--yes",
      ...at,
      ...home,
    ]);
    modelId = String(trained["model_id"]);
    await tx(["models", "serve-models", "--from", "op", "--serve", modelId]);
    const port = await freePort();
    gateway = spawn(
      process.execPath,
      [CLI, "serve", "--node", node.rpcUrl, "--port", String(port), "--data-dir", join(dir, "gw")].concat([
        "--operator",
        addr["op"]!,
        "--settle-from",
        "op",
        ...home,
      ]),
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    await new Promise<void>((ok, fail) => {
      let out = "";
      gateway?.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("serving on")) ok();
      });
      gateway?.stderr?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      gateway?.once("exit", (code) => fail(new Error(`gateway exited ${code}: ${out}`)));
    });
    const inf = await cliAsync([
      "infer",
      "--model",
      modelId,
      "--prompt",
      "alpha bravo",
      "--gateway",
      `http://127.0.0.1:${port}`,
      "--from",
      "user",
      "--max-tokens",
      "24",
      ...at,
      ...home,
    ]);
    answer = String(inf["answer"]);
    assert.equal((inf["settlement"] as J)["code"], 0, JSON.stringify(inf));
    browser = await launch();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    gateway?.kill("SIGTERM");
    await browser?.close();
    await node?.destroy();
  });

  it("overview shows the chain's height, validators and charts, and updates live", async () => {
    await page.goto(base);
    await page.waitForSelector("[data-testid=height] b");
    await page.waitForSelector(".live.on");
    const shown = Number(await text("[data-testid=height] b"));
    assert.ok(shown >= 1);
    assert.ok(Math.abs(shown - (await node.height())) <= 2, `shown ${shown}`);
    assert.ok((await page.locator("[data-testid=block-list] tbody tr").count()) >= 1);
    assert.equal(await page.locator(".chart svg").count(), 2);
    // Live: the height moves without a reload.
    await page.waitForFunction(
      `Number(document.querySelector("[data-testid=height] b")?.textContent) > ${shown}`,
      undefined,
      { timeout: 10_000 },
    );
    await shot("overview");
  });

  it("overview → block → tx → account shows what the chain answers", async () => {
    const txr = await getRest(`/cosmos/tx/v1beta1/txs/${hashes[0]}`);
    const resp = txr["tx_response"] as J;
    const height = String(resp["height"]);
    // Search by height from the overview.
    await page.goto(base);
    await page.fill("input[name=q]", height);
    await page.press("input[name=q]", "Enter");
    await page.waitForSelector("[data-testid=block-header]");
    assert.equal(await text("[data-testid=block-header] dd[data-field=Height]"), height);
    const block = (await (await fetch(`${node.rpcUrl}/block?height=${height}`)).json()) as {
      result: { block_id: { hash: string } };
    };
    assert.equal(
      await page.locator("[data-testid=block-header] dd[data-field=Hash] .id").getAttribute("title"),
      block.result.block_id.hash,
    );
    await shot("block");
    await page.click(`[data-testid=block-txs] a[href="#/tx/${hashes[0]}"]`);
    await page.waitForSelector("[data-testid=tx-summary]");
    const summary = "[data-testid=tx-summary]";
    assert.equal(await page.locator(`${summary} dd[data-field=Hash] .id`).getAttribute("title"), hashes[0]);
    assert.equal(await text(`${summary} dd[data-field=Height]`), height);
    assert.equal(await text(`${summary} dd[data-field=Status]`), "success");
    assert.equal(
      await text(`${summary} dd[data-field="Gas used / wanted"]`),
      `${String(resp["gas_used"])} / ${String(resp["gas_wanted"])}`,
    );
    const fee = (((txr["tx"] as J)["auth_info"] as J)["fee"] as J)["amount"] as J[];
    assert.equal(
      await text(`${summary} dd[data-field=Fee]`),
      `${formatOpen(BigInt(String(fee[0]?.["amount"])))} OPEN`,
    );
    assert.match(await text("[data-testid=tx-message]"), /MsgSend/);
    assert.match(await text("[data-testid=tx-message]"), /1\.5 OPEN/);
    await shot("tx");
    await page.click(`${summary} dd[data-field=Signer] a`);
    await page.waitForSelector("[data-testid=balances] dd[data-field=Balance] .amount");
    const bal = (await getRest(`/cosmos/bank/v1beta1/balances/${sender}`))["balances"] as J[];
    const aopen = bal.find((c) => c["denom"] === "aopen");
    assert.equal(
      await page.locator("[data-testid=balances] .amount").first().getAttribute("data-amount"),
      String(aopen?.["amount"]),
    );
    assert.equal(
      await text("[data-testid=balances] .amount"),
      `${formatOpen(BigInt(String(aopen?.["amount"])))} OPEN`,
    );
    await page.waitForSelector(`[data-testid=account-txs] a[href="#/tx/${hashes[1]}"]`);
    await shot("account");
  });

  it("search by tx hash lands on the tx; a bad search explains itself", async () => {
    await page.goto(base);
    await page.fill("input[name=q]", (hashes[1] ?? "").toLowerCase());
    await page.press("input[name=q]", "Enter");
    await page.waitForSelector("[data-testid=tx-summary]");
    assert.equal(
      await page.locator("[data-testid=tx-summary] dd[data-field=Hash] .id").getAttribute("title"),
      hashes[1],
    );
    assert.match(await text("[data-testid=tx-message]"), /250 OPEN/);
    await page.fill("input[name=q]", "no such thing");
    await page.press("input[name=q]", "Enter");
    assert.match(await text(".search-msg"), /Try a height/);
    await page.goto(`${base}#/tx/${"AB".repeat(32)}`);
    await page.waitForSelector("[data-testid=empty]");
    assert.match(await text("[data-testid=empty]"), /not found/);
  });

  it("datanet → row → contributor → inference shows the chain's rows, earnings and spans", async () => {
    await page.goto(`${base}#/datanets?tag=demo`);
    await page.waitForSelector("[data-testid=datanets]");
    await page.click(`[data-testid=datanets] a[href="#/datanet/${datanetId}"] >> nth=0`);
    await page.waitForSelector("[data-testid=rows]");
    const rows = (await getRest(`/openledger/datanets/v1/datanets/${datanetId}/rows`))["rows"] as J[];
    assert.equal(rows.length, 2);
    assert.equal(await page.locator("[data-testid=rows] tbody tr").count(), rows.length);
    assert.equal(await text("[data-testid=datanet] h2"), "phonetic");
    await page.waitForSelector("[data-testid=versions] tbody tr");
    await shot("datanet");
    const aliceRow = rows.find((r) => r["contributor"] === addr["alice"]) as J;
    await page.click(`[data-testid=rows] a[href="#/row/${String(aliceRow["id"])}"]`);
    await page.waitForSelector("[data-testid=row]");
    assert.equal(await text("[data-testid=row] pre.content"), String(aliceRow["content"]));
    await shot("row");
    // Contributor: accrued rewards and per-inference earnings equal the chain's.
    await page.click("[data-testid=row] dd[data-field=Contributor] a");
    await page.waitForSelector("[data-testid=earned-inferences]");
    const rewards = (await getRest(`/openledger/attribution/v1/rewards/${addr["alice"]}`))["rewards"] as J;
    assert.ok(BigInt(String(rewards["accrued"])) > 0n);
    assert.equal(
      await page.locator("[data-testid=earnings] dd[data-field=Accrued] .amount").getAttribute("data-amount"),
      String(rewards["accrued"]),
    );
    const infs = (await getRest(`/openledger/attribution/v1/contributors/${addr["alice"]}/inferences`))[
      "inferences"
    ] as J[];
    assert.equal(infs.length, 1);
    const inf = infs[0] as J;
    const mine = ((inf["rows"] as J[]) ?? []).filter((w) => w["contributor"] === addr["alice"]);
    const earned = mine.reduce((acc, w) => acc + BigInt(String(w["amount"])), 0n);
    assert.equal(earned, BigInt(String(rewards["accrued"])));
    assert.equal(
      await page.locator("[data-testid=earned-inferences] .amount").first().getAttribute("data-amount"),
      earned.toString(),
    );
    assert.match(await text("[data-testid=row-earnings] tbody tr"), new RegExp(`${formatOpen(earned)} OPEN`));
    await shot("contributor");
    // Inference: paid rows and amounts; the answer's highlighted spans equal Explain's.
    await page.click(`[data-testid=earned-inferences] a[href="#/inference/${String(inf["id"])}"]`);
    await page.waitForSelector("[data-testid=paid-rows] tbody tr");
    for (const w of (inf["rows"] as J[]) ?? []) {
      assert.equal(
        await page
          .locator(`[data-testid=paid-rows] tr:has(a[href="#/row/${String(w["row_id"])}"]) .amount`)
          .getAttribute("data-amount"),
        String(w["amount"]),
      );
    }
    await page.waitForSelector("[data-testid=split-chart]");
    // The answer comes from the settlement tx itself: nothing is pasted, and no paste box is shown.
    await page.waitForSelector("[data-testid=answer] a.span");
    assert.equal(await page.locator("textarea[name=answer]").count(), 0);
    assert.equal(await text("[data-testid=answer]"), answer.trim());
    assert.match(await text("[data-testid=answer-source]"), /From settlement tx/);
    assert.match(await text("[data-testid=answer-hash]"), /matches the settled output/);
    const explain = await getRest(`/openledger/attribution/v1/explain/${modelId}`, { text: answer });
    const spans = (explain["spans"] as J[]) ?? [];
    assert.ok(spans.length >= 1);
    const shown = await page.locator("[data-testid=answer] a.span").all();
    assert.equal(shown.length, spans.length);
    for (const [i, sp] of spans.entries()) {
      const el = shown[i]!;
      assert.equal(
        await el.textContent(),
        answer.slice(Number(sp["char_start"]), Number(sp["char_end"])),
        `span ${i}`,
      );
      assert.equal(
        await el.getAttribute("data-rows"),
        ((sp["row_ids"] as unknown[]) ?? []).map(String).join(","),
      );
    }
    assert.ok(((spans[0]?.["row_ids"] as unknown[]) ?? []).map(String).includes(String(aliceRow["id"])));
    await shot("inference");
    // Fallback: when no settlement tx is found (e.g. pruned), the paste box attributes a pasted answer.
    const noTxs = (u: URL) => u.href.startsWith(node.rpcUrl);
    await page.route(noTxs, async (route) => {
      const body = route.request().postData() ?? "";
      if (!body.includes('"tx_search"')) return await route.continue();
      const id = (JSON.parse(body) as J)["id"];
      await route.fulfill({
        contentType: "application/json",
        headers: { "access-control-allow-origin": "*" },
        body: JSON.stringify({ jsonrpc: "2.0", id, result: { txs: [], total_count: "0" } }),
      });
    });
    try {
      await page.goto(`${base}#/model/${modelId}`);
      await page.goto(`${base}#/inference/${String(inf["id"])}`);
      await page.waitForSelector("textarea[name=answer]");
      assert.equal(await page.locator("[data-testid=answer] a.span").count(), 0);
      await page.fill("textarea[name=answer]", answer);
      await page.click(".answer-form button");
      await page.waitForSelector("[data-testid=answer] a.span");
      assert.equal(await page.locator("[data-testid=answer] a.span").count(), spans.length);
      assert.match(await text("[data-testid=answer-hash]"), /matches the settled output/);
    } finally {
      await page.unroute(noTxs);
    }
    await page.goto(`${base}#/model/${modelId}`);
    await page.waitForSelector(`a[href="#/inference/${String(inf["id"])}"]`);
    await shot("model");
    for (const p of ["validators", "proposals", "models"]) {
      await page.goto(`${base}#/${p}`);
      await page.waitForFunction('!document.querySelector(".loading")');
      await shot(p);
    }
  });

  it("overview charts cover the chain's history in time buckets from sampled block metas", async () => {
    await page.goto(base);
    await page.waitForSelector("[data-testid=interval-chart] svg rect");
    const height = await node.height();
    // A young chain: one bucket per block since height 2 (≤ 240 buckets; past that, sampled at a stride).
    const bars = await page.locator("[data-testid=interval-chart] svg rect").count();
    assert.ok(bars >= Math.min(height - 6, 100) && bars <= 240, `bars ${bars} at height ${height}`);
    assert.equal(await page.locator("[data-testid=tps-chart] svg rect").count(), bars);
    const title = await text("[data-testid=interval-chart] h2");
    assert.match(title, /last \d+[hm]/);
    // Some bucket carries the seeded txs.
    const tps = await page.locator("[data-testid=tps-chart] svg rect title").allTextContents();
    assert.ok(
      tps.some((t) => !/: 0$/.test(t)),
      "a bucket with tx/s > 0",
    );
  });

  it("proposals → proposal shows status, tally, votes and deposits as the chain reports them", async () => {
    const prop = (await getRest("/cosmos/gov/v1/proposals/1"))["proposal"] as J;
    await page.goto(`${base}#/proposals`);
    await page.locator(`[data-testid=proposals] a:has-text("${PROPOSAL_TITLE}")`).click();
    await page.waitForSelector("[data-testid=proposal-status]");
    assert.equal(page.url().endsWith("#/proposal/1"), true, page.url());
    const status = String(prop["status"]).replace("PROPOSAL_STATUS_", "").toLowerCase();
    assert.equal(await text("[data-testid=proposal-status]"), status);
    // Ended (10 s voting period): the final tally; the owner's stake voted yes.
    const tally = (prop["final_tally_result"] as J) ?? {};
    if (status !== "voting_period") {
      assert.equal(status, "passed");
      assert.ok(BigInt(String(tally["yes_count"])) > 0n);
      const legend = await text("[data-testid=tally-chart] .legend li");
      assert.ok(legend.includes(`Yes: ${formatOpen(BigInt(String(tally["yes_count"])))} OPEN`), legend);
    }
    assert.equal(await page.locator("[data-testid=tally-chart] svg rect").count(), 4);
    // Three votes, read back from the chain (pruned from state once tallied: from the vote txs).
    await page.waitForSelector("[data-testid=votes] tbody tr");
    assert.equal(await text("[data-testid=votes] h2"), "3 votes");
    const votes = await page.locator("[data-testid=votes] tbody tr").allTextContents();
    assert.equal(votes.length, 3);
    for (const [who, opt] of [
      ["owner", "yes"],
      ["alice", "no"],
      ["user", "abstain"],
    ] as const) {
      const row = votes.find((r) => r.includes(addr[who]!.slice(-10)));
      assert.ok(row !== undefined, `vote of ${who} in ${JSON.stringify(votes)}`);
      assert.ok(row.includes(opt), row);
    }
    const deposits = await page.locator("[data-testid=deposits] tbody tr").allTextContents();
    assert.equal(deposits.length, 2);
    assert.ok(
      deposits.some((r) => r.includes("10 OPEN")),
      JSON.stringify(deposits),
    );
    assert.ok(
      deposits.some((r) => r.includes("1 OPEN")),
      JSON.stringify(deposits),
    );
    await shot("proposal");
  });

  it("validators show uptime and jailed status from signing infos matched by consensus address", async () => {
    const infos = ((await getRest("/cosmos/slashing/v1beta1/signing_infos"))["info"] as J[]) ?? [];
    const params = (await getRest("/cosmos/slashing/v1beta1/params"))["params"] as J;
    const window = Number(params["signed_blocks_window"]);
    assert.equal(infos.length, 1);
    const missed = Number(infos[0]?.["missed_blocks_counter"] ?? 0);
    await page.goto(`${base}#/validators`);
    await page.waitForSelector("[data-testid=uptime]");
    assert.equal(await text("[data-testid=uptime]"), `${((100 * (window - missed)) / window).toFixed(2)}%`);
    assert.equal(
      await page.locator("[data-testid=uptime]").first().getAttribute("title"),
      String(infos[0]?.["address"]),
    );
    assert.equal(await page.locator("[data-testid=jailed]").count(), 0);
    assert.match(await text("[data-testid=validators] tbody tr"), /bonded/);
    await shot("validators");
  });

  it("fits a phone-width screen", async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 800 });
    await phone.goto(base);
    await phone.waitForSelector("[data-testid=height] b");
    const overflow = Number(await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth"));
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
    await phone.screenshot({ path: join(ARTIFACTS, "overview-phone.png"), fullPage: true });
    await phone.close();
  });

  it("shows a clear error when the node is unreachable", async () => {
    await page.goto(`${base}?rpc=http://127.0.0.1:9`);
    await page.waitForSelector("[data-testid=unreachable]");
    assert.match(await text("[data-testid=unreachable]"), /Node unreachable/);
    await shot("unreachable");
  });

  it("`openledgerd explorer`'s server serves the app against the node", async () => {
    const srv = await ExplorerServer.start({ node: node.rpcUrl, rest, port: 0 });
    try {
      const cfg = (await (await fetch(`${srv.url}/config.json`)).json()) as J;
      assert.equal(cfg["rpc"], node.rpcUrl);
      await page.goto(`${srv.url}/`);
      await page.waitForSelector("[data-testid=height] b");
      assert.ok(Number(await text("[data-testid=height] b")) >= 1);
      await page.goto(`${srv.url}/#/account/${sender}`);
      await page.waitForSelector("[data-testid=balances] .amount");
    } finally {
      await srv.close();
    }
  });
});
