/** Overview: height, block interval and tx/s charts over the last hours, validators, mempool; live. */
import { useEffect, useState } from "preact/hooks";
import { type J, rpc, subscribeBlocks } from "../api.js";
import { ago, short } from "../format.js";
import { hOf, sampleHistory, tOf } from "../history.js";
import { BarChart, Card, Id, KV, Show, Table, useLoad } from "../ui.js";

/** Performance mark set when the overview first shows chain data. */
export const FIRST_RENDER = "explorer:first-render";

/** Block metas of the last `count` blocks (newest first), 20 per `blockchain` call. */
export async function recentBlocks(count: number): Promise<{ latest: number; metas: J[] }> {
  const status = await rpc("status");
  const latest = Number((status["sync_info"] as J)["latest_block_height"]);
  const metas: J[] = [];
  let max = latest;
  const min = Math.max(1, latest - count + 1);
  while (max >= min) {
    const lo = Math.max(min, max - 19);
    const r = await rpc("blockchain", { minHeight: String(lo), maxHeight: String(max) });
    metas.push(...((r["block_metas"] as J[]) ?? []));
    max = lo - 1;
  }
  return { latest, metas };
}

function hdr(m: J): J {
  return (m["header"] as J) ?? {};
}

/** Live tick: increments on every NewBlock event. */
export function useLiveTick(): { tick: number; live: boolean } {
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState(false);
  useEffect(() => subscribeBlocks(() => setTick((t) => t + 1), setLive), []);
  return { tick, live };
}

/** Block list rows (newest first). */
export function BlockRows(props: { metas: J[] }) {
  return (
    <Table
      testid="block-list"
      head={["Height", "Hash", "Txs", "Proposer", "Time"]}
      rows={props.metas.map((m) => {
        const h = hdr(m);
        const hash = String((m["block_id"] as J | undefined)?.["hash"] ?? "");
        return [
          <a href={`#/block/${String(h["height"])}`}>{String(h["height"])}</a>,
          <code title={hash}>{short(hash, 6)}</code>,
          String(m["num_txs"] ?? "0"),
          <code title={String(h["proposer_address"])}>{short(String(h["proposer_address"] ?? ""), 6)}</code>,
          <span title={String(h["time"])}>{ago(h["time"])}</span>,
        ];
      })}
    />
  );
}

/** The overview page. */
export function OverviewPage() {
  const { tick, live } = useLiveTick();
  const load = useLoad(
    async () => {
      const [status, blocks, vals, mempool] = await Promise.all([
        rpc("status"),
        sampleHistory(rpc),
        rpc("validators", { per_page: "100" }),
        rpc("num_unconfirmed_txs"),
      ]);
      return { status, blocks, vals, mempool };
    },
    [],
    tick,
  );
  useEffect(() => {
    // First render with chain data: read by test/bench/explorer.ts.
    if (load.status === "ok" && performance.getEntriesByName(FIRST_RENDER).length === 0)
      performance.mark(FIRST_RENDER);
  }, [load.status]);
  return (
    <Show load={load}>
      {({ status, blocks, vals, mempool }) => {
        const sync = status["sync_info"] as J;
        const info = status["node_info"] as J;
        const pts = blocks.points;
        const intervals = pts.map((p) => p.interval);
        const tps = pts.map((p) => p.tps);
        const labels = pts.map((p) => `#${p.height} ${new Date(p.time).toLocaleTimeString()}`);
        const spanSec = pts.length > 1 ? ((pts[pts.length - 1]?.time ?? 0) - (pts[0]?.time ?? 0)) / 1000 : 0;
        const spanText =
          spanSec >= 3600
            ? `${Math.floor(spanSec / 3600)}h ${Math.round((spanSec % 3600) / 60)}m`
            : `${Math.round(spanSec / 60)}m ${Math.round(spanSec % 60)}s`;
        const recentAsc = [...blocks.recent].sort((a, b) => hOf(a) - hOf(b));
        const recentSpan = (tOf(recentAsc[recentAsc.length - 1]) - tOf(recentAsc[0])) / 1000;
        const avg = recentAsc.length > 1 ? recentSpan / (recentAsc.length - 1) : 0;
        const validators = (vals["validators"] as J[]) ?? [];
        const totalPower = validators.reduce((a, v) => a + BigInt(String(v["voting_power"] ?? "0")), 0n);
        return (
          <>
            <h1>
              Overview <span class={live ? "live on" : "live"}>{live ? "● live" : "○ polling off"}</span>
            </h1>
            <div class="stats">
              <div class="stat" data-testid="height">
                <span>Height</span>
                <b>{String(sync["latest_block_height"])}</b>
              </div>
              <div class="stat">
                <span>Chain</span>
                <b>{String(info["network"])}</b>
              </div>
              <div class="stat">
                <span>Avg block time</span>
                <b>{avg.toFixed(2)}s</b>
              </div>
              <div class="stat" data-testid="mempool">
                <span>Mempool</span>
                <b>{String(mempool["n_txs"] ?? mempool["total"] ?? "0")} txs</b>
              </div>
              <div class="stat">
                <span>Validators</span>
                <b>{validators.length}</b>
              </div>
            </div>
            <div class="grid2">
              <Card title={`Block interval · last ${spanText}`} testid="interval-chart">
                <BarChart values={intervals} labels={labels} label="seconds per block" unit="s" />
              </Card>
              <Card title={`Throughput · last ${spanText}`} testid="tps-chart">
                <BarChart values={tps} labels={labels} label="tx/s" />
              </Card>
            </div>
            <Card title="Latest blocks" testid="latest-blocks">
              <BlockRows metas={[...blocks.recent].sort((a, b) => hOf(b) - hOf(a)).slice(0, 10)} />
              <p>
                <a href="#/blocks">All recent blocks →</a>
              </p>
            </Card>
            <Card title="Validator set">
              <Table
                head={["Address", "Voting power", "Share"]}
                rows={validators.map((v) => {
                  const p = BigInt(String(v["voting_power"] ?? "0"));
                  return [
                    <Id value={String(v["address"])} />,
                    p.toString(),
                    totalPower > 0n ? `${Number((p * 10000n) / totalPower) / 100}%` : "—",
                  ];
                })}
              />
            </Card>
            <Card title="Node">
              <KV
                rows={[
                  ["Moniker", String(info["moniker"])],
                  ["Version", String(info["version"])],
                  ["Latest block time", String(sync["latest_block_time"])],
                  ["Catching up", String(sync["catching_up"])],
                ]}
              />
            </Card>
          </>
        );
      }}
    </Show>
  );
}
