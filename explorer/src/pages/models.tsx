/** Models (list, detail with pinned datanet versions, prices, operators) and inferences (spans, fee split). */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { type J, rest, restMaybe, rpc } from "../api.js";
import { big, formatCoin, short } from "../format.js";
import { Card, Empty, Id, KV, Show, SplitChart, Table, useLoad } from "../ui.js";

const MODELS_MISSING = "The models module is not available on this node.";

/** The models list. */
export function ModelsPage() {
  const load = useLoad(
    async () => await restMaybe("/openledger/models/v1/models", { "pagination.limit": 100 }),
    [],
  );
  return (
    <>
      <h1>Models</h1>
      <Show load={load}>
        {(r) => {
          if (r === undefined) return <Empty>{MODELS_MISSING}</Empty>;
          const list = (r["models"] as J[]) ?? [];
          if (list.length === 0) return <Empty>No models registered yet.</Empty>;
          return (
            <Table
              testid="models"
              head={["Id", "Name", "Kind", "Base", "Status", "Input price"]}
              rows={list.map((m) => [
                <a href={`#/model/${String(m["id"])}`}>{String(m["id"])}</a>,
                <a href={`#/model/${String(m["id"])}`}>{String(m["name"])}</a>,
                String(m["kind"] ?? "")
                  .replace("MODEL_KIND_", "")
                  .toLowerCase(),
                String(m["base_model"] ?? ""),
                String(m["status"] ?? "")
                  .replace("MODEL_STATUS_", "")
                  .toLowerCase(),
                formatCoin(m["input_price"] ?? "0", "aopen"),
              ])}
            />
          );
        }}
      </Show>
    </>
  );
}

/** One model. */
export function ModelPage(props: { id: string }) {
  const load = useLoad(async () => {
    const m = await restMaybe(`/openledger/models/v1/models/${props.id}`);
    if (m === undefined) return undefined;
    const ops = await restMaybe("/openledger/models/v1/operators", { "pagination.limit": 100 });
    const inf = await restMaybe(`/openledger/attribution/v1/models/${props.id}/inferences`, {
      "pagination.limit": 100,
    });
    return { m: (m["model"] as J) ?? m, ops: (ops?.["operators"] as J[] | undefined) ?? [], inf };
  }, [props.id]);
  return (
    <>
      <h1>Model {props.id}</h1>
      <Show load={load}>
        {(x) => {
          if (x === undefined)
            return (
              <Empty>
                Model {props.id} not found (or {MODELS_MISSING.toLowerCase()})
              </Empty>
            );
          const m = x.m;
          const id = String(m["id"]);
          const operators = x.ops.filter((o) => ((o["models"] as unknown[]) ?? []).map(String).includes(id));
          const infs = [...((x.inf?.["inferences"] as J[] | undefined) ?? [])].sort(
            (p, q) => Number(q["id"]) - Number(p["id"]),
          );
          return (
            <>
              <Card title={String(m["name"])} testid="model">
                <KV
                  rows={[
                    ["Owner", <Id value={String(m["owner"])} href={`#/account/${String(m["owner"])}`} />],
                    [
                      "Kind",
                      String(m["kind"] ?? "")
                        .replace("MODEL_KIND_", "")
                        .toLowerCase(),
                    ],
                    ["Base model", String(m["base_model"] ?? "")],
                    ["Input price", formatCoin(m["input_price"] ?? "0", "aopen")],
                    ["Output price", formatCoin(m["output_price"] ?? "0", "aopen")],
                    ["Artifact", <Id value={String((m["artifact"] as J | undefined)?.["sha256"] ?? "")} />],
                    [
                      "Datanets",
                      ((m["datanets"] as J[]) ?? []).map((d, i) => (
                        <div key={i}>
                          <a href={`#/datanet/${String(d["datanet_id"])}`}>
                            datanet {String(d["datanet_id"])}
                          </a>{" "}
                          @ v{String(d["version"])}
                        </div>
                      )),
                    ],
                  ]}
                />
              </Card>
              <Card title="Operators">
                {operators.length === 0 ? (
                  <Empty>No operators serve this model.</Empty>
                ) : (
                  <Table
                    head={["Operator", "Endpoint", "Bond"]}
                    rows={operators.map((o) => [
                      <Id value={String(o["address"])} href={`#/account/${String(o["address"])}`} />,
                      String(o["endpoint"]),
                      formatCoin(o["bond"] ?? "0", "aopen"),
                    ])}
                  />
                )}
              </Card>
              <Card title="Inference history" testid="model-inferences">
                {x.inf === undefined ? (
                  <Empty>The attribution module is not available on this node.</Empty>
                ) : infs.length === 0 ? (
                  <Empty>No inferences yet.</Empty>
                ) : (
                  <Table
                    head={["Inference", "Height", "Fee", "Output tokens", "Rows paid"]}
                    rows={infs.map((i) => [
                      <a href={`#/inference/${String(i["id"])}`}>#{String(i["id"])}</a>,
                      <a href={`#/block/${String(i["height"])}`}>{String(i["height"] ?? "")}</a>,
                      formatCoin(i["fee"], "aopen"),
                      String(i["output_tokens"] ?? ""),
                      String(((i["rows"] as unknown[]) ?? []).length),
                    ])}
                  />
                )}
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}

/** A matched span of an answer: UTF-16 offsets and the rows that hold it. */
export interface Span {
  start: number;
  end: number;
  rows: string[];
}

/** Split `text` at `spans` into highlighted parts, each linked to (the first of) the rows it came from. */
export function highlight(text: string, spans: Span[]): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let at = 0;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (const s of sorted) {
    const start = Math.max(at, Math.min(text.length, s.start));
    const end = Math.max(start, Math.min(text.length, s.end));
    if (start > at) out.push(text.slice(at, start));
    if (end > start)
      out.push(
        <a
          class="span"
          href={`#/row/${s.rows[0] ?? ""}`}
          title={`from row ${s.rows.join(", row ")}`}
          data-rows={s.rows.join(",")}
        >
          <mark>{text.slice(start, end)}</mark>
        </a>,
      );
    at = end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

function b64ToHex(b64: unknown): string {
  if (typeof b64 !== "string" || b64 === "") return "";
  const bin = atob(b64);
  return Array.from(bin, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}

function hexSha256(text: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(text)));
}

/**
 * The settled answer of inference `id`, read from its settlement tx: `tx_search` on
 * `inference_settled.inference_id`, then the REST tx's `MsgSettleInference` messages; the one whose
 * `output` hashes to the record's `output_sha256` wins. `""` when no tx is found (e.g. pruned).
 */
async function settledOutput(id: string, outputHash: string): Promise<{ text: string; tx: string }> {
  if (outputHash === "") return { text: "", tx: "" };
  const s = await rpc("tx_search", {
    query: `inference_settled.inference_id='${id}'`,
    per_page: "10",
    order_by: "asc",
  }).catch(() => ({ txs: [] }) as J);
  for (const t of (s["txs"] as J[] | undefined) ?? []) {
    const hash = String(t["hash"] ?? "");
    if (hash === "") continue;
    const r = await rest(`/cosmos/tx/v1beta1/txs/${hash.toUpperCase()}`).catch(() => undefined);
    const msgs =
      (((r?.["tx"] as J | undefined)?.["body"] as J | undefined)?.["messages"] as J[] | undefined) ?? [];
    for (const m of msgs) {
      if (!String(m["@type"] ?? "").endsWith("MsgSettleInference")) continue;
      const out = m["output"];
      if (typeof out === "string" && hexSha256(out) === outputHash) return { text: out, tx: hash };
    }
  }
  return { text: "", tx: "" };
}

/** The answer of an inference with its attributed spans (read from the settlement tx, else pasted). */
function Answer(props: { id: string; modelId: string; outputHash: string; initial: string }) {
  const found = useLoad(
    async () => await settledOutput(props.id, props.outputHash),
    [props.id, props.outputHash],
  );
  if (props.initial === "" && found.status === "loading")
    return <p class="muted loading">Looking up the settlement tx…</p>;
  const auto = props.initial === "" && found.status === "ok" ? found.data : { text: "", tx: "" };
  const initial = props.initial !== "" ? props.initial : auto.text;
  return (
    <AnswerText
      key={`${initial}|${auto.tx}`}
      modelId={props.modelId}
      outputHash={props.outputHash}
      initial={initial}
      tx={auto.tx}
    />
  );
}

function AnswerText(props: { modelId: string; outputHash: string; initial: string; tx: string }) {
  const [text, setText] = useState(props.initial);
  const [draft, setDraft] = useState(props.initial);
  const load = useLoad(async () => {
    if (text === "") return undefined;
    const r = await restMaybe(`/openledger/attribution/v1/explain/${props.modelId}`, { text });
    return r;
  }, [props.modelId, text]);
  const hash = text === "" ? "" : hexSha256(text);
  const fromTx = props.tx !== "" && text === props.initial;
  return (
    <>
      {fromTx ? (
        <p class="muted" data-testid="answer-source">
          From settlement tx <a href={`#/tx/${props.tx}`}>{props.tx.slice(0, 12)}…</a>
        </p>
      ) : (
        <form
          class="answer-form"
          onSubmit={(e) => {
            e.preventDefault();
            setText(draft);
          }}
        >
          <textarea
            name="answer"
            rows={3}
            value={draft}
            placeholder="The chain keeps only the answer's sha256: paste the answer to see which rows it came from"
            onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
          />
          <button type="submit">Attribute</button>
        </form>
      )}
      {text !== "" && (
        <p data-testid="answer-hash">
          {props.outputHash === "" ? (
            <span class="muted">no output hash on chain</span>
          ) : hash === props.outputHash ? (
            <span class="ok">✓ matches the settled output (sha256)</span>
          ) : (
            <span class="bad">✗ differs from the settled output's sha256</span>
          )}
        </p>
      )}
      <Show load={load}>
        {(r) => {
          if (text === "") return null;
          if (r === undefined) return <Empty>Explain is not available on this node.</Empty>;
          const spans = ((r["spans"] as J[]) ?? []).map((s) => ({
            start: Number(s["char_start"] ?? 0),
            end: Number(s["char_end"] ?? 0),
            rows: ((s["row_ids"] as unknown[]) ?? []).map(String),
          }));
          return (
            <>
              <p class="answer" data-testid="answer">
                {highlight(text, spans)}
              </p>
              <p class="muted">
                {String(r["matched_tokens"] ?? 0)} of {String(r["total_tokens"] ?? 0)} tokens matched in{" "}
                {spans.length} spans
              </p>
            </>
          );
        }}
      </Show>
    </>
  );
}

const SPLIT_PARTS: [string, string][] = [
  ["contributors", "contributors"],
  ["owner", "model owner"],
  ["operator", "operator"],
  ["stakers", "stakers"],
  ["platform", "platform"],
  ["penalty_to_pool", "penalty → pool"],
  ["unattributed_to_pool", "unattributed → pool"],
];

/** One settled inference: record, fee split chart, paid rows, and the answer with its spans. */
export function InferencePage(props: { id: string; text: string }) {
  const load = useLoad(
    async () => await restMaybe(`/openledger/attribution/v1/inferences/${props.id}`),
    [props.id],
  );
  return (
    <>
      <h1>Inference {props.id}</h1>
      <Show load={load}>
        {(r) => {
          if (r === undefined)
            return (
              <Empty>
                Inference {props.id} not found (or the attribution module is not available on this node).
              </Empty>
            );
          const inf = (r["inference"] as J) ?? r;
          const split = (inf["split"] as J) ?? {};
          const rows = (inf["rows"] as J[]) ?? [];
          return (
            <>
              <Card title="Settlement" testid="inference">
                <KV
                  rows={[
                    ["Model", <a href={`#/model/${String(inf["model_id"])}`}>{String(inf["model_id"])}</a>],
                    ["Fee", formatCoin(inf["fee"], "aopen")],
                    [
                      "Requester",
                      <Id value={String(inf["requester"])} href={`#/account/${String(inf["requester"])}`} />,
                    ],
                    [
                      "Operator",
                      <Id value={String(inf["operator"])} href={`#/account/${String(inf["operator"])}`} />,
                    ],
                    ["Tokens in / out", `${String(inf["input_tokens"])} / ${String(inf["output_tokens"])}`],
                    ["Height", <a href={`#/block/${String(inf["height"])}`}>{String(inf["height"])}</a>],
                    ["Attributed", inf["unattributed"] ? "no (unattributed)" : "yes"],
                  ]}
                />
              </Card>
              <Card title="Answer">
                <Answer
                  id={props.id}
                  modelId={String(inf["model_id"])}
                  outputHash={b64ToHex(inf["output_sha256"])}
                  initial={props.text}
                />
              </Card>
              <Card title="Fee split">
                <SplitChart
                  parts={SPLIT_PARTS.map(([k, label]) => ({
                    label,
                    value: big(split[k]),
                    text: formatCoin(split[k] ?? "0", "aopen"),
                  })).filter((p) => p.value > 0n)}
                />
              </Card>
              <Card title={`Rows paid (${rows.length})`} testid="paid-rows">
                {rows.length === 0 ? (
                  <Empty>No rows were credited.</Empty>
                ) : (
                  <Table
                    head={["Row", "Datanet", "Contributor", "Share", "Paid"]}
                    rows={rows.map((w) => [
                      <a href={`#/row/${String(w["row_id"])}`}>#{String(w["row_id"])}</a>,
                      <a href={`#/datanet/${String(w["datanet_id"])}`}>{String(w["datanet_id"])}</a>,
                      <a href={`#/contributor/${String(w["contributor"])}`}>
                        {short(String(w["contributor"]), 10)}
                      </a>,
                      `${(Number(w["ppm"] ?? 0) / 10000).toFixed(2)}%`,
                      <span class="amount" data-amount={String(w["amount"])}>
                        {formatCoin(w["amount"], "aopen")}
                      </span>,
                    ])}
                  />
                )}
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}
