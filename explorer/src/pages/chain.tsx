/** Blocks list (live), block detail, tx detail. */
import { ApiError, type J, rest, rpc, txHash } from "../api.js";
import { formatCoin, formatTime } from "../format.js";
import { Card, Coins, Empty, Id, Json, KV, Show, Table, useLoad } from "../ui.js";
import { BlockRows, recentBlocks, useLiveTick } from "./overview.js";

/** The live list of recent blocks. */
export function BlocksPage() {
  const { tick, live } = useLiveTick();
  const load = useLoad(() => recentBlocks(40), [], tick);
  return (
    <>
      <h1>
        Blocks <span class={live ? "live on" : "live"}>{live ? "● live" : "○"}</span>
      </h1>
      <Show load={load}>{(b) => <BlockRows metas={b.metas} />}</Show>
    </>
  );
}

const ADDRESS = /^[a-z]+1[02-9ac-hj-np-z]{38,58}$/;

/** An event attribute value: addresses become links, `123aopen` amounts readable OPEN. */
function EventValue(props: { value: string }) {
  const v = props.value;
  if (ADDRESS.test(v) && !v.includes("valoper")) return <a href={`#/account/${v}`}>{v}</a>;
  const coins = v.split(",");
  if (coins.every((c) => /^\d+(\.\d+)?[a-z][a-z0-9/]*$/.test(c)))
    return (
      <span title={v}>
        {coins
          .map((c) => {
            const [, amount = "0", denom = ""] = /^(\d+)(?:\.\d+)?(.*)$/.exec(c) ?? [];
            return formatCoin(amount, denom);
          })
          .join(", ")}
      </span>
    );
  return <>{v}</>;
}

/** Events as a compact table. */
export function Events(props: { events: unknown }) {
  const evs = Array.isArray(props.events) ? (props.events as J[]) : [];
  if (evs.length === 0) return <Empty>No events.</Empty>;
  return (
    <div class="events">
      {evs.map((e, i) => (
        <div class="event" key={i}>
          <b>{String(e["type"])}</b>
          <dl>
            {((e["attributes"] as J[]) ?? []).map((a, j) => (
              <div key={j}>
                <dt>{String(a["key"])}</dt>
                <dd>
                  <EventValue value={String(a["value"] ?? "")} />
                </dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </div>
  );
}

/** One block: header, txs (hash, result) and its events. */
export function BlockPage(props: { height: string }) {
  const load = useLoad(async () => {
    const [b, r] = await Promise.all([
      rpc("block", { height: props.height }),
      rpc("block_results", { height: props.height }).catch(() => undefined),
    ]);
    const block = b["block"] as J;
    const txs = (((block["data"] as J)["txs"] as string[]) ?? []).map((t) => txHash(t));
    return { b, block, r, txs };
  }, [props.height]);
  return (
    <>
      <h1>Block {props.height}</h1>
      <Show load={load}>
        {({ b, block, r, txs }) => {
          const h = block["header"] as J;
          const results = (r?.["txs_results"] as J[] | undefined) ?? [];
          const n = Number(props.height);
          return (
            <>
              <p class="pager">
                {n > 1 && <a href={`#/block/${n - 1}`}>← {n - 1}</a>}{" "}
                <a href={`#/block/${n + 1}`}>{n + 1} →</a>
              </p>
              <Card title="Header" testid="block-header">
                <KV
                  rows={[
                    ["Height", String(h["height"])],
                    ["Hash", <Id value={String((b["block_id"] as J)["hash"])} full />],
                    ["Time", formatTime(h["time"])],
                    ["Chain", String(h["chain_id"])],
                    ["Proposer", <Id value={String(h["proposer_address"])} />],
                    ["Txs", String(txs.length)],
                    ["App hash", <Id value={String(h["app_hash"])} />],
                  ]}
                />
              </Card>
              <Card title="Transactions" testid="block-txs">
                {txs.length === 0 ? (
                  <Empty>No transactions in this block.</Empty>
                ) : (
                  <Table
                    head={["Hash", "Result", "Gas used / wanted"]}
                    rows={txs.map((hash, i) => {
                      const res = results[i] ?? {};
                      const code = Number(res["code"] ?? 0);
                      return [
                        <Id value={hash} href={`#/tx/${hash}`} />,
                        code === 0 ? (
                          <span class="ok">success</span>
                        ) : (
                          <span class="bad">failed ({code})</span>
                        ),
                        `${String(res["gas_used"] ?? "?")} / ${String(res["gas_wanted"] ?? "?")}`,
                      ];
                    })}
                  />
                )}
              </Card>
              <Card title="Block events">
                <Events events={r?.["finalize_block_events"] ?? r?.["begin_block_events"]} />
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}

/** The signer of a tx: the first sender-like field of its first message. */
export function signerOf(messages: J[]): string | undefined {
  for (const m of messages) {
    for (const k of [
      "from_address",
      "sender",
      "delegator_address",
      "creator",
      "owner",
      "signer",
      "contributor",
    ]) {
      const v = m[k];
      if (typeof v === "string" && v) return v;
    }
  }
  return undefined;
}

/** Link addresses found in a message to their account pages. */
function Message(props: { msg: J }) {
  const m = props.msg;
  const { "@type": type, ...rest } = m;
  return (
    <div class="msg" data-testid="tx-message">
      <b>{String(type)}</b>
      <KV
        rows={Object.entries(rest).map(([k, v]) => [
          k,
          typeof v === "string" && /^[a-z]+1[02-9ac-hj-np-z]{20,}$/.test(v) && !v.includes("valoper") ? (
            <Id value={v} href={`#/account/${v}`} full />
          ) : k === "amount" || k === "funds" || k === "value" ? (
            Array.isArray(v) ? (
              <Coins coins={v} />
            ) : typeof v === "object" && v !== null && "denom" in v ? (
              <Coins coins={[v]} />
            ) : (
              <Json value={v} />
            )
          ) : typeof v === "object" ? (
            <Json value={v} />
          ) : (
            String(v)
          ),
        ])}
      />
    </div>
  );
}

/** One transaction (REST GetTx): decoded messages, events, fee, gas, signer. */
export function TxPage(props: { hash: string }) {
  const load = useLoad(async () => {
    try {
      return await rest(`/cosmos/tx/v1beta1/txs/${props.hash.toUpperCase()}`);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || /not found/i.test(e.message)))
        throw new ApiError(`transaction ${props.hash} not found`, 404);
      throw e;
    }
  }, [props.hash]);
  return (
    <>
      <h1>Transaction</h1>
      <Show load={load}>
        {(d) => {
          const tx = (d["tx"] as J) ?? {};
          const body = (tx["body"] as J) ?? {};
          const auth = (tx["auth_info"] as J) ?? {};
          const fee = (auth["fee"] as J) ?? {};
          const resp = (d["tx_response"] as J) ?? {};
          const msgs = (body["messages"] as J[]) ?? [];
          const signer = signerOf(msgs);
          const code = Number(resp["code"] ?? 0);
          return (
            <>
              <Card title="Summary" testid="tx-summary">
                <KV
                  rows={[
                    ["Hash", <Id value={String(resp["txhash"] ?? props.hash)} full />],
                    ["Height", <a href={`#/block/${String(resp["height"])}`}>{String(resp["height"])}</a>],
                    [
                      "Status",
                      code === 0 ? (
                        <span class="ok">success</span>
                      ) : (
                        <span class="bad">
                          failed (code {code}, {String(resp["codespace"] ?? "")}):{" "}
                          {String(resp["raw_log"] ?? "")}
                        </span>
                      ),
                    ],
                    ["Signer", signer ? <Id value={signer} href={`#/account/${signer}`} full /> : "—"],
                    ["Fee", <Coins coins={fee["amount"]} />],
                    ["Gas used / wanted", `${String(resp["gas_used"])} / ${String(resp["gas_wanted"])}`],
                    ["Memo", String(body["memo"] ?? "") || "—"],
                    ["Time", formatTime(resp["timestamp"])],
                  ]}
                />
              </Card>
              <Card title={`Messages (${msgs.length})`}>
                {msgs.map((m, i) => (
                  <Message key={i} msg={m} />
                ))}
              </Card>
              <Card title="Events">
                <Events events={resp["events"]} />
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}
