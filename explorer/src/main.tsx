/** The OpenLedger Explorer: layout, hash router, search box. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { current, discover } from "./api.js";
import { classify } from "./format.js";
import { AccountPage, ContributorPage } from "./pages/account.js";
import { BlockPage, BlocksPage, TxPage } from "./pages/chain.js";
import { DatanetPage, DatanetsPage, RowPage } from "./pages/datanets.js";
import { InferencePage, ModelPage, ModelsPage } from "./pages/models.js";
import { OverviewPage } from "./pages/overview.js";
import { ProposalPage, ProposalsPage, ValidatorsPage } from "./pages/staking.js";
import "./style.css";
import { Empty } from "./ui.js";

/** The parsed hash route: `#/block/5?x=1` → `["block","5"]`, `{x:"1"}`. */
function parseHash(): { parts: string[]; query: URLSearchParams } {
  const h = location.hash.replace(/^#\/?/, "");
  const [path = "", q = ""] = h.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

function Search() {
  const [q, setQ] = useState("");
  const [msg, setMsg] = useState("");
  useEffect(() => {
    const clear = () => setMsg("");
    addEventListener("hashchange", clear);
    return () => removeEventListener("hashchange", clear);
  }, []);
  const go = (e: Event) => {
    e.preventDefault();
    const c = classify(q);
    const to: Record<string, string> = {
      height: `#/block/${c.value}`,
      tx: `#/tx/${c.value}`,
      address: `#/account/${c.value}`,
      valoper: "#/validators",
      datanet: `#/datanet/${c.value}`,
      model: `#/model/${c.value}`,
      inference: `#/inference/${c.value}`,
    };
    const target = to[c.kind];
    if (target === undefined) {
      setMsg("Try a height, tx hash, address, datanet:N or model:N");
      return;
    }
    setMsg("");
    location.hash = target;
  };
  return (
    <form class="search" onSubmit={go}>
      <input
        name="q"
        value={q}
        onInput={(e) => {
          setQ((e.target as HTMLInputElement).value);
          setMsg("");
        }}
        placeholder="Height, tx hash, address, datanet:1, model:1"
        aria-label="search"
      />
      <button type="submit">Search</button>
      {msg && <span class="search-msg">{msg}</span>}
    </form>
  );
}

function Route() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => {
      setRoute(parseHash());
      window.scrollTo(0, 0);
    };
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  const [page = "", a = ""] = route.parts;
  const q = route.query;
  switch (page) {
    case "":
      return <OverviewPage />;
    case "blocks":
      return <BlocksPage />;
    case "block":
      return <BlockPage height={a} />;
    case "tx":
      return <TxPage hash={a} />;
    case "account":
      return <AccountPage address={a} />;
    case "contributor":
      return <ContributorPage address={a} />;
    case "validators":
      return <ValidatorsPage />;
    case "proposals":
      return <ProposalsPage />;
    case "proposal":
      return <ProposalPage id={a} page={Number(q.get("page") ?? "1") || 1} />;
    case "datanets":
      return <DatanetsPage tag={q.get("tag") ?? ""} />;
    case "datanet":
      return <DatanetPage id={a} page={Number(q.get("page") ?? "1") || 1} />;
    case "row":
      return <RowPage id={a} />;
    case "models":
      return <ModelsPage />;
    case "model":
      return <ModelPage id={a} />;
    case "inference":
      return <InferencePage id={a} text={q.get("text") ?? ""} />;
    default:
      return <Empty>No such page: {page}</Empty>;
  }
}

const NAV: [string, string][] = [
  ["#/", "Overview"],
  ["#/blocks", "Blocks"],
  ["#/validators", "Validators"],
  ["#/proposals", "Proposals"],
  ["#/datanets", "Datanets"],
  ["#/models", "Models"],
];

function App(props: { ready: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <header>
        <a class="brand" href="#/">
          OpenLedger <span>Explorer</span>
        </a>
        <button type="button" class="menu" onClick={() => setOpen(!open)} aria-label="menu">
          ☰
        </button>
        <nav class={open ? "open" : ""}>
          {NAV.map(([h, t]) => (
            <a key={h} href={h} onClick={() => setOpen(false)}>
              {t}
            </a>
          ))}
        </nav>
        <Search />
      </header>
      <main>{props.ready ? <Route /> : <p class="muted loading">Connecting…</p>}</main>
      <footer class="muted">
        RPC <code>{current().rpc || "…"}</code> · REST <code>{current().rest || "…"}</code>
      </footer>
    </>
  );
}

const root = document.getElementById("app")!;
render(<App ready={false} />, root);
void discover().then(() => render(<App ready={true} />, root));
