/**
 * datanets benchmark, on a LevelDB-backed app (the node's state machine without networking):
 *  1. contribution throughput: signed MsgContribute txs of 1 KiB rows, executed and committed in blocks
 *     (CheckTx, then FinalizeBlock + Commit) — rows per second;
 *  2. query latency of a 100-row page on a datanet with N accepted rows (default 1,000,000), whose state
 *     is written directly through the keeper's import path (going through txs would take far longer),
 *     committed in blocks of 50,000 rows; pages by row id (first page, and resumed by next_key in the
 *     middle) and by version with a deep offset (positions are dense, so the offset becomes a key).
 *
 * `npm run bench -- datanets [--blocks 10] [--txs 10] [--rows 100] [--big 1000000] [--big-row-bytes 256]`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OpenLedgerApp } from "../../src/app/app.js";
import { EventManager } from "../../src/app/events.js";
import { GasMeter } from "../../src/app/gas.js";
import { defaultAppState } from "../../src/app/genesis.js";
import { Context } from "../../src/app/types.js";
import { defaultConsensusParams } from "../../src/config/genesis.js";
import { sha256 } from "../../src/crypto/hash.js";
import { appendLeaf, frontierRoot } from "../../src/modules/datanets/frontier.js";
import { DatanetsModule, datanetsRegistryTypes } from "../../src/modules/datanets/index.js";
import {
  Datanet,
  DatanetStatus,
  QueryRowsRequest,
  QueryRowsResponse,
  Row,
  RowStatus,
  Version,
  Visibility,
} from "../../src/modules/datanets/proto.js";
import { LevelDatabase, StateStore } from "../../src/store/index.js";
import {
  checkTx,
  hdAccount,
  runBlock,
  signTx,
  type TestAccount,
  testRegistry,
} from "../../src/testing/index.js";
import { utf8 } from "../../src/types/bytes.js";

interface Args {
  blocks: number;
  txs: number;
  rows: number;
  big: number;
  bigRowBytes: number;
}

function parse(argv: string[]): Args {
  const a: Args = { blocks: 10, txs: 10, rows: 100, big: 1_000_000, bigRowBytes: 256 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!.replace(/^--/, "").replace(/-([a-z])/g, (_, c: string) =>
      c.toUpperCase(),
    ) as keyof Args;
    if (!(k in a)) throw new Error(`unknown option ${argv[i]}`);
    a[k] = Number(argv[i + 1]);
  }
  return a;
}

const CHAIN = "openledger-bench";

async function openApp(dir: string, accounts: TestAccount[]) {
  const db = await LevelDatabase.open(dir);
  const store = StateStore.open(db);
  const ref: { app?: OpenLedgerApp } = {};
  const module = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
  const app = new OpenLedgerApp({ chainId: CHAIN }, { store, modules: [module] });
  ref.app = app;
  const appState = defaultAppState({
    accounts: accounts.map((a) => ({ address: a.address, coins: [{ denom: "aopen", amount: 10n ** 27n }] })),
  });
  await app.initChain({
    time: { seconds: 1_700_000_000n, nanos: 0 },
    chainId: CHAIN,
    consensusParams: defaultConsensusParams(),
    validators: [],
    appStateBytes: utf8(JSON.stringify(appState)),
    initialHeight: 1,
  });
  await runBlock(app, []);
  return { db, store, app, module };
}

function row1k(seed: number, i: number): string {
  const head = `row ${seed}-${i} `;
  return head + "x".repeat(1024 - head.length);
}

const ms = (t: number) => `${t.toFixed(2)} ms`;

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${ms(q(0.5))}, p90 ${ms(q(0.9))}, max ${ms(s[s.length - 1]!)}`;
}

/** Run the datanets benchmark. */
export default async function main(argv: string[]): Promise<void> {
  const a = parse(argv);
  for (const [url, type] of datanetsRegistryTypes)
    if (!testRegistry.lookupType(url)) testRegistry.register(url, type);
  const accounts = Array.from({ length: a.txs + 1 }, (_, i) => hdAccount(i));
  const dir = mkdtempSync(join(tmpdir(), "openledger-bench-datanets-"));
  try {
    // ---- 1. contribution throughput ----
    const { app, db } = await openApp(join(dir, "tps"), accounts);
    const seqs = accounts.map(() => 0n);
    const send = (i: number, msgs: { typeUrl: string; value: Record<string, unknown> }[]) =>
      signTx(accounts[i]!, msgs, {
        chainId: CHAIN,
        accountNumber: BigInt(i),
        sequence: seqs[i]!++,
        gas: 100_000_000n,
      });
    const owner = accounts[0]!.address;
    const m = (name: string, value: Record<string, unknown>) => ({
      typeUrl: `/openledger.datanets.v1.${name}`,
      value,
    });
    const setup = [
      send(0, [
        m("MsgCreateDatanet", {
          owner,
          name: "bench",
          visibility: Visibility.VISIBILITY_PUBLIC,
          tags: ["bench"],
        }),
        m("MsgAddRows", { owner, datanetId: 1, rows: [{ content: "seed row" }] }),
        m("MsgPublishDatanet", { owner, datanetId: 1 }),
      ]),
    ];
    const r0 = await runBlock(app, setup);
    if (r0.txResults[0]!.code !== 0) throw new Error(r0.txResults[0]!.log);
    console.log(
      `# contribution: ${a.blocks} blocks × ${a.txs} txs × ${a.rows} rows of 1 KiB (LevelDB, CheckTx + FinalizeBlock + Commit)`,
    );
    let rows = 0;
    let checkMs = 0;
    let execMs = 0;
    for (let b = 0; b < a.blocks; b++) {
      const txs: Uint8Array[] = [];
      for (let t = 1; t <= a.txs; t++) {
        const content = Array.from({ length: a.rows }, (_, i) => ({ content: row1k(b * 1000 + t, i) }));
        txs.push(
          send(t, [m("MsgContribute", { contributor: accounts[t]!.address, datanetId: 1, rows: content })]),
        );
      }
      const c0 = performance.now();
      for (const tx of txs) {
        const r = await checkTx(app, tx);
        if (r.code !== 0) throw new Error(`checkTx: ${r.log}`);
      }
      const c1 = performance.now();
      const res = await runBlock(app, txs);
      const c2 = performance.now();
      for (const r of res.txResults) if (r.code !== 0) throw new Error(`deliver: ${r.log}`);
      rows += a.txs * a.rows;
      checkMs += c1 - c0;
      execMs += c2 - c1;
    }
    console.log(
      `contribute: ${rows} rows in ${((checkMs + execMs) / 1000).toFixed(2)} s → ${Math.round(rows / ((checkMs + execMs) / 1000))} rows/s ` +
        `(CheckTx ${ms(checkMs / a.blocks)}/block, FinalizeBlock+Commit ${ms(execMs / a.blocks)}/block, ` +
        `${Math.round(rows / (execMs / 1000))} rows/s excluding CheckTx)`,
    );
    await db.close();

    // ---- 2. page latency on a big datanet ----
    const big = await openApp(join(dir, "big"), accounts.slice(0, 1));
    const keeper = big.module.keeper;
    const store = big.store;
    const ctx = () =>
      new Context(
        store.working,
        new GasMeter(undefined),
        new EventManager(),
        {
          height: big.app.header.height + 1,
          time: { seconds: 0n, nanos: 0 },
          chainId: CHAIN,
          proposer: new Uint8Array(),
        },
        "block",
        big.app.chain,
      );
    const N = a.big;
    console.log(
      `# page latency: datanet of ${N} accepted rows of ${a.bigRowBytes} bytes, built via the keeper's import path`,
    );
    const t0 = performance.now();
    const d = Datanet.create({
      id: 2,
      owner,
      name: "big",
      visibility: Visibility.VISIBILITY_PUBLIC,
      status: DatanetStatus.DATANET_STATUS_PUBLISHED,
      currentVersion: 1,
      totals: { rowsAccepted: N, stakeHeld: "0" },
    });
    keeper.importDatanet(ctx(), d);
    let frontier: Uint8Array[] = [];
    const chunk = 50_000;
    for (let i = 0; i < N; i += chunk) {
      const c = ctx();
      for (let j = i; j < Math.min(N, i + chunk); j++) {
        const head = `big row ${j} `;
        const content = head + "y".repeat(Math.max(0, a.bigRowBytes - head.length));
        const sha = sha256(utf8(content));
        keeper.importRow(
          c,
          Row.create({
            id: j + 1,
            datanetId: 2,
            contributor: owner,
            content,
            sha256: sha,
            status: RowStatus.ROW_STATUS_ACCEPTED,
            version: 1,
            position: j,
          }),
        );
        frontier = appendLeaf(frontier, BigInt(j), sha);
      }
      await runBlock(big.app, []);
    }
    keeper.putVersion(
      ctx(),
      Version.create({ datanetId: 2, number: 1, root: frontierRoot(frontier), rowCount: N, height: 1 }),
    );
    await runBlock(big.app, []);
    console.log(`build: ${N} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const query = async (req: Record<string, unknown>) => {
      const q0 = performance.now();
      const r = await big.app.query({
        path: "/openledger.datanets.v1.Query/Rows",
        data: QueryRowsRequest.encode(req).finish(),
        height: 0,
        prove: false,
      });
      const dt = performance.now() - q0;
      if (r.code !== 0) throw new Error(r.log);
      return { dt, res: QueryRowsResponse.decode(r.value) };
    };
    const first = await query({ datanetId: 2, pagination: { limit: 100 } });
    const mid = await query({ datanetId: 2, pagination: { limit: 100, offset: Math.floor(N / 2) } });
    const midKey = mid.res.pagination!.nextKey!;
    const runs = 50;
    const t1: number[] = [];
    const t2: number[] = [];
    const t3: number[] = [];
    for (let i = 0; i < runs; i++) {
      t1.push((await query({ datanetId: 2, pagination: { limit: 100 } })).dt);
      t2.push((await query({ datanetId: 2, pagination: { limit: 100, key: midKey } })).dt);
    }
    for (let i = 0; i < 5; i++) {
      t3.push(
        (await query({ datanetId: 2, version: 1, pagination: { limit: 100, offset: Math.floor(N / 2) } })).dt,
      );
    }
    console.log(
      `rows page (100, first page by id): ${stats(t1)} over ${runs} runs; first cold ${ms(first.dt)}`,
    );
    console.log(
      `rows page (100, by next_key at row ${Math.floor(N / 2) + 100}): ${stats(t2)} over ${runs} runs`,
    );
    console.log(
      `rows page (100, version 1, offset ${Math.floor(N / 2)}): ${stats(t3)} over 5 runs (unfiltered version pages turn the offset into a key)`,
    );
    await big.db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
