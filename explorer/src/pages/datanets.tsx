/** Datanets: list with tag search, detail with versions, curators, stats and rows page by page; one row. */
import { useState } from "preact/hooks";
import { type J, rest, restMaybe } from "../api.js";
import { formatCoin } from "../format.js";
import { Card, Coin, Empty, Id, KV, Show, Table, useLoad } from "../ui.js";
import { RowsTable } from "./account.js";

const MODULE_MISSING = "The datanets module is not available on this node.";
const PAGE = 10;

/** The datanets list. */
export function DatanetsPage(props: { tag: string }) {
  const [tag, setTag] = useState(props.tag);
  const load = useLoad(
    async () =>
      await restMaybe("/openledger/datanets/v1/datanets", {
        "pagination.limit": 100,
        ...(props.tag ? { tag: props.tag } : {}),
      }),
    [props.tag],
  );
  return (
    <>
      <h1>Datanets</h1>
      <form
        class="search inline"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = tag ? `#/datanets?tag=${encodeURIComponent(tag)}` : "#/datanets";
        }}
      >
        <input
          value={tag}
          placeholder="tag"
          aria-label="tag"
          onInput={(e) => setTag((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Filter</button>
      </form>
      <Show load={load}>
        {(r) => {
          if (r === undefined) return <Empty>{MODULE_MISSING}</Empty>;
          const list = (r["datanets"] as J[]) ?? [];
          if (list.length === 0)
            return <Empty>No datanets{props.tag ? ` tagged “${props.tag}”` : ""}.</Empty>;
          return (
            <Table
              testid="datanets"
              head={["Id", "Name", "Tags", "Status", "Accepted rows", "Version"]}
              rows={list.map((d) => [
                <a href={`#/datanet/${String(d["id"])}`}>{String(d["id"])}</a>,
                <a href={`#/datanet/${String(d["id"])}`}>{String(d["name"])}</a>,
                ((d["tags"] as string[]) ?? []).map((t) => (
                  <a class="tag" key={t} href={`#/datanets?tag=${encodeURIComponent(t)}`}>
                    {t}
                  </a>
                )),
                String(d["status"] ?? "")
                  .replace("DATANET_STATUS_", "")
                  .toLowerCase(),
                String((d["totals"] as J | undefined)?.["rows_accepted"] ?? "0"),
                String(d["current_version"] ?? "0"),
              ])}
            />
          );
        }}
      </Show>
    </>
  );
}

/** One datanet. */
export function DatanetPage(props: { id: string; page: number }) {
  const load = useLoad(async () => {
    const d = await restMaybe(`/openledger/datanets/v1/datanets/${props.id}`);
    if (d === undefined) return undefined;
    const versions = await restMaybe(`/openledger/datanets/v1/datanets/${props.id}/versions`, {
      "pagination.limit": 50,
    });
    return { d: (d["datanet"] as J) ?? d, versions: (versions?.["versions"] as J[] | undefined) ?? [] };
  }, [props.id]);
  const rows = useLoad(
    async () =>
      await rest(`/openledger/datanets/v1/datanets/${props.id}/rows`, {
        "pagination.limit": PAGE,
        "pagination.offset": (props.page - 1) * PAGE,
        "pagination.count_total": "true",
      }),
    [props.id, props.page],
  );
  return (
    <>
      <h1>Datanet {props.id}</h1>
      <Show load={load}>
        {(x) => {
          if (x === undefined)
            return <Empty>Datanet {props.id} not found (or the datanets module is missing).</Empty>;
          const d = x.d;
          const t = (d["totals"] as J) ?? {};
          const policy = (d["policy"] as J) ?? {};
          return (
            <>
              <Card title={String(d["name"])} testid="datanet">
                <KV
                  rows={[
                    ["Summary", String(d["summary"] ?? "")],
                    ["Owner", <Id value={String(d["owner"])} href={`#/account/${String(d["owner"])}`} />],
                    ["Tags", ((d["tags"] as string[]) ?? []).join(", ") || "—"],
                    ["License", String(d["license"] ?? "")],
                    [
                      "Status",
                      String(d["status"] ?? "")
                        .replace("DATANET_STATUS_", "")
                        .toLowerCase(),
                    ],
                    [
                      "Policy",
                      `${String(policy["mode"] ?? "")
                        .replace("CONTRIBUTION_MODE_", "")
                        .toLowerCase()}, stake ${formatCoin(policy["stake_per_row"] ?? "0", "aopen")} per row`,
                    ],
                    [
                      "Curators",
                      ((d["curators"] as string[]) ?? []).map((c) => (
                        <div key={c}>
                          <Id value={c} href={`#/account/${c}`} />
                        </div>
                      )),
                    ],
                    [
                      "Rows",
                      `${String(t["rows_accepted"] ?? 0)} accepted · ${String(t["rows_pending"] ?? 0)} pending · ${String(t["rows_rejected"] ?? 0)} rejected · ${String(t["rows_withdrawn"] ?? 0)} withdrawn`,
                    ],
                    ["Accepted bytes", String(t["bytes_accepted"] ?? 0)],
                    ["Stake held", formatCoin(t["stake_held"] ?? "0", "aopen")],
                  ]}
                />
              </Card>
              <Card title="Versions" testid="versions">
                {x.versions.length === 0 ? (
                  <Empty>No published versions yet.</Empty>
                ) : (
                  <Table
                    head={["Version", "Rows", "Added", "Bytes", "Height", "Root"]}
                    rows={x.versions.map((v) => [
                      String(v["number"]),
                      String(v["row_count"]),
                      String(v["rows_added"]),
                      String(v["bytes"]),
                      <a href={`#/block/${String(v["height"])}`}>{String(v["height"])}</a>,
                      <Id value={String(v["root"] ?? "")} />,
                    ])}
                  />
                )}
              </Card>
            </>
          );
        }}
      </Show>
      <Card title="Rows">
        <Show load={rows}>
          {(r) => {
            const list = (r["rows"] as J[]) ?? [];
            const total = Number((r["pagination"] as J | undefined)?.["total"] ?? 0);
            const pages = Math.max(1, Math.ceil(total / PAGE));
            return (
              <>
                <RowsTable rows={list} />
                <p class="pager">
                  {props.page > 1 && <a href={`#/datanet/${props.id}?page=${props.page - 1}`}>← prev</a>} page{" "}
                  {props.page} of {pages}{" "}
                  {(props.page < pages || (total === 0 && list.length === PAGE)) && (
                    <a href={`#/datanet/${props.id}?page=${props.page + 1}`}>next →</a>
                  )}
                </p>
              </>
            );
          }}
        </Show>
      </Card>
    </>
  );
}

/** One row. */
export function RowPage(props: { id: string }) {
  const load = useLoad(async () => await restMaybe(`/openledger/datanets/v1/rows/${props.id}`), [props.id]);
  return (
    <>
      <h1>Row {props.id}</h1>
      <Show load={load}>
        {(r) => {
          if (r === undefined) return <Empty>Row {props.id} not found.</Empty>;
          const row = (r["row"] as J) ?? r;
          const c = String(row["contributor"]);
          return (
            <Card title="Row" testid="row">
              <KV
                rows={[
                  [
                    "Datanet",
                    <a href={`#/datanet/${String(row["datanet_id"])}`}>{String(row["datanet_id"])}</a>,
                  ],
                  ["Contributor", <Id value={c} href={`#/contributor/${c}`} full />],
                  [
                    "Status",
                    String(row["status"] ?? "")
                      .replace("ROW_STATUS_", "")
                      .toLowerCase(),
                  ],
                  ["Stake", <Coin coin={row["stake"]} />],
                  ["Version", String(row["version"] ?? "")],
                  [
                    "Created at",
                    <a href={`#/block/${String(row["created_height"])}`}>{String(row["created_height"])}</a>,
                  ],
                  ["sha256", <Id value={String(row["sha256"] ?? "")} />],
                  ["Content", <pre class="content">{String(row["content"] ?? "")}</pre>],
                ]}
              />
            </Card>
          );
        }}
      </Show>
    </>
  );
}
