import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readVersionRows, trainOnRows } from "../../../src/factory/train.js";
import { ModelKind, ModelStatus } from "../../../src/modules/models/proto.js";
import { ByteLru } from "../../../src/serve/cache.js";
import { Gateway } from "../../../src/serve/gateway.js";
import { CORPUS, mm, TestChain } from "./fixture.js";

interface Err {
  error: { message: string; type: string; code: string };
}

describe("serving gateway", () => {
  let chain: TestChain;
  let gw: Gateway;
  let dir: string;
  let url: string;

  async function register(
    owner: number,
    datanet: number,
    artifact: { sha256: string; size: number; uri: string },
  ) {
    const a = chain.accounts[owner]!;
    await chain.ok(a, [
      mm("MsgRegisterModel", {
        owner: a.address,
        name: "m",
        description: "",
        baseModel: "ngram-kn-v1",
        kind: ModelKind.MODEL_KIND_NGRAM,
        artifact,
        datanets: [{ datanetId: datanet, version: 1 }],
        trainingConfig: "",
        trainingLogHash: "",
        inputPrice: "10",
        outputPrice: "20",
      }),
    ]);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "gw-"));
    chain = await TestChain.create();
    const [owner, , , op] = chain.accounts;
    const id = await chain.publishDatanet(owner!, CORPUS);
    const rows = await readVersionRows(chain.query, { datanetId: BigInt(id), version: 1n }, 2);
    assert.equal(rows.rows.length, CORPUS.length);
    const r1 = trainOnRows([rows], 3, join(dir, "m1"));
    const r2 = trainOnRows([rows], 2, join(dir, "m2"));
    await register(0, id, { sha256: r1.sha256, size: r1.size, uri: r1.uri }); // 1: good
    await register(0, id, { sha256: r2.sha256, size: r2.size, uri: r2.uri }); // 2: tampered below
    await register(0, id, { sha256: r1.sha256, size: r1.size, uri: "local:m1.olm" }); // 3: retired below
    await register(0, id, { sha256: r1.sha256, size: r1.size, uri: r1.uri }); // 4: not served
    await chain.ok(owner!, [
      mm("MsgUpdateModel", { owner: owner!.address, modelId: 3, status: ModelStatus.MODEL_STATUS_RETIRED }),
    ]);
    await chain.ok(op!, [
      mm("MsgRegisterOperator", {
        operator: op!.address,
        endpoint: "http://127.0.0.1:1",
        bond: { denom: "aopen", amount: (100n * 10n ** 18n).toString() },
      }),
    ]);
    await chain.ok(op!, [mm("MsgServeModels", { operator: op!.address, serve: [1, 2], stop: [] })]);
    const bytes = readFileSync(r2.artifactPath);
    bytes[bytes.length - 3] = "9".charCodeAt(0);
    writeFileSync(r2.artifactPath, bytes);
    gw = await Gateway.start({
      query: chain.query,
      dataDir: join(dir, "gw"),
      operator: op!.address,
      maxBodyBytes: 4096,
    });
    url = gw.url;
  });

  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("lists the operator's models", async () => {
    const r = await fetch(`${url}/v1/models`);
    assert.equal(r.status, 200);
    const j = (await r.json()) as { object: string; data: { id: string; object: string }[] };
    assert.equal(j.object, "list");
    assert.deepEqual(
      j.data.map((m) => m.id),
      ["1", "2"],
    );
  });

  it("completes deterministically at temperature 0, streamed or not, and logs the completion", async () => {
    const req = { model: "1", prompt: "the cat sat on", max_tokens: 4, temperature: 0 };
    const r = await post("/v1/completions", req);
    assert.equal(r.status, 200);
    const j = (await r.json()) as {
      object: string;
      choices: { text: string; finish_reason: string }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    assert.equal(j.object, "text_completion");
    assert.equal(j.choices[0]!.text, " the mat.");
    assert.equal(j.usage.prompt_tokens, 4);
    const s = await post("/v1/completions", { ...req, stream: true });
    assert.match(s.headers.get("content-type") ?? "", /text\/event-stream/);
    const events = (await s.text()).split("\n\n").filter((x) => x.startsWith("data: "));
    assert.equal(events.at(-1), "data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as { choices: { text: string }[] });
    assert.equal(chunks.map((c) => c.choices[0]?.text ?? "").join(""), j.choices[0]!.text);
    const log = readFileSync(join(dir, "gw", "completions.jsonl"), "utf8")
      .trim()
      .split("\n");
    const rec = JSON.parse(log[0]!) as Record<string, unknown>;
    assert.equal(rec["model_id"], "1");
    assert.equal(rec["input_tokens"], 4);
    assert.equal(rec["output_text"], " the mat.");
    assert.match(rec["prompt_sha256"] as string, /^[0-9a-f]{64}$/);
  });

  it("serves chat completions with SSE deltas and seeded sampling", async () => {
    const req = {
      model: "1",
      messages: [{ role: "user", content: "the dog" }],
      max_tokens: 6,
      temperature: 0.7,
      seed: 3,
    };
    const a = (await (await post("/v1/chat/completions", req)).json()) as {
      choices: { message: { role: string; content: string } }[];
    };
    const b = (await (await post("/v1/chat/completions", req)).json()) as typeof a;
    assert.equal(a.choices[0]!.message.role, "assistant");
    assert.equal(a.choices[0]!.message.content, b.choices[0]!.message.content);
    const s = await post("/v1/chat/completions", { ...req, stream: true });
    const events = (await s.text()).split("\n\n").filter((x) => x.startsWith("data: "));
    assert.equal(events.at(-1), "data: [DONE]");
    const deltas = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.slice(6)) as { object: string; choices: { delta: { content?: string } }[] });
    assert.equal(deltas[0]!.object, "chat.completion.chunk");
    assert.equal(
      deltas.map((d) => d.choices[0]?.delta.content ?? "").join(""),
      a.choices[0]!.message.content,
    );
  });

  it("returns OpenAI-shaped errors", async () => {
    const cases: [Response, number, string][] = [
      [await post("/v1/completions", { model: "99", prompt: "x" }), 404, "model_not_found"],
      [await post("/v1/completions", { model: "gpt-4", prompt: "x" }), 404, "model_not_found"],
      [await post("/v1/completions", { model: "3", prompt: "x" }), 404, "model_retired"],
      [await post("/v1/completions", { model: "4", prompt: "x" }), 404, "model_not_served"],
      [await post("/v1/completions", "{not json"), 400, "invalid_json"],
      [await post("/v1/completions", { model: "1", prompt: "x", max_tokens: 0 }), 400, "invalid_request"],
      [await post("/v1/completions", { model: "1", prompt: "x".repeat(5000) }), 413, "request_too_large"],
      [await post("/v1/completions", { model: "2", prompt: "the" }), 502, "artifact_hash_mismatch"],
      [await post("/v1/nothing", {}), 404, "unknown_url"],
    ];
    for (const [r, status, code] of cases) {
      assert.equal(r.status, status);
      const e = (await r.json()) as Err;
      assert.equal(e.error.code, code, e.error.message);
      assert.equal(typeof e.error.message, "string");
      assert.equal(typeof e.error.type, "string");
    }
    // The gateway is still healthy.
    const ok = await post("/v1/completions", {
      model: "1",
      prompt: "the cat",
      max_tokens: 2,
      temperature: 0,
    });
    assert.equal(ok.status, 200);
  });
});

describe("ByteLru", () => {
  it("evicts least recently used entries past the byte bound, and idle ones", () => {
    let now = 0;
    const c = new ByteLru<string, number>(100, () => now);
    c.set("a", 1, 40);
    c.set("b", 2, 40);
    assert.equal(c.get("a"), 1);
    c.set("c", 3, 40);
    assert.equal(c.get("b"), undefined);
    assert.equal(c.bytes, 80);
    assert.equal(c.set("huge", 4, 101), false);
    now = 1000;
    c.get("c");
    assert.equal(c.evictIdle(500), 1);
    assert.equal(c.size, 1);
    assert.equal(c.evictions, 2);
  });
});
