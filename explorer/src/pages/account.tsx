/** Account (balances, txs, delegations, rewards, datanet rows, attribution) and contributor earnings. */
import { type J, rest, restMaybe, rpc } from "../api.js";
import { big, formatOpen } from "../format.js";
import { BarChart, Card, Coin, Coins, Empty, Id, KV, Show, Table, useLoad } from "../ui.js";

/** Txs that involve `address` (as sender or transfer recipient), newest first, deduplicated. */
async function accountTxs(address: string): Promise<J[]> {
  const queries = [`message.sender='${address}'`, `transfer.recipient='${address}'`];
  const seen = new Map<string, J>();
  for (const query of queries) {
    const r = await rpc("tx_search", { query, per_page: "30", order_by: "desc" }).catch(() => undefined);
    for (const t of (r?.["txs"] as J[] | undefined) ?? []) seen.set(String(t["hash"]), t);
  }
  return [...seen.values()].sort((a, b) => Number(b["height"]) - Number(a["height"]));
}

/** Rows contributed by `address` across the first datanets (undefined when the module is absent). */
async function contributedRows(address: string): Promise<J[] | undefined> {
  const list = await restMaybe("/openledger/datanets/v1/datanets", { "pagination.limit": 50 });
  if (list === undefined) return undefined;
  const rows: J[] = [];
  for (const d of (list["datanets"] as J[]) ?? []) {
    const r = await restMaybe(`/openledger/datanets/v1/datanets/${String(d["id"])}/rows`, {
      contributor: address,
      "pagination.limit": 50,
    });
    rows.push(...((r?.["rows"] as J[]) ?? []));
  }
  return rows;
}

/** Attribution rewards (`{accrued, claimed}`) of `address`, if the node has the attribution module. */
async function attribution(address: string): Promise<J | undefined> {
  const r = await restMaybe(`/openledger/attribution/v1/rewards/${address}`);
  return r === undefined ? undefined : ((r["rewards"] as J | undefined) ?? {});
}

/** What `address` earned per settled inference (ascending height) and per row. */
async function earnings(
  address: string,
  rows: J[],
): Promise<{ history: { id: string; height: number; amount: bigint }[]; byRow: J[] } | undefined> {
  const r = await restMaybe(`/openledger/attribution/v1/contributors/${address}/inferences`, {
    "pagination.limit": 200,
  });
  if (r === undefined) return undefined;
  const history = ((r["inferences"] as J[]) ?? [])
    .map((inf) => ({
      id: String(inf["id"]),
      height: Number(inf["height"]),
      amount: ((inf["rows"] as J[]) ?? [])
        .filter((w) => w["contributor"] === address)
        .reduce((a, w) => a + big(w["amount"]), 0n),
    }))
    .sort((a, b) => a.height - b.height);
  const byRow: J[] = [];
  for (const row of rows.slice(0, 50)) {
    const e = await restMaybe(`/openledger/attribution/v1/rows/${String(row["id"])}/earnings`);
    const x = (e?.["earnings"] as J | undefined) ?? {};
    byRow.push({ row, earned: big(x["earned"]), inferences: String(x["inferences"] ?? "0") });
  }
  byRow.sort((a, b) =>
    big(b["earned"]) > big(a["earned"]) ? 1 : big(b["earned"]) < big(a["earned"]) ? -1 : 0,
  );
  return { history, byRow };
}

/** Rows table with links. */
export function RowsTable(props: { rows: J[] }) {
  if (props.rows.length === 0) return <Empty>No rows.</Empty>;
  return (
    <Table
      testid="rows"
      head={["Row", "Datanet", "Status", "Contributor", "Content"]}
      rows={props.rows.map((r) => [
        <a href={`#/row/${String(r["id"])}`}>#{String(r["id"])}</a>,
        <a href={`#/datanet/${String(r["datanet_id"])}`}>{String(r["datanet_id"])}</a>,
        String(r["status"] ?? "")
          .replace("ROW_STATUS_", "")
          .toLowerCase(),
        <a href={`#/contributor/${String(r["contributor"])}`}>{String(r["contributor"]).slice(0, 14)}…</a>,
        <span class="clip">{String(r["content"] ?? "")}</span>,
      ])}
    />
  );
}

/** One account. */
export function AccountPage(props: { address: string }) {
  const a = props.address;
  const load = useLoad(async () => {
    const [balances, account, delegations, rewards, txs, rows, attr] = await Promise.all([
      rest(`/cosmos/bank/v1beta1/balances/${a}`),
      restMaybe(`/cosmos/auth/v1beta1/accounts/${a}`),
      restMaybe(`/cosmos/staking/v1beta1/delegations/${a}`),
      restMaybe(`/cosmos/distribution/v1beta1/delegators/${a}/rewards`),
      accountTxs(a),
      contributedRows(a),
      attribution(a),
    ]);
    return { balances, account, delegations, rewards, txs, rows, attr };
  }, [a]);
  return (
    <>
      <h1>Account</h1>
      <p>
        <Id value={a} full />
      </p>
      <Show load={load}>
        {(d) => {
          const acc = (d.account?.["account"] as J | undefined) ?? {};
          const dels = (d.delegations?.["delegation_responses"] as J[] | undefined) ?? [];
          return (
            <>
              <Card title="Balances" testid="balances">
                <KV
                  rows={[
                    ["Balance", <Coins coins={d.balances["balances"]} />],
                    ["Account number", String(acc["account_number"] ?? "—")],
                    ["Sequence", String(acc["sequence"] ?? "—")],
                  ]}
                />
              </Card>
              <Card title="Delegations">
                {d.delegations === undefined ? (
                  <Empty>Staking queries are not available on this node.</Empty>
                ) : dels.length === 0 ? (
                  <Empty>No delegations.</Empty>
                ) : (
                  <Table
                    head={["Validator", "Amount"]}
                    rows={dels.map((x) => [
                      <Id value={String((x["delegation"] as J)["validator_address"])} />,
                      <Coins coins={[x["balance"]]} />,
                    ])}
                  />
                )}
              </Card>
              <Card title="Staking rewards">
                {d.rewards === undefined ? (
                  <Empty>Distribution queries are not available on this node.</Empty>
                ) : (
                  <Coins
                    coins={((d.rewards["total"] as J[] | undefined) ?? []).map((c) => ({
                      denom: c["denom"],
                      amount: String(c["amount"] ?? "0").split(".")[0],
                    }))}
                  />
                )}
              </Card>
              <Card title="Transactions" testid="account-txs">
                {d.txs.length === 0 ? (
                  <Empty>No transactions found for this address.</Empty>
                ) : (
                  <Table
                    head={["Hash", "Height", "Result"]}
                    rows={d.txs.map((t) => [
                      <Id value={String(t["hash"])} href={`#/tx/${String(t["hash"])}`} />,
                      <a href={`#/block/${String(t["height"])}`}>{String(t["height"])}</a>,
                      Number((t["tx_result"] as J)["code"] ?? 0) === 0 ? "success" : "failed",
                    ])}
                  />
                )}
              </Card>
              <Card title="Datanet rows">
                {d.rows === undefined ? (
                  <Empty>The datanets module is not available on this node.</Empty>
                ) : (
                  <RowsTable rows={d.rows} />
                )}
              </Card>
              <Card title="Attribution rewards">
                {d.attr === undefined ? (
                  <Empty>
                    No attribution rewards (or the attribution module is not available on this node).
                  </Empty>
                ) : (
                  <>
                    <KV
                      rows={[
                        ["Accrued", <Coin coin={{ amount: d.attr["accrued"] ?? "0", denom: "aopen" }} />],
                        ["Claimed", <Coin coin={{ amount: d.attr["claimed"] ?? "0", denom: "aopen" }} />],
                      ]}
                    />
                    <p>
                      <a href={`#/contributor/${a}`}>Earnings of this contributor →</a>
                    </p>
                  </>
                )}
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}

/** A contributor's attribution earnings: accrued/claimed, earnings over time, rows by earnings. */
export function ContributorPage(props: { address: string }) {
  const a = props.address;
  const load = useLoad(async () => {
    const [attr, rows] = await Promise.all([attribution(a), contributedRows(a)]);
    const earned = await earnings(a, rows ?? []);
    return { attr, rows, earned };
  }, [a]);
  return (
    <>
      <h1>Contributor</h1>
      <p>
        <Id value={a} href={`#/account/${a}`} full />
      </p>
      <Show load={load}>
        {({ attr, rows, earned }) => (
          <>
            <Card title="Earnings" testid="earnings">
              {attr === undefined || earned === undefined ? (
                <Empty>
                  The attribution module is not available on this node, so no earnings are recorded.
                </Empty>
              ) : (
                <>
                  <KV
                    rows={[
                      ["Accrued", <Coin coin={{ amount: attr["accrued"] ?? "0", denom: "aopen" }} />],
                      ["Claimed", <Coin coin={{ amount: attr["claimed"] ?? "0", denom: "aopen" }} />],
                      ["Paid inferences", String(earned.history.length)],
                    ]}
                  />
                  <BarChart
                    label="earned per inference (OPEN)"
                    values={earned.history.map((h) => Number(h.amount) / 1e18)}
                    labels={earned.history.map((h) => `inference ${h.id} @${h.height}`)}
                  />
                  {earned.history.length > 0 && (
                    <Table
                      testid="earned-inferences"
                      head={["Inference", "Height", "Earned"]}
                      rows={[...earned.history].reverse().map((h) => [
                        <a href={`#/inference/${h.id}`}>#{h.id}</a>,
                        <a href={`#/block/${h.height}`}>{h.height}</a>,
                        <span class="amount" data-amount={h.amount.toString()}>
                          {formatOpen(h.amount)} OPEN
                        </span>,
                      ])}
                    />
                  )}
                </>
              )}
            </Card>
            <Card title="Rows by earnings" testid="row-earnings">
              {rows === undefined ? (
                <Empty>The datanets module is not available.</Empty>
              ) : rows.length === 0 ? (
                <Empty>No rows contributed.</Empty>
              ) : (
                <Table
                  testid="rows"
                  head={["Row", "Datanet", "Status", "Earned", "Inferences", "Content"]}
                  rows={(earned?.byRow ?? rows.map((row) => ({ row, earned: 0n, inferences: "—" }))).map(
                    (x) => {
                      const r = x["row"] as J;
                      return [
                        <a href={`#/row/${String(r["id"])}`}>#{String(r["id"])}</a>,
                        <a href={`#/datanet/${String(r["datanet_id"])}`}>{String(r["datanet_id"])}</a>,
                        String(r["status"] ?? "")
                          .replace("ROW_STATUS_", "")
                          .toLowerCase(),
                        `${formatOpen(big(x["earned"]))} OPEN`,
                        String(x["inferences"]),
                        <span class="clip">{String(r["content"] ?? "")}</span>,
                      ];
                    },
                  )}
                />
              )}
            </Card>
          </>
        )}
      </Show>
    </>
  );
}
