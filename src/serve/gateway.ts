/**
 * The serving gateway (the OpenLoRA role): an OpenAI-compatible HTTP API over the models registered on
 * chain. `GET /v1/models`, `GET /v1/models/{id}`, `POST /v1/completions`, `POST /v1/chat/completions`
 * (SSE streaming or not). Artifacts load just in time on first use, are checked against the on-chain
 * sha256, and live in a byte-bounded LRU. Every completion is appended to `<dataDir>/completions.jsonl`
 * with what settlement needs, until the attribution module settles them on chain.
 */
import { createHash, randomUUID } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tokenizeToStrings } from "../attribution/engine/tokenizer.js";
import { type FinishReason, spaceBetween } from "../factory/ngram.js";
import type { QueryFn } from "../factory/train.js";
import { big, type Model, ModelKind, ModelStatus } from "../modules/models/proto.js";
import { type LoadedModel, type ModelRuntime, ngramRuntime } from "./adapters.js";
import { ByteLru } from "./cache.js";
import { ChainView } from "./chain.js";
import { mismatch, REQUEST_HEADER, type Settler, type SignedRequest, signedRequestOf } from "./settle.js";

/** Gateway options. */
export interface GatewayOptions {
  /** Chain queries (RPC `abci_query`, or an in-process app in tests and benchmarks). */
  query: QueryFn;
  /** Where the completion log goes (created). */
  dataDir: string;
  /** Serve only this operator's on-chain models (bech32); all active models when unset. */
  operator?: string;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Port (0 = any free one). */
  port?: number;
  /** Artifact dir for bare / `local:` URIs (default `<dataDir>/artifacts`). */
  artifactDir?: string;
  /** LRU bound on loaded models (approximate bytes; default 256 MiB). */
  maxCacheBytes?: number;
  /** Requests handled at once; more get 429 (default 16). */
  maxConcurrency?: number;
  /** Largest request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Largest `max_tokens` (default 1024). */
  maxTokensCap?: number;
  /** How long chain metadata is reused (default 2000 ms). */
  metaTtlMs?: number;
  /** Models unused this long are evicted (default 10 min). */
  idleEvictMs?: number;
  /** Allow http(s) artifact URIs (default false). */
  allowHttpArtifacts?: boolean;
  /** Largest artifact (default 512 MiB). */
  maxArtifactBytes?: number;
  /** Settles completions that carry a requester-signed request (see `settle.ts`); none: no settlement. */
  settle?: Settler;
}

/** Counters of a running gateway. */
export interface GatewayStats {
  requests: number;
  completions: number;
  loads: number;
  cacheHits: number;
  evictions: number;
  cacheBytes: number;
  cachedModels: number;
  rejectedBusy: number;
}

/** An OpenAI-shaped error. */
export class ApiError extends Error {
  /** HTTP status, `type`, `code`. */
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Meta {
  model: Model;
  at: number;
}

interface Job {
  modelId: bigint;
  model: Model;
  prompt: string;
  maxTokens: number;
  temperature: number;
  seed: number;
  stop: string[];
  stream: boolean;
  chat: boolean;
  /** The requester-signed request sent with the call, if any. */
  signed?: SignedRequest;
}

const JSON_HEADERS = { "content-type": "application/json" };

function invalid(message: string, code = "invalid_request"): ApiError {
  return new ApiError(400, "invalid_request_error", code, message);
}

/** The gateway server. */
export class Gateway {
  /** Counters. */
  readonly stats: GatewayStats = {
    requests: 0,
    completions: 0,
    loads: 0,
    cacheHits: 0,
    evictions: 0,
    cacheBytes: 0,
    cachedModels: 0,
    rejectedBusy: 0,
  };
  private readonly chain: ChainView;
  private readonly cache: ByteLru<string, LoadedModel>;
  private readonly loading = new Map<string, Promise<LoadedModel>>();
  private readonly meta = new Map<string, Meta>();
  private readonly runtimes: ModelRuntime[] = [ngramRuntime];
  /** File descriptor of the append-only completion log (written synchronously, one line per completion). */
  private readonly logFd: number;
  private readonly sweep: NodeJS.Timeout;
  private inflight = 0;
  private server!: Server;
  private readonly o: Required<Omit<GatewayOptions, "operator" | "settle">> & {
    operator?: string;
    settle?: Settler;
  };

  private constructor(opts: GatewayOptions) {
    this.o = {
      host: "127.0.0.1",
      port: 0,
      artifactDir: join(opts.dataDir, "artifacts"),
      maxCacheBytes: 256 * 1024 * 1024,
      maxConcurrency: 16,
      maxBodyBytes: 1024 * 1024,
      maxTokensCap: 1024,
      metaTtlMs: 2000,
      idleEvictMs: 10 * 60 * 1000,
      allowHttpArtifacts: false,
      maxArtifactBytes: 512 * 1024 * 1024,
      ...opts,
    };
    this.chain = new ChainView(opts.query);
    this.cache = new ByteLru(this.o.maxCacheBytes);
    mkdirSync(opts.dataDir, { recursive: true });
    this.logFd = openSync(join(opts.dataDir, "completions.jsonl"), "a");
    this.sweep = setInterval(
      () => this.cache.evictIdle(this.o.idleEvictMs),
      Math.min(this.o.idleEvictMs, 60_000),
    );
    this.sweep.unref();
  }

  /** Start listening; resolves once bound. */
  static async start(opts: GatewayOptions): Promise<Gateway> {
    const g = new Gateway(opts);
    g.server = createServer((req, res) => void g.handle(req, res));
    await new Promise<void>((ok, fail) => {
      g.server.once("error", fail);
      g.server.listen(g.o.port, g.o.host, () => ok());
    });
    return g;
  }

  /** `http://host:port`. */
  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://${a.address}:${a.port}`;
  }

  /** Stop listening and close the log. */
  async close(): Promise<void> {
    clearInterval(this.sweep);
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
    closeSync(this.logFd);
  }

  /** Counters with cache figures filled in. */
  snapshot(): GatewayStats {
    return {
      ...this.stats,
      evictions: this.cache.evictions,
      cacheBytes: this.cache.bytes,
      cachedModels: this.cache.size,
    };
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++;
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (this.inflight >= this.o.maxConcurrency) {
      this.stats.rejectedBusy++;
      req.resume();
      return this.fail(
        res,
        new ApiError(
          429,
          "rate_limit_error",
          "too_many_requests",
          "the gateway is at its concurrency limit; retry",
        ),
      );
    }
    this.inflight++;
    try {
      if (req.method === "GET" && path === "/v1/models") return this.send(res, 200, await this.listModels());
      if (req.method === "GET" && path.startsWith("/v1/models/")) {
        const m = await this.resolve(path.slice("/v1/models/".length));
        return this.send(res, 200, modelObject(m.model));
      }
      if (req.method === "GET" && path === "/healthz")
        return this.send(res, 200, { ok: true, ...this.snapshot() });
      if (req.method === "POST" && (path === "/v1/completions" || path === "/v1/chat/completions")) {
        const body = await this.readBody(req);
        const job = await this.parse(body, path === "/v1/chat/completions");
        job.signed = signedOf(req, body, job);
        return await this.complete(job, res);
      }
      req.resume();
      throw new ApiError(404, "invalid_request_error", "unknown_url", `unknown route ${req.method} ${path}`);
    } catch (e) {
      if (res.headersSent) {
        res.end();
        return;
      }
      this.fail(
        res,
        e instanceof ApiError ? e : new ApiError(500, "server_error", "internal_error", (e as Error).message),
      );
    } finally {
      this.inflight--;
    }
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, JSON_HEADERS);
    res.end(JSON.stringify(body));
  }

  private fail(res: ServerResponse, e: ApiError): void {
    this.send(res, e.status, { error: { message: e.message, type: e.type, param: null, code: e.code } });
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    const max = this.o.maxBodyBytes;
    return new Promise((ok, fail) => {
      const declared = Number(req.headers["content-length"] ?? "0");
      if (declared > max) {
        req.resume();
        return fail(
          new ApiError(
            413,
            "invalid_request_error",
            "request_too_large",
            `request body exceeds ${max} bytes`,
          ),
        );
      }
      const chunks: Buffer[] = [];
      let n = 0;
      req.on("data", (c: Buffer) => {
        n += c.length;
        if (n > max) {
          req.removeAllListeners("data");
          req.resume();
          fail(
            new ApiError(
              413,
              "invalid_request_error",
              "request_too_large",
              `request body exceeds ${max} bytes`,
            ),
          );
          return;
        }
        chunks.push(c);
      });
      req.on("end", () => ok(Buffer.concat(chunks)));
      req.on("error", fail);
    });
  }

  // ---- requests ----

  private async parse(body: Buffer, chat: boolean): Promise<Job> {
    let j: Record<string, unknown>;
    try {
      const v = JSON.parse(body.toString("utf8")) as unknown;
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
      j = v as Record<string, unknown>;
    } catch (e) {
      throw invalid(`request body is not a JSON object: ${(e as Error).message}`, "invalid_json");
    }
    if (typeof j["model"] !== "string")
      throw invalid("`model` is required (a model id string)", "missing_model");
    let prompt: string;
    if (chat) {
      const msgs = j["messages"];
      if (!Array.isArray(msgs) || msgs.length === 0) throw invalid("`messages` must be a non-empty array");
      prompt = msgs
        .map((m) => {
          const c = (m as Record<string, unknown> | null)?.["content"];
          const role = (m as Record<string, unknown> | null)?.["role"];
          if (typeof c !== "string" || typeof role !== "string")
            throw invalid("each message needs a string `role` and `content`");
          return c;
        })
        .join("\n");
    } else {
      const p = j["prompt"] ?? "";
      if (typeof p === "string") prompt = p;
      else if (Array.isArray(p) && p.length === 1 && typeof p[0] === "string") prompt = p[0];
      else throw invalid("`prompt` must be a string (or an array of one string)");
    }
    const maxTokens = j["max_tokens"] ?? j["max_completion_tokens"] ?? 16;
    if (
      !Number.isInteger(maxTokens) ||
      (maxTokens as number) < 1 ||
      (maxTokens as number) > this.o.maxTokensCap
    )
      throw invalid(`\`max_tokens\` must be an integer in [1, ${this.o.maxTokensCap}]`);
    const temperature = j["temperature"] ?? 1;
    if (typeof temperature !== "number" || !(temperature >= 0 && temperature <= 2))
      throw invalid("`temperature` must be a number in [0, 2]");
    const seed = j["seed"] ?? 0;
    if (!Number.isInteger(seed)) throw invalid("`seed` must be an integer");
    if ((j["n"] ?? 1) !== 1) throw invalid("only `n` = 1 is supported");
    const stopRaw = j["stop"] ?? [];
    const stop = typeof stopRaw === "string" ? [stopRaw] : stopRaw;
    if (!Array.isArray(stop) || stop.length > 4 || !stop.every((s) => typeof s === "string" && s.length > 0))
      throw invalid("`stop` must be a string or up to 4 strings");
    const stream = j["stream"] ?? false;
    if (typeof stream !== "boolean") throw invalid("`stream` must be a boolean");
    const { id, model } = await this.resolve(j["model"] as string);
    return {
      modelId: id,
      model,
      prompt,
      maxTokens: maxTokens as number,
      temperature,
      seed: Number(BigInt.asUintN(32, BigInt(seed as number))),
      stop: stop as string[],
      stream,
      chat,
    };
  }

  /** A model id string → the on-chain model, refusing unknown, retired or unserved ones. */
  private async resolve(name: string): Promise<{ id: bigint; model: Model }> {
    const m = /^(?:openledger\/)?([0-9]{1,15})$/.exec(name);
    if (!m || BigInt(m[1]!) === 0n)
      throw new ApiError(
        404,
        "invalid_request_error",
        "model_not_found",
        `The model \`${name}\` does not exist`,
      );
    const id = BigInt(m[1]!);
    const model = await this.modelMeta(id);
    if (!model)
      throw new ApiError(
        404,
        "invalid_request_error",
        "model_not_found",
        `The model \`${name}\` does not exist`,
      );
    if (model.status !== ModelStatus.MODEL_STATUS_ACTIVE)
      throw new ApiError(404, "invalid_request_error", "model_retired", `The model \`${name}\` is retired`);
    if (this.o.operator) {
      const served = await this.servedSet();
      if (!served.has(id))
        throw new ApiError(
          404,
          "invalid_request_error",
          "model_not_served",
          `The model \`${name}\` is not served by this operator`,
        );
    }
    return { id, model };
  }

  private async modelMeta(id: bigint): Promise<Model | undefined> {
    const k = id.toString();
    const hit = this.meta.get(k);
    const now = Date.now();
    if (hit && now - hit.at < this.o.metaTtlMs) return hit.model;
    const model = await this.chain.getModel(id);
    if (model) this.meta.set(k, { model, at: now });
    else this.meta.delete(k);
    return model;
  }

  private servedCache?: { set: Set<bigint>; at: number };

  private async servedSet(): Promise<Set<bigint>> {
    const now = Date.now();
    if (this.servedCache && now - this.servedCache.at < this.o.metaTtlMs) return this.servedCache.set;
    const set = new Set(await this.chain.servedBy(this.o.operator ?? ""));
    this.servedCache = { set, at: now };
    return set;
  }

  private async listModels(): Promise<unknown> {
    let models = await this.chain.activeModels();
    if (this.o.operator) {
      const served = await this.servedSet();
      models = models.filter((m) => served.has(big(m.id)));
    }
    return { object: "list", data: models.map(modelObject) };
  }

  // ---- artifacts ----

  private async load(id: bigint, model: Model): Promise<LoadedModel> {
    const sha = model.artifact?.sha256 ?? "";
    const key = `${id}:${sha}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.stats.cacheHits++;
      return hit;
    }
    let p = this.loading.get(key);
    if (!p) {
      p = this.fetchAndVerify(id, model).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async fetchAndVerify(id: bigint, model: Model): Promise<LoadedModel> {
    const runtime = this.runtimes.find((r) => r.kinds.includes(model.kind));
    if (!runtime)
      throw new ApiError(
        501,
        "invalid_request_error",
        "unsupported_model_kind",
        `model ${id} is a ${ModelKind[model.kind] ?? model.kind} model over ${model.baseModel}; this gateway runs ngram models only (see src/serve/adapters.ts)`,
      );
    const a = model.artifact;
    const bytes = await this.readArtifact(id, a?.uri ?? "");
    const got = createHash("sha256").update(bytes).digest("hex");
    if (got !== a?.sha256 || BigInt(bytes.length) !== big(a?.size))
      throw new ApiError(
        502,
        "server_error",
        "artifact_hash_mismatch",
        `artifact of model ${id} does not match its on-chain record (sha256 ${a?.sha256}, ${big(a?.size)} bytes; got sha256 ${got}, ${bytes.length} bytes): refusing to load it`,
      );
    let loaded: LoadedModel;
    try {
      loaded = runtime.load(bytes, model.baseModel);
    } catch (e) {
      throw new ApiError(
        502,
        "server_error",
        "artifact_invalid",
        `artifact of model ${id} is invalid: ${(e as Error).message}`,
      );
    }
    this.stats.loads++;
    this.cache.set(`${id}:${a.sha256}`, loaded, loaded.approxBytes + bytes.length);
    return loaded;
  }

  private async readArtifact(id: bigint, uri: string): Promise<Uint8Array> {
    const unavailable = (why: string) =>
      new ApiError(
        502,
        "server_error",
        "artifact_unavailable",
        `artifact of model ${id} (${uri}) is unavailable: ${why}`,
      );
    try {
      if (/^https?:\/\//.test(uri)) {
        if (!this.o.allowHttpArtifacts)
          throw unavailable("http(s) artifact fetch is disabled (--allow-http-artifacts)");
        const r = await fetch(uri, { signal: AbortSignal.timeout(60_000) });
        if (!r.ok) throw unavailable(`HTTP ${r.status}`);
        const b = new Uint8Array(await r.arrayBuffer());
        if (b.length > this.o.maxArtifactBytes) throw unavailable("too large");
        return b;
      }
      let path: string;
      if (uri.startsWith("file://")) path = fileURLToPath(uri);
      else {
        const name = uri.startsWith("local:") ? uri.slice("local:".length) : uri;
        if (/^[a-z][a-z0-9+.-]*:/i.test(name)) throw unavailable("unsupported URI scheme");
        const dir = resolve(this.o.artifactDir);
        path = resolve(dir, name);
        const rel = relative(dir, path);
        if (rel.startsWith("..") || isAbsolute(rel)) throw unavailable("path escapes the artifact dir");
      }
      if (statSync(path).size > this.o.maxArtifactBytes) throw unavailable("too large");
      return readFileSync(path);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw unavailable((e as Error).message);
    }
  }

  // ---- completions ----

  private async complete(job: Job, res: ServerResponse): Promise<void> {
    const model = await this.load(job.modelId, job.model);
    const pieces: string[] = [];
    let text = "";
    let finish: FinishReason = "length";
    let outTokens = 0;
    // A completion continues the prompt (leading space); a chat answer starts fresh.
    let prev = job.chat || job.prompt === "" ? "" : "x";
    const gen = model.generate(job.prompt, {
      maxTokens: job.maxTokens,
      temperature: job.temperature,
      seed: job.seed,
    });
    for (;;) {
      const r = gen.next();
      if (r.done) {
        finish = r.value;
        break;
      }
      outTokens++;
      const piece = (spaceBetween(prev, r.value) ? " " : "") + r.value;
      prev = r.value;
      const next = text + piece;
      const hit = job.stop.map((s) => next.indexOf(s)).filter((i) => i >= 0);
      if (hit.length > 0) {
        const cut = Math.min(...hit);
        if (cut > text.length) pieces.push(next.slice(text.length, cut));
        text = next.slice(0, cut);
        finish = "stop";
        break;
      }
      pieces.push(piece);
      text = next;
    }
    const inTokens = tokenizeToStrings(job.prompt).length;
    const id = `${job.chat ? "chatcmpl" : "cmpl"}-${randomUUID().replaceAll("-", "")}`;
    const created = Math.floor(Date.now() / 1000);
    const name = job.modelId.toString();
    const usage = {
      prompt_tokens: inTokens,
      completion_tokens: outTokens,
      total_tokens: inTokens + outTokens,
    };
    this.record(job, id, text, inTokens, outTokens, finish);
    this.stats.completions++;
    const openledger = await this.settleCompletion(job, inTokens, text);
    if (!job.stream) {
      const choice = job.chat
        ? { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: finish }
        : { index: 0, text, logprobs: null, finish_reason: finish };
      return this.send(res, 200, {
        id,
        object: job.chat ? "chat.completion" : "text_completion",
        created,
        model: name,
        choices: [choice],
        usage,
        ...openledger,
      });
    }
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const object = job.chat ? "chat.completion.chunk" : "text_completion";
    const chunk = (delta: string | undefined, fin: FinishReason | null, first = false) => {
      const choice = job.chat
        ? {
            index: 0,
            delta: first ? { role: "assistant", content: "" } : delta === undefined ? {} : { content: delta },
            logprobs: null,
            finish_reason: fin,
          }
        : { index: 0, text: delta ?? "", logprobs: null, finish_reason: fin };
      return `data: ${JSON.stringify({ id, object, created, model: name, choices: [choice] })}\n\n`;
    };
    if (job.chat) res.write(chunk(undefined, null, true));
    for (const p of pieces) {
      if (!res.write(chunk(p, null))) await new Promise((ok) => res.once("drain", ok));
    }
    res.write(chunk(undefined, finish));
    res.write(
      `data: ${JSON.stringify({ id, object, created, model: name, choices: [], usage, ...openledger })}\n\n`,
    );
    res.end("data: [DONE]\n\n");
  }

  /** Settle a signed call on chain; `{ openledger: … }` for the reply (empty when nothing to settle). */
  private async settleCompletion(
    job: Job,
    inputTokens: number,
    output: string,
  ): Promise<Record<string, unknown>> {
    if (!job.signed || !this.o.settle) return {};
    try {
      return { openledger: { settlement: await this.o.settle({ signed: job.signed, inputTokens, output }) } };
    } catch (e) {
      return { openledger: { settlement: { error: (e as Error).message } } };
    }
  }

  private record(
    job: Job,
    id: string,
    text: string,
    inTokens: number,
    outTokens: number,
    finish: FinishReason,
  ): void {
    const m = job.model;
    writeSync(
      this.logFd,
      `${JSON.stringify({
        v: 1,
        id,
        time: new Date().toISOString(),
        operator: this.o.operator ?? "",
        model_id: job.modelId.toString(),
        artifact_sha256: m.artifact?.sha256 ?? "",
        datanets: (m.datanets ?? []).map((d) => `${big(d.datanetId)}@${big(d.version)}`),
        input_price: m.inputPrice,
        output_price: m.outputPrice,
        endpoint: job.chat ? "chat.completions" : "completions",
        prompt_sha256: createHash("sha256").update(job.prompt).digest("hex"),
        input_tokens: inTokens,
        output_tokens: outTokens,
        output_text: text,
        finish_reason: finish,
        temperature: job.temperature,
        seed: job.seed,
        max_tokens: job.maxTokens,
      })}\n`,
    );
  }
}

/** The signed request of a call, checked against it (400 when malformed or for another model / prompt). */
function signedOf(req: IncomingMessage, body: Buffer, job: Job): SignedRequest | undefined {
  let signed: SignedRequest | undefined;
  try {
    signed = signedRequestOf(
      req.headers[REQUEST_HEADER],
      JSON.parse(body.toString("utf8")) as Record<string, unknown>,
    );
  } catch (e) {
    throw invalid(`invalid signed request: ${(e as Error).message}`, "invalid_signed_request");
  }
  if (!signed) return undefined;
  const wrong = mismatch(signed, job.modelId, job.prompt);
  if (wrong) throw invalid(wrong, "invalid_signed_request");
  return signed;
}

/** The OpenAI `model` object of an on-chain model (plus OpenLedger fields). */
export function modelObject(m: Model): Record<string, unknown> {
  return {
    id: big(m.id).toString(),
    object: "model",
    created: 0,
    owned_by: m.owner,
    name: m.name,
    kind: (ModelKind[m.kind] ?? "").replace("MODEL_KIND_", "").toLowerCase(),
    base_model: m.baseModel,
    artifact_sha256: m.artifact?.sha256 ?? "",
    input_price_per_1k: m.inputPrice,
    output_price_per_1k: m.outputPrice,
    datanets: (m.datanets ?? []).map((d) => `${big(d.datanetId)}@${big(d.version)}`),
  };
}
