import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ChainClient } from "../../src/client/client.js";
import { QueryRewardsRequest, QueryRewardsResponse } from "../../src/modules/attribution/proto.js";
import { CLI, DEV_MNEMONIC, NodeProcess, runCli, tempHome } from "./harness.js";
import { startGateway, trainArgs } from "./serving.js";

// Alice's and Bob's rows chain into one another, so a greedy answer from "alpha bravo" uses both.
const SEED = "a seed row that the datanet owner wrote before publishing";
const ROW_A = "alpha bravo charlie delta echo foxtrot golf hotel";
const ROW_B =
  "golf hotel india juliet kilo lima mike november oscar. golf hotel india juliet kilo lima mike november oscar";

describe("Proof of Attribution on a running node: infer, settle, claim", () => {
  let node: NodeProcess;
  let gateway: ChildProcess | undefined;
  let keys: string[];
  let at: string[];
  const dir = tempHome("openledger-attribution-e2e-");
  const fees = ["--gas-prices", "1000000000aopen", "--yes", "--broadcast-mode", "block"];
  const addr: Record<string, string> = {};

  let client: ChainClient | undefined;
  const argsOf = (args: string[]) => [
    ...args,
    ...(args[0] === "keys" ? [] : at),
    ...(args[0] === "query" ? [] : keys),
    "--output",
    "json",
  ];
  const cli = (args: string[]) => {
    const r = runCli(argsOf(args));
    assert.equal(r.status, 0, `${args.join(" ")}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  /** The CLI as a child process (so independent signers' txs run side by side). */
  const cliAsync = (args: string[], input?: string) =>
    new Promise<Record<string, unknown>>((ok, fail) => {
      const p = spawn(process.execPath, [CLI, ...argsOf(args)], { stdio: ["pipe", "pipe", "pipe"] });
      p.stdin.end(input ?? "");
      let out = "";
      let err = "";
      p.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      p.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      p.once("exit", (code) => {
        if (code === 0) ok(JSON.parse(out) as Record<string, unknown>);
        else fail(new Error(`${args.join(" ")} exited ${code}: ${err}${out}`));
      });
    });
  const tx = (args: string[]) => cliAsync(["tx", ...args, "--gas", "3000000", ...fees]);
  const balance = async (a: string) =>
    BigInt((await client!.balances(a, "aopen")).balances[0]?.amount ?? "0");
  const rewards = async (a: string) =>
    QueryRewardsResponse.decode(
      await client!.abciQuery(
        "/openledger.attribution.v1.Query/Rewards",
        QueryRewardsRequest.encode({ address: a }).finish(),
      ),
    ).rewards!;
  const jsonl = (name: string, ...rows: string[]) => {
    const f = join(dir, name);
    writeFileSync(f, `${rows.map((text) => JSON.stringify({ text })).join("\n")}\n`);
    return f;
  };

  before(async () => {
    node = await NodeProcess.start();
    keys = ["--home", node.home, "--keyring-backend", "test"];
    at = ["--node", node.rpcUrl];
    const names = [
      ["owner", "0"],
      ["alice", "1"],
      ["bob", "2"],
      ["op", "3"],
      ["user", "4"],
    ] as const;
    await Promise.all(
      names.map(async ([name, index]) => {
        const r = await cliAsync(["keys", "add", name, "--recover", "--index", index], `${DEV_MNEMONIC}\n`);
        addr[name] = String(r["address"]);
      }),
    );
    client = ChainClient.connect(node.rpcUrl);
  });

  after(async () => {
    client?.disconnect();
    gateway?.kill("SIGTERM");
    await node?.stop();
  });

  it("pays both contributors in proportion to what the answer used", async () => {
    await Promise.all([
      tx(["datanets", "create", "--from", "owner", "--name", "phonetic"]),
      tx([
        "models",
        "register-operator",
        "--from",
        "op",
        "--endpoint",
        "http://127.0.0.1:1",
        "--bond",
        "100OPEN",
      ]),
      tx(["attribution", "deposit-credit", addr["op"]!, "10OPEN", "--from", "user"]),
    ]);
    await tx(["datanets", "add-rows", "1", jsonl("seed.jsonl", SEED), "--from", "owner"]);
    await tx(["datanets", "publish", "1", "--from", "owner"]);
    await Promise.all([
      tx(["datanets", "contribute", "1", jsonl("a.jsonl", ROW_A), "--from", "alice"]),
      tx(["datanets", "contribute", "1", jsonl("b.jsonl", ROW_B), "--from", "bob"]),
    ]);
    const pending = cli(["query", "datanets", "rows", "1", "--status", "pending"]) as {
      rows: { id: string }[];
    };
    assert.equal(pending.rows.length, 2);
    await tx([
      "datanets",
      "review",
      "1",
      "--accept",
      pending.rows.map((r) => r.id).join(","),
      "--from",
      "owner",
    ]);
    const m = cli([
      ...trainArgs("1@2", 3, join(dir, "m1"), {
        from: "owner",
        inputPrice: "1000",
        outputPrice: "100000000000000",
      }),
      "--gas",
      "3000000",
      "--gas-prices",
      "1000000000aopen",
      "--yes",
    ]);
    assert.equal(m["model_id"], "1");
    const serving = tx(["models", "serve-models", "--from", "op", "--serve", "1"]);

    const { port } = await startGateway(
      node.rpcUrl,
      join(dir, "gw"),
      addr["op"]!,
      ["--settle-from", "op", ...keys],
      (g) => {
        gateway = g;
      },
    );
    await serving;

    const inf = cli([
      "infer",
      "--model",
      "1",
      "--prompt",
      "alpha bravo",
      "--gateway",
      `http://127.0.0.1:${port}`,
      "--from",
      "user",
      "--max-tokens",
      "24",
    ]) as {
      answer: string;
      settlement: {
        code: number;
        tx_hash: string;
        inference: { fee: string; rows: { contributor: string; amount: string; ppm: number }[] };
      };
    };
    assert.equal(inf.settlement.code, 0, JSON.stringify(inf));
    assert.match(inf.answer, /charlie delta echo/);
    const paid = new Map<string, bigint>();
    for (const r of inf.settlement.inference.rows) {
      paid.set(r.contributor, (paid.get(r.contributor) ?? 0n) + BigInt(r.amount));
    }
    assert.ok((paid.get(addr["alice"]!) ?? 0n) > 0n, `alice not paid: ${JSON.stringify(inf)}`);
    assert.ok((paid.get(addr["bob"]!) ?? 0n) > 0n, `bob not paid: ${JSON.stringify(inf)}`);
    const ppm = (who: string) =>
      inf.settlement.inference.rows.filter((r) => r.contributor === who).reduce((s, r) => s + r.ppm, 0);
    assert.equal(ppm(addr["alice"]!) + ppm(addr["bob"]!), 1_000_000);

    // Both claim: each receives exactly its attributed amount (plus nothing else; the claim's fee is fixed).
    const claimFee = 200_000_000_000_000n;
    const before = new Map<string, bigint>();
    for (const who of ["alice", "bob"] as const) {
      assert.equal(BigInt((await rewards(addr[who]!)).accrued ?? "0"), paid.get(addr[who]!));
      before.set(who, await balance(addr[who]!));
    }
    await Promise.all(
      (["alice", "bob"] as const).map((who) =>
        cliAsync([
          "tx",
          "attribution",
          "claim",
          "--from",
          who,
          "--gas",
          "200000",
          "--fees",
          `${claimFee}aopen`,
          "--yes",
          "--broadcast-mode",
          "block",
        ]),
      ),
    );
    for (const who of ["alice", "bob"] as const) {
      assert.equal(await balance(addr[who]!), before.get(who)! + paid.get(addr[who]!)! - claimFee);
      const after = await rewards(addr[who]!);
      assert.equal(after.accrued ?? "0", "0");
      assert.equal(BigInt(after.claimed ?? "0"), paid.get(addr[who]!));
    }
    const explain = cli(["query", "attribution", "explain", "--model", "1", "--text", inf.answer]) as {
      rows: { row_id: string }[];
    };
    assert.equal(explain.rows.length, inf.settlement.inference.rows.length);
  });
});
