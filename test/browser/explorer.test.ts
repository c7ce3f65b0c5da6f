/**
 * Browser e2e of the OpenLedger Explorer: a real `openledgerd dev` node (its REST gateway serves the app
 * at /explorer/), seeded with bank sends and a datanet with rows, driven by headless Debian Chromium.
 * Navigates overview → block → tx → account and datanet → row → contributor, checks that what is shown
 * equals the chain's own query results, searches by tx hash, checks live updates, the error state for an
 * unreachable node and `openledgerd explorer`'s server. Screenshots go to test-artifacts/explorer/.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import type { Page } from "playwright-core";
import { formatOpen } from "../../explorer/src/format.js";
import { ExplorerServer } from "../../src/explorer/server.js";
import { DEV_MNEMONIC, NodeProcess, runCli, tempHome } from "../e2e/harness.js";
import { ARTIFACTS, launch, requirePrerequisites } from "./browser.js";

type J = Record<string, unknown>;

describe("explorer in Chromium against a dev node", () => {
  let node: NodeProcess;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let base: string;
  let rest: string;
  let alice: string;
  let bob: string;
  const hashes: string[] = [];
  let datanetId = "";

  const getRest = async (path: string): Promise<J> => {
    const r = await fetch(rest + path);
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
    // Seed: two bank sends (CosmJS) and a datanet with three rows (the CLI wallet).
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, { prefix: "open" });
    [alice] = (await wallet.getAccounts()).map((a) => a.address) as [string];
    bob = toBech32("open", new Uint8Array(20).fill(1));
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("1000000000aopen"),
    });
    for (const amount of ["1500000000000000000", "250000000000000000000"]) {
      const res = await client.sendTokens(alice, bob, [{ denom: "aopen", amount }], "auto", "explorer seed");
      assert.equal(res.code, 0, res.rawLog);
      hashes.push(res.transactionHash);
    }
    client.disconnect();
    const home = ["--home", node.home, "--keyring-backend", "test"];
    const k = runCli(["keys", "add", "owner", "--recover", "--index", "0", ...home, "--output", "json"], {
      input: `${DEV_MNEMONIC}\n`,
    });
    assert.equal(k.status, 0, k.stderr);
    const txf = [
      "--node",
      node.rpcUrl,
      ...home,
      "--gas-prices",
      "1000000000aopen",
      "--yes",
      "--output",
      "json",
    ];
    const created = runCli([
      "tx",
      "datanets",
      "create",
      "--from",
      "owner",
      "--name",
      "explorer demo",
      "--tags",
      "demo,text",
      "--license",
      "CC0-1.0",
      "--gas",
      "auto",
      "--broadcast-mode",
      "block",
      ...txf,
    ]);
    assert.equal(created.status, 0, created.stderr + created.stdout);
    const list = await getRest("/openledger/datanets/v1/datanets");
    datanetId = String(((list["datanets"] as J[])[0] as J)["id"]);
    const file = join(tempHome("openledger-explorer-rows-"), "rows.jsonl");
    writeFileSync(
      file,
      ["the ledger remembers every row", "attribution pays contributors", "models cite their data"]
        .map((t, i) => JSON.stringify({ id: i, text: t }))
        .join("\n") + "\n",
    );
    const added = runCli(["tx", "datanets", "add-rows", datanetId, file, "--from", "owner", ...txf]);
    assert.equal(added.status, 0, added.stderr + added.stdout);
    browser = await launch();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
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
    const bal = (await getRest(`/cosmos/bank/v1beta1/balances/${alice}`))["balances"] as J[];
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

  it("datanet → row → contributor shows the chain's rows", async () => {
    await page.goto(`${base}#/datanets?tag=demo`);
    await page.waitForSelector("[data-testid=datanets]");
    await page.click(`[data-testid=datanets] a[href="#/datanet/${datanetId}"] >> nth=0`);
    await page.waitForSelector("[data-testid=rows]");
    const rows = (await getRest(`/openledger/datanets/v1/datanets/${datanetId}/rows`))["rows"] as J[];
    assert.equal(rows.length, 3);
    assert.equal(await page.locator("[data-testid=rows] tbody tr").count(), rows.length);
    assert.equal(await text("[data-testid=datanet] h2"), "explorer demo");
    await shot("datanet");
    const first = rows[0] as J;
    await page.click(`[data-testid=rows] a[href="#/row/${String(first["id"])}"]`);
    await page.waitForSelector("[data-testid=row]");
    assert.equal(await text("[data-testid=row] pre.content"), String(first["content"]));
    await shot("row");
    await page.click("[data-testid=row] dd[data-field=Contributor] a");
    await page.waitForSelector("[data-testid=earnings]");
    await page.waitForSelector("[data-testid=rows]");
    assert.equal(await page.locator("[data-testid=rows] tbody tr").count(), rows.length);
    await shot("contributor");
    for (const p of ["validators", "proposals", "models", "inference/1"]) {
      await page.goto(`${base}#/${p}`);
      await page.waitForFunction('!document.querySelector(".loading")');
      await shot(p.replace("/", "-"));
    }
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
      await page.goto(`${srv.url}/#/account/${alice}`);
      await page.waitForSelector("[data-testid=balances] .amount");
    } finally {
      await srv.close();
    }
  });
});
