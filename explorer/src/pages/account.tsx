/** Account (balances, txs, delegations, rewards, datanet rows, attribution) and contributor earnings. */
import { type J, rest, restMaybe, rpc } from "../api.js";
import { big, formatOpen } from "../format.js";
import { BarChart, Card, Coins, Empty, Id, KV, Show, Table, useLoad } from "../ui.js";

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

/** Attribution rewards of `address`, if the node has the attribution module. */
async function attribution(address: string): Promise<J | undefined> {
  return await restMaybe(`/openledger/attribution/v1/contributors/${address}`);
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
                  <Empty>The attribution module is not available on this node.</Empty>
                ) : (
                  <p>
                    <a href={`#/contributor/${a}`}>Earnings of this contributor →</a>
                  </p>
                )}
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}

/** A contributor's attribution earnings: total, over time, rows by earnings. */
export function ContributorPage(props: { address: string }) {
  const a = props.address;
  const load = useLoad(async () => ({ attr: await attribution(a), rows: await contributedRows(a) }), [a]);
  return (
    <>
      <h1>Contributor</h1>
      <p>
        <Id value={a} href={`#/account/${a}`} full />
      </p>
      <Show load={load}>
        {({ attr, rows }) => {
          const history = (attr?.["history"] as J[] | undefined) ?? [];
          const byRow = (attr?.["rows"] as J[] | undefined) ?? [];
          return (
            <>
              <Card title="Earnings" testid="earnings">
                {attr === undefined ? (
                  <Empty>
                    The attribution module is not available on this node, so no earnings are recorded.
                  </Empty>
                ) : (
                  <>
                    <KV
                      rows={[
                        ["Accrued", <Coins coins={attr["accrued"] ?? attr["rewards"]} />],
                        ["Claimed", <Coins coins={attr["claimed"]} />],
                      ]}
                    />
                    <BarChart
                      label="earned per block (OPEN)"
                      values={history.map(
                        (h) => Number(formatOpen(big(h["amount"]), 6).replace(/,/g, "")) || 0,
                      )}
                      labels={history.map((h) => `#${String(h["height"])}`)}
                    />
                    <Table
                      head={["Row", "Earned"]}
                      rows={byRow.map((r) => [
                        <a href={`#/row/${String(r["row_id"])}`}>#{String(r["row_id"])}</a>,
                        `${formatOpen(big(r["amount"]))} OPEN`,
                      ])}
                    />
                  </>
                )}
              </Card>
              <Card title="Rows">
                {rows === undefined ? (
                  <Empty>The datanets module is not available.</Empty>
                ) : (
                  <RowsTable rows={rows} />
                )}
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}
