/** Validators (power, commission, uptime, jailed) and governance proposals (list, detail with votes). */
import { type J, restMaybe, rpc } from "../api.js";
import { ago, formatOpen, formatPercent, formatTime } from "../format.js";
import { consensusAddress, eventOptions } from "../history.js";
import { Card, Coins, Empty, Id, KV, Show, SplitChart, Table, useLoad } from "../ui.js";

/** Bech32 prefix of an operator address `openvaloper1…` → `open`. */
function prefixOf(valoper: string): string {
  return valoper.replace(/valoper1.*$/, "") || "open";
}

/** The validators page. */
export function ValidatorsPage() {
  const load = useLoad(async () => {
    const [vals, infos, params] = await Promise.all([
      restMaybe("/cosmos/staking/v1beta1/validators", { "pagination.limit": 200 }),
      restMaybe("/cosmos/slashing/v1beta1/signing_infos", { "pagination.limit": 200 }),
      restMaybe("/cosmos/slashing/v1beta1/params"),
    ]);
    return { vals, infos, params };
  }, []);
  return (
    <>
      <h1>Validators</h1>
      <Show load={load}>
        {({ vals, infos, params }) => {
          if (vals === undefined) return <Empty>The staking module is not available on this node.</Empty>;
          const list = (vals["validators"] as J[]) ?? [];
          if (list.length === 0) return <Empty>No validators.</Empty>;
          const window = Number((params?.["params"] as J | undefined)?.["signed_blocks_window"] ?? 0);
          const byCons = new Map<string, J>();
          for (const i of (infos?.["info"] as J[] | undefined) ?? []) byCons.set(String(i["address"]), i);
          return (
            <Card title={`${list.length} validators`}>
              <Table
                testid="validators"
                head={["Moniker", "Operator", "Tokens", "Commission", "Status", "Uptime", "Missed"]}
                rows={list.map((v) => {
                  const op = String(v["operator_address"]);
                  const cons = consensusAddress(v["consensus_pubkey"], prefixOf(op));
                  const info = cons ? byCons.get(cons.bech32) : undefined;
                  const missed = Number(info?.["missed_blocks_counter"] ?? 0);
                  const jailedUntil = Date.parse(String(info?.["jailed_until"] ?? ""));
                  const jailed = v["jailed"] === true || info?.["tombstoned"] === true;
                  return [
                    String((v["description"] as J | undefined)?.["moniker"] ?? ""),
                    <Id value={op} />,
                    <Coins coins={[{ amount: v["tokens"], denom: "aopen" }]} />,
                    formatPercent(
                      ((v["commission"] as J | undefined)?.["commission_rates"] as J | undefined)?.["rate"],
                    ),
                    jailed ? (
                      <span
                        class="bad"
                        data-testid="jailed"
                        title={
                          Number.isFinite(jailedUntil) && jailedUntil > 0
                            ? `until ${formatTime(info?.["jailed_until"])}`
                            : ""
                        }
                      >
                        {info?.["tombstoned"] === true ? "tombstoned" : "jailed"}
                      </span>
                    ) : (
                      String(v["status"] ?? "")
                        .replace("BOND_STATUS_", "")
                        .toLowerCase()
                    ),
                    window > 0 && info !== undefined ? (
                      <span data-testid="uptime" title={cons?.bech32}>
                        {`${((100 * Math.max(0, window - missed)) / window).toFixed(2)}%`}
                      </span>
                    ) : (
                      "—"
                    ),
                    info !== undefined ? `${missed} / ${window}` : "—",
                  ];
                })}
              />
            </Card>
          );
        }}
      </Show>
    </>
  );
}

/** The proposals page (gov v1). */
export function ProposalsPage() {
  const load = useLoad(
    async () => await restMaybe("/cosmos/gov/v1/proposals", { "pagination.limit": 100 }),
    [],
  );
  return (
    <>
      <h1>Proposals</h1>
      <Show load={load}>
        {(r) => {
          if (r === undefined) return <Empty>Governance is not available on this node.</Empty>;
          const list = (r["proposals"] as J[]) ?? [];
          if (list.length === 0) return <Empty>No proposals yet.</Empty>;
          return (
            <Table
              testid="proposals"
              head={["Id", "Title", "Status", "Yes / No / Abstain / Veto"]}
              rows={list.map((p) => {
                const t = (p["final_tally_result"] as J | undefined) ?? {};
                return [
                  <a href={`#/proposal/${String(p["id"])}`}>{String(p["id"])}</a>,
                  <a href={`#/proposal/${String(p["id"])}`}>{String(p["title"] ?? "")}</a>,
                  String(p["status"] ?? "")
                    .replace("PROPOSAL_STATUS_", "")
                    .toLowerCase(),
                  `${String(t["yes_count"] ?? 0)} / ${String(t["no_count"] ?? 0)} / ${String(t["abstain_count"] ?? 0)} / ${String(t["no_with_veto_count"] ?? 0)}`,
                ];
              })}
            />
          );
        }}
      </Show>
    </>
  );
}

const PAGE = 20;
const VOTE_NAMES: [string, string][] = [
  ["yes_count", "Yes"],
  ["no_count", "No"],
  ["abstain_count", "Abstain"],
  ["no_with_veto_count", "No with veto"],
];

function optionText(o: string): string {
  return o.replace(/^VOTE_OPTION_/, "").toLowerCase();
}

function restOptions(v: J): string {
  const opts = (v["options"] as J[] | undefined) ?? [];
  if (opts.length === 1) return optionText(String(opts[0]?.["option"] ?? ""));
  return opts.map((o) => `${optionText(String(o["option"]))} ${Number(o["weight"] ?? 0)}`).join(", ");
}

function attr(tx: J, type: string, key: string): string {
  const evs = ((tx["tx_result"] as J | undefined)?.["events"] as J[] | undefined) ?? [];
  for (const e of evs) {
    if (e["type"] !== type) continue;
    for (const a of (e["attributes"] as J[] | undefined) ?? [])
      if (a["key"] === key) return String(a["value"]);
  }
  return "";
}

/** Votes of a proposal, page by page: the gov store while voting, else the chain's `proposal_vote` txs. */
async function loadVotes(
  id: string,
  page: number,
): Promise<{ rows: [string, string, string][]; total: number }> {
  const r = await restMaybe(`/cosmos/gov/v1/proposals/${id}/votes`, {
    "pagination.limit": PAGE,
    "pagination.offset": (page - 1) * PAGE,
    "pagination.count_total": "true",
  });
  const votes = (r?.["votes"] as J[] | undefined) ?? [];
  const total = Number((r?.["pagination"] as J | undefined)?.["total"] ?? votes.length);
  if (votes.length > 0 || total > 0)
    return { rows: votes.map((v) => [String(v["voter"]), restOptions(v), ""]), total };
  // Ended proposals' votes are pruned from state: read them from the txs that cast them.
  const s = await rpc("tx_search", {
    query: `proposal_vote.proposal_id='${id}'`,
    page: String(page),
    per_page: String(PAGE),
    order_by: "asc",
  }).catch(() => ({ txs: [], total_count: "0" }) as J);
  const txs = (s["txs"] as J[] | undefined) ?? [];
  return {
    rows: txs.map((t) => [
      attr(t, "proposal_vote", "voter"),
      eventOptions(attr(t, "proposal_vote", "option")),
      String(t["hash"] ?? ""),
    ]),
    total: Number(s["total_count"] ?? txs.length),
  };
}

/** Deposits: the gov store while they are held, else the chain's `proposal_deposit` txs. */
async function loadDeposits(id: string): Promise<[string, unknown, string][]> {
  const r = await restMaybe(`/cosmos/gov/v1/proposals/${id}/deposits`, { "pagination.limit": 100 });
  const ds = (r?.["deposits"] as J[] | undefined) ?? [];
  if (ds.length > 0) return ds.map((d) => [String(d["depositor"]), d["amount"], ""]);
  const s = await rpc("tx_search", {
    query: `proposal_deposit.proposal_id='${id}'`,
    per_page: "100",
    order_by: "asc",
  }).catch(() => ({ txs: [] }) as J);
  return ((s["txs"] as J[] | undefined) ?? []).map((t) => {
    const amount = attr(t, "proposal_deposit", "amount");
    const m = /^(\d+)([a-zA-Z/][\w/.-]*)$/.exec(amount.split(",")[0] ?? "");
    return [
      attr(t, "proposal_deposit", "depositor"),
      m ? [{ amount: m[1], denom: m[2] }] : [],
      String(t["hash"] ?? ""),
    ];
  });
}

/** One proposal: status, tally bar, votes page by page, deposits. */
export function ProposalPage(props: { id: string; page: number }) {
  const load = useLoad(async () => {
    const p = await restMaybe(`/cosmos/gov/v1/proposals/${props.id}`);
    if (p === undefined) return undefined;
    const prop = (p["proposal"] as J) ?? {};
    const voting = prop["status"] === "PROPOSAL_STATUS_VOTING_PERIOD";
    const [tally, votes, deposits] = await Promise.all([
      voting ? restMaybe(`/cosmos/gov/v1/proposals/${props.id}/tally`) : Promise.resolve(undefined),
      loadVotes(props.id, props.page),
      loadDeposits(props.id),
    ]);
    const t = ((tally?.["tally"] as J | undefined) ??
      (prop["final_tally_result"] as J | undefined) ??
      {}) as J;
    return { prop, t, votes, deposits };
  }, [props.id, props.page]);
  return (
    <>
      <h1>Proposal {props.id}</h1>
      <Show load={load}>
        {(d) => {
          if (d === undefined) return <Empty>No proposal {props.id} on this chain.</Empty>;
          const { prop, t, votes, deposits } = d;
          const pages = Math.max(1, Math.ceil(votes.total / PAGE));
          const status = String(prop["status"] ?? "")
            .replace("PROPOSAL_STATUS_", "")
            .toLowerCase();
          const msgs = ((prop["messages"] as J[] | undefined) ?? []).map((m) => String(m["@type"] ?? ""));
          return (
            <>
              <Card title={String(prop["title"] ?? "")}>
                <KV
                  rows={[
                    ["Status", <b data-testid="proposal-status">{status}</b>],
                    [
                      "Proposer",
                      <Id
                        value={String(prop["proposer"] ?? "")}
                        href={`#/account/${String(prop["proposer"] ?? "")}`}
                      />,
                    ],
                    ["Summary", String(prop["summary"] ?? "")],
                    ["Messages", msgs.length ? msgs.join(", ") : "none (text proposal)"],
                    ["Total deposit", <Coins coins={prop["total_deposit"]} />],
                    ["Submitted", `${formatTime(prop["submit_time"])} (${ago(prop["submit_time"])})`],
                    ["Voting ends", prop["voting_end_time"] ? formatTime(prop["voting_end_time"]) : "—"],
                  ]}
                />
              </Card>
              <Card title={status === "voting_period" ? "Tally so far" : "Final tally"} testid="tally">
                <SplitChart
                  name="tally"
                  parts={VOTE_NAMES.map(([k, label]) => {
                    const v = BigInt(String(t[k] ?? "0"));
                    return { label, value: v, text: `${formatOpen(v)} OPEN` };
                  })}
                />
              </Card>
              <Card title={`${votes.total} votes`} testid="votes">
                {votes.rows.length === 0 ? (
                  <Empty>No votes.</Empty>
                ) : (
                  <Table
                    head={["Voter", "Option", "Tx"]}
                    rows={votes.rows.map(([voter, opt, hash]) => [
                      <Id value={voter} href={`#/account/${voter}`} />,
                      opt,
                      hash ? <a href={`#/tx/${hash}`}>{hash.slice(0, 10)}…</a> : "—",
                    ])}
                  />
                )}
                {pages > 1 && (
                  <p class="pager">
                    {props.page > 1 && <a href={`#/proposal/${props.id}?page=${props.page - 1}`}>← prev</a>}{" "}
                    page {props.page} of {pages}{" "}
                    {props.page < pages && (
                      <a href={`#/proposal/${props.id}?page=${props.page + 1}`}>next →</a>
                    )}
                  </p>
                )}
              </Card>
              <Card title="Deposits" testid="deposits">
                {deposits.length === 0 ? (
                  <Empty>No deposits.</Empty>
                ) : (
                  <Table
                    head={["Depositor", "Amount", "Tx"]}
                    rows={deposits.map(([who, amount, hash]) => [
                      <Id value={who} href={`#/account/${who}`} />,
                      <Coins coins={amount} />,
                      hash ? <a href={`#/tx/${hash}`}>{hash.slice(0, 10)}…</a> : "—",
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
