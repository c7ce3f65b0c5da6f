import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEV_MNEMONIC, NodeProcess, runCli, tempHome } from "./harness.js";
import { startGateway, trainArgs } from "./serving.js";

const ROWS = [
  "The cat sat on the mat.",
  "The cat sat on the mat and purred.",
  "A dog sat on the log.",
  "The dog and the cat are friends.",
  "Every morning the cat sat on the mat in the sun.",
  "Models trained on datanets pay their contributors.",
];

describe("Model Factory and the serving gateway on a running node", () => {
  let node: NodeProcess;
  let gateway: ChildProcess | undefined;
  let keys: string[];
  let at: string[];
  const dir = tempHome("openledger-models-e2e-");
  const fees = ["--gas", "auto", "--gas-prices", "1000000000aopen", "--yes", "--broadcast-mode", "block"];

  const cli = (args: string[]) => {
    const r = runCli([...args, ...at, ...(args[0] === "query" ? [] : keys), "--output", "json"]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  before(async () => {
    node = await NodeProcess.start();
    keys = ["--home", node.home, "--keyring-backend", "test"];
    at = ["--node", node.rpcUrl];
    const r = runCli(["keys", "add", "owner", "--recover", "--index", "0", ...keys, "--output", "json"], {
      input: `${DEV_MNEMONIC}\n`,
    });
    assert.equal(r.status, 0, r.stderr);
  });

  after(async () => {
    gateway?.kill("SIGTERM");
    await node?.stop();
  });

  it("trains from a published datanet, registers, serves and completes over the OpenAI API", async () => {
    // A datanet: create, add rows, publish (version 1).
    cli(["tx", "datanets", "create", "--from", "owner", "--name", "cats", ...fees]);
    const file = join(dir, "rows.jsonl");
    writeFileSync(file, `${ROWS.map((text) => JSON.stringify({ text })).join("\n")}\n`);
    cli([
      "tx",
      "datanets",
      "add-rows",
      "1",
      file,
      "--from",
      "owner",
      "--gas-prices",
      "1000000000aopen",
      "--yes",
    ]);
    cli(["tx", "datanets", "publish", "1", "--from", "owner", ...fees]);

    // Train twice over RPC: deterministic (byte-identical artifacts), then register.
    const dry = cli(trainArgs("1@1", 3, join(dir, "dry")));
    const m1 = cli([
      ...trainArgs("1@1", 3, join(dir, "m1"), { from: "owner", inputPrice: "100", outputPrice: "200" }),
      ...fees.filter((f) => f !== "--broadcast-mode" && f !== "block"),
    ]);
    assert.equal(m1["sha256"], dry["sha256"]);
    assert.equal(m1["rows"], ROWS.length);
    assert.equal(m1["model_id"], "1");
    const m2 = cli([
      ...trainArgs("1@1", 2, join(dir, "m2"), { from: "owner" }),
      ...fees.filter((f) => f !== "--broadcast-mode" && f !== "block"),
    ]);
    assert.equal(m2["model_id"], "2");
    const model = cli(["query", "models", "model", "1"]) as { model: Record<string, unknown> };
    assert.equal((model.model["artifact"] as { sha256: string }).sha256, m1["sha256"]);
    assert.deepEqual(model.model["datanets"], [{ datanet_id: "1", version: "1" }]);

    // Bond an operator and serve both models.
    cli([
      "tx",
      "models",
      "register-operator",
      "--from",
      "owner",
      "--endpoint",
      "http://127.0.0.1:1",
      "--bond",
      "100OPEN",
      ...fees,
    ]);
    cli(["tx", "models", "serve-models", "--from", "owner", "--serve", "1,2", ...fees]);
    const owner = (cli(["query", "models", "models"]) as { models: { owner: string }[] }).models[0]!.owner;

    // Tamper with model 2's artifact file.
    const path2 = m2["artifact"] as string;
    const bytes = readFileSync(path2);
    bytes[bytes.length - 3] = "9".charCodeAt(0);
    writeFileSync(path2, bytes);

    const { port } = await startGateway(node.rpcUrl, join(dir, "gw"), owner, [], (g) => {
      gateway = g;
    });
    const base = `http://127.0.0.1:${port}/v1`;
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer unused" },
        body: JSON.stringify(body),
      });

    const list = (await (await fetch(`${base}/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(
      list.data.map((m) => m.id),
      ["1", "2"],
    );

    const r = await post("/completions", {
      model: "1",
      prompt: "the cat sat on",
      max_tokens: 4,
      temperature: 0,
    });
    assert.equal(r.status, 200);
    const c = (await r.json()) as { choices: { text: string }[]; usage: { total_tokens: number } };
    assert.equal(c.choices[0]!.text, " the mat.");
    assert.equal(c.usage.total_tokens, 7);

    const s = await post("/chat/completions", {
      model: "1",
      messages: [{ role: "user", content: "every morning the cat" }],
      max_tokens: 8,
      temperature: 0,
      stream: true,
    });
    assert.equal(s.status, 200);
    const events = (await s.text()).split("\n\n").filter((e) => e.startsWith("data: "));
    assert.equal(events.at(-1), "data: [DONE]");
    const text = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.slice(6)) as { choices: { delta?: { content?: string } }[] })
      .map((e) => e.choices[0]?.delta?.content ?? "")
      .join("");
    assert.match(text, /^sat on the mat/);

    const bad = await post("/completions", { model: "2", prompt: "the cat", max_tokens: 3 });
    assert.equal(bad.status, 502);
    const err = (await bad.json()) as { error: { code: string; message: string } };
    assert.equal(err.error.code, "artifact_hash_mismatch");
    assert.match(err.error.message, /refusing/);

    const unknown = await post("/completions", { model: "77", prompt: "x" });
    assert.equal(unknown.status, 404);

    const log = readFileSync(join(dir, "gw", "completions.jsonl"), "utf8")
      .trim()
      .split("\n");
    assert.equal(log.length, 2);
    assert.equal((JSON.parse(log[0]!) as { model_id: string }).model_id, "1");
  });
});
