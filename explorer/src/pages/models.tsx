/** Models (list, detail with pinned datanet versions, prices, operators) and inferences (spans, fee split). */
import type { ComponentChildren } from "preact";
import { type J, restMaybe } from "../api.js";
import { big, formatCoin, formatOpen } from "../format.js";
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
    const inf = await restMaybe("/openledger/attribution/v1/inferences", {
      model_id: props.id,
      "pagination.limit": 20,
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
          const infs = (x.inf?.["inferences"] as J[] | undefined) ?? [];
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
              <Card title="Inference history">
                {x.inf === undefined ? (
                  <Empty>The attribution module is not available on this node.</Empty>
                ) : infs.length === 0 ? (
                  <Empty>No inferences yet.</Empty>
                ) : (
                  <Table
                    head={["Inference", "Height", "Fee"]}
                    rows={infs.map((i) => [
                      <a href={`#/inference/${String(i["id"])}`}>#{String(i["id"])}</a>,
                      String(i["height"] ?? ""),
                      formatCoin((i["fee"] as J | undefined)?.["amount"] ?? i["fee"], "aopen"),
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

/** Split `text` at `spans` (`[start,end)` char offsets) into highlighted parts linked to rows. */
export function highlight(
  text: string,
  spans: { start: number; end: number; rowId: string }[],
): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let at = 0;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (const s of sorted) {
    const start = Math.max(at, Math.min(text.length, s.start));
    const end = Math.max(start, Math.min(text.length, s.end));
    if (start > at) out.push(text.slice(at, start));
    if (end > start)
      out.push(
        <a class="span" href={`#/row/${s.rowId}`} title={`row ${s.rowId}`} data-row={s.rowId}>
          <mark>{text.slice(start, end)}</mark>
        </a>,
      );
    at = end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** One settled inference. */
export function InferencePage(props: { id: string; sub: string }) {
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
          const answer = String(inf["output"] ?? inf["answer"] ?? "");
          const spans = ((inf["spans"] as J[]) ?? []).map((s) => ({
            start: Number(s["start"] ?? 0),
            end: Number(s["end"] ?? 0),
            rowId: String(s["row_id"] ?? ""),
          }));
          const split = ((inf["fee_split"] ?? inf["payouts"]) as J[] | undefined) ?? [];
          return (
            <>
              <Card title="Answer" testid="answer">
                <p class="answer">{highlight(answer, spans)}</p>
                <KV
                  rows={[
                    ["Model", <a href={`#/model/${String(inf["model_id"])}`}>{String(inf["model_id"])}</a>],
                    [
                      "Fee",
                      `${formatOpen(big((inf["fee"] as J | undefined)?.["amount"] ?? inf["fee"]))} OPEN`,
                    ],
                  ]}
                />
              </Card>
              <Card title="Fee split">
                <SplitChart
                  parts={split.map((p) => ({
                    label: String(p["role"] ?? p["recipient"] ?? p["address"] ?? ""),
                    value: big(p["amount"]),
                    text: `${formatOpen(big(p["amount"]))} OPEN`,
                  }))}
                />
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}
