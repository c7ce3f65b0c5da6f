import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEV_MNEMONIC, NodeProcess, runCli, tempHome } from "./harness.js";

/** A deterministic multi-megabyte .jsonl: `n` rows of about 1 KiB. */
function jsonl(n: number): string {
  let seed = 42;
  const words = [
    "attribution",
    "model",
    "dataset",
    "ledger",
    "open",
    "token",
    "proof",
    "row",
    "curation",
    "version",
  ];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    while (parts.join(" ").length < 1000) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      parts.push(words[seed % words.length]!);
    }
    lines.push(JSON.stringify({ id: i, text: parts.join(" ") }));
  }
  return `${lines.join("\n")}\n`;
}

describe("datanets over a running node with the CLI", () => {
  let node: NodeProcess;
  let home: string[];
  let node_: string[];
  let owner: string;
  const dir = tempHome("openledger-datanets-e2e-");

  const cli = (args: string[], keys = true) =>
    runCli([...args, ...node_, ...(keys ? home : []), "--output", "json"]);
  const tx = (args: string[]) => {
    const r = cli([
      "tx",
      "datanets",
      ...args,
      "--gas",
      "auto",
      "--gas-prices",
      "1000000000aopen",
      "--yes",
      "--broadcast-mode",
      "block",
    ]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const q = <T>(args: string[]): T => {
    const r = cli(["query", "datanets", ...args], false);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return JSON.parse(r.stdout) as T;
  };

  before(async () => {
    node = await NodeProcess.start();
    home = ["--home", node.home, "--keyring-backend", "test"];
    node_ = ["--node", node.rpcUrl];
    for (const [name, index] of [
      ["owner", "0"],
      ["contrib", "1"],
    ] as const) {
      const r = runCli(["keys", "add", name, "--recover", "--index", index, ...home, "--output", "json"], {
        input: `${DEV_MNEMONIC}\n`,
      });
      assert.equal(r.status, 0, r.stderr);
      if (name === "owner") owner = (JSON.parse(r.stdout) as { address: string }).address;
    }
  });

  after(async () => {
    await node?.stop();
  });

  it("uploads a multi-megabyte .jsonl, resumes, publishes, and serves rows with valid proofs", async () => {
    const created = tx([
      "create",
      "--from",
      "owner",
      "--name",
      "web text",
      "--tags",
      "web,text",
      "--license",
      "CC0-1.0",
    ]);
    assert.equal(created["code"], 0);
    const file = join(dir, "rows.jsonl");
    const text = jsonl(2600);
    writeFileSync(file, text);
    assert.ok(text.length > 2_600_000);
    const addRows = () =>
      cli([
        "tx",
        "datanets",
        "add-rows",
        "1",
        file,
        "--batch-bytes",
        "400000",
        "--from",
        "owner",
        "--gas-prices",
        "1000000000aopen",
        "--yes",
      ]);
    const up = addRows();
    assert.equal(up.status, 0, up.stderr + up.stdout);
    const summary = JSON.parse(up.stdout) as { rows: number; batches: number; progress_file: string };
    assert.equal(summary.rows, 2600);
    assert.ok(summary.batches >= 5, up.stdout);
    assert.match(up.stderr, /\d+\/\d+ batches/);
    // Resume: pretend the run stopped while sending the last batch (already committed): it is confirmed, not duplicated.
    const progress = JSON.parse(readFileSync(summary.progress_file, "utf8")) as {
      done: Record<string, string>;
      sending?: number;
    };
    const last = summary.batches - 1;
    delete progress.done[String(last)];
    progress.sending = last;
    writeFileSync(summary.progress_file, JSON.stringify(progress));
    const again = addRows();
    assert.equal(again.status, 0, again.stderr + again.stdout);
    assert.equal((JSON.parse(again.stdout) as { rows: number }).rows, 2600);

    tx(["publish", "1", "--from", "owner"]);
    const v = q<{ version: { row_count: string; root: string } }>(["version", "1"]);
    assert.equal(v.version.row_count, "2600");

    const lines = text.trim().split("\n");
    const page = q<{ rows: { content: string; contributor: string }[]; pagination: { next_key: string } }>([
      "rows",
      "1",
      "--at-version",
      "1",
      "--limit",
      "50",
      "--offset",
      "1000",
    ]);
    assert.equal(page.rows.length, 50);
    assert.deepEqual(
      page.rows.map((r) => r.content),
      lines.slice(1000, 1050),
    );
    assert.equal(page.rows[0]!.contributor, owner);
    for (const rowId of ["1", "2600"]) {
      const p = q<{ verified: boolean; row: { content: string }; version: { root: string } }>([
        "row-proof",
        rowId,
      ]);
      assert.equal(p.verified, true);
      assert.equal(p.row.content, lines[Number(rowId) - 1]);
      assert.equal(p.version.root, v.version.root);
    }
  });

  it("contributes a Markdown file and reviews it into version 2", () => {
    const md = join(dir, "notes.md");
    writeFileSync(md, "# One\n\nfirst section\n\n# Two\n\nsecond section\n\n# Three\n\nthird section\n");
    const up = cli([
      "tx",
      "datanets",
      "contribute",
      "1",
      md,
      "--from",
      "contrib",
      "--gas-prices",
      "1000000000aopen",
      "--yes",
    ]);
    assert.equal(up.status, 0, up.stderr + up.stdout);
    const pending = q<{ rows: { id: string }[] }>(["rows", "1", "--status", "pending"]);
    assert.deepEqual(
      pending.rows.map((r) => r.id),
      ["2601", "2602", "2603"],
    );
    tx([
      "review",
      "1",
      "--accept",
      "2601,2603",
      "--reject",
      "2602",
      "--reason",
      "too short",
      "--from",
      "owner",
    ]);
    const v2 = q<{ version: { number: string; row_count: string } }>(["version", "1"]);
    assert.deepEqual([v2.version.number, v2.version.row_count], ["2", "2602"]);
    const p = q<{ verified: boolean }>(["row-proof", "2603"]);
    assert.equal(p.verified, true);
    const bad = cli(["query", "datanets", "row-proof", "2602"], false);
    assert.notEqual(bad.status, 0);
  });

  it("indexes the datanet's history for tx_search", async () => {
    const count = async (query: string) =>
      Number((await node.rpc<{ total_count: string }>("tx_search", { query })).total_count);
    assert.equal(await count("datanet_created.datanet_id='1'"), 1);
    assert.ok((await count("rows_added.datanet_id='1'")) >= 5);
    assert.equal(await count("datanet_published.datanet_id='1'"), 1);
    assert.equal(await count("contributions_reviewed.datanet_id='1'"), 1);
  });
});
