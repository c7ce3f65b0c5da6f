/** Validators (power, commission, uptime, jailed) and governance proposals. */
import { type J, restMaybe } from "../api.js";
import { formatPercent } from "../format.js";
import { Card, Coins, Empty, Id, Show, Table, useLoad } from "../ui.js";

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
          const missed = ((infos?.["info"] as J[] | undefined) ?? []).map((i) =>
            Number(i["missed_blocks_counter"] ?? 0),
          );
          return (
            <Card title={`${list.length} validators`}>
              <Table
                testid="validators"
                head={["Moniker", "Operator", "Tokens", "Commission", "Status", "Uptime"]}
                rows={list.map((v, i) => [
                  String((v["description"] as J | undefined)?.["moniker"] ?? ""),
                  <Id value={String(v["operator_address"])} />,
                  <Coins coins={[{ amount: v["tokens"], denom: "aopen" }]} />,
                  formatPercent(
                    ((v["commission"] as J | undefined)?.["commission_rates"] as J | undefined)?.["rate"],
                  ),
                  v["jailed"] ? (
                    <span class="bad">jailed</span>
                  ) : (
                    String(v["status"] ?? "")
                      .replace("BOND_STATUS_", "")
                      .toLowerCase()
                  ),
                  window > 0 && list.length === 1 && missed[i] !== undefined
                    ? `${(100 - (100 * (missed[i] ?? 0)) / window).toFixed(2)}%`
                    : "—",
                ])}
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
              head={["Id", "Title", "Status", "Yes / No / Abstain / Veto"]}
              rows={list.map((p) => {
                const t = (p["final_tally_result"] as J | undefined) ?? {};
                return [
                  String(p["id"]),
                  String(p["title"] ?? ""),
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
