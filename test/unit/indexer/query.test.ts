import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { INDEXER_CODESPACE, IndexerErrorCode } from "../../../src/indexer/errors.js";
import {
  compareDecimal,
  conditionMatchesValue,
  formatQuery,
  integerBounds,
  MAX_QUERY_LENGTH,
  matchQuery,
  parseDecimal,
  parseQuery,
} from "../../../src/indexer/query.js";
import { CodedError } from "../../../src/types/errors.js";

function isInvalidQuery(e: unknown): boolean {
  return (
    e instanceof CodedError && e.codespace === INDEXER_CODESPACE && e.code === IndexerErrorCode.InvalidQuery
  );
}

describe("query parser", () => {
  it("parses the CometBFT grammar", () => {
    const q = parseQuery("tm.event='Tx' AND transfer.recipient='open1abc' AND tx.height>=5");
    assert.deepEqual(q, [
      { tag: "tm.event", op: "=", arg: { kind: "string", text: "Tx" } },
      { tag: "transfer.recipient", op: "=", arg: { kind: "string", text: "open1abc" } },
      { tag: "tx.height", op: ">=", arg: { kind: "number", text: "5", value: { int: 5n, scale: 0 } } },
    ]);
    assert.equal(formatQuery(q), "tm.event = 'Tx' AND transfer.recipient = 'open1abc' AND tx.height >= 5");
  });

  it("parses every operator and literal kind", () => {
    const q = parseQuery(
      "a.b < 1 AND a.b <= 2.5 AND a.b > 3 AND a.b >= 4 AND a.c CONTAINS 'x y' AND a.d EXISTS AND " +
        "t.x > TIME 2013-05-03T14:45:00Z AND t.y <= DATE 2017-01-01 AND t.z = TIME 2020-01-01T00:00:00+02:00",
    );
    assert.deepEqual(
      q.map((c) => [c.tag, c.op, c.arg?.kind]),
      [
        ["a.b", "<", "number"],
        ["a.b", "<=", "number"],
        ["a.b", ">", "number"],
        ["a.b", ">=", "number"],
        ["a.c", "CONTAINS", "string"],
        ["a.d", "EXISTS", undefined],
        ["t.x", ">", "time"],
        ["t.y", "<=", "date"],
        ["t.z", "=", "time"],
      ],
    );
    const z = q[8]!.arg;
    assert.ok(z !== undefined && z.kind === "time" && z.ms === Date.UTC(2019, 11, 31, 22, 0, 0));
    assert.deepEqual(parseQuery("  x.y='a'  "), [
      { tag: "x.y", op: "=", arg: { kind: "string", text: "a" } },
    ]);
    assert.deepEqual(parseQuery("message.sender-id_2 = ''")[0]!.arg, { kind: "string", text: "" });
  });

  it("rejects hostile and malformed input with coded errors", () => {
    const bad = [
      "",
      "   ",
      "tx.height",
      "tx.height =",
      "tx.height = 5 AND",
      "tx.height = 5 OR tx.height = 6",
      "tx.height = 5 tx.height = 6",
      "= 5",
      "'a' = 'b'",
      "a.b CONTAINS 5",
      "a.b > 'x'",
      "a.b <= 'x'",
      "a.b = 'unterminated",
      "a.b == 5",
      "a.b = 5.",
      "a.b ! 5",
      'a.b = "x"',
      "a.b > DATE 2017-13-01",
      "a.b > DATE 2017-02-30",
      "a.b > DATE 1800-01-01",
      "a.b > TIME 2013-05-03",
      "a.b > TIME 2013-05-03T25:00:00Z",
      "a.b > TIME 2013-05-03T14:45:00.123Z",
      "a.b EXISTS 5",
      "AND a.b = 1",
      "a.b = 1 AND AND a.c = 2",
      "a.b = 1;",
      "a.b = \u0000",
      "x".repeat(MAX_QUERY_LENGTH + 1),
      Array.from({ length: 70 }, (_, i) => `a.b = ${i}`).join(" AND "),
    ];
    for (const s of bad)
      assert.throws(() => parseQuery(s), isInvalidQuery, `accepted: ${JSON.stringify(s.slice(0, 60))}`);
    // seeded fuzz: random byte soup never crashes, only coded errors
    let state = 7;
    const alphabet = "ab.=<>' ANDCONTAISEXT0123456789-:Z\u00e9\n";
    for (let i = 0; i < 2000; i++) {
      let s = "";
      const n = 1 + (i % 40);
      for (let j = 0; j < n; j++) {
        state = (state * 1103515245 + 12345) & 0x7fffffff;
        s += alphabet[state % alphabet.length];
      }
      try {
        parseQuery(s);
      } catch (e) {
        assert.ok(isInvalidQuery(e), `non-coded error for ${JSON.stringify(s)}: ${String(e)}`);
      }
    }
  });
});

describe("query matching", () => {
  it("compares numbers exactly, strings, contains, exists, times", () => {
    const c = (s: string) => parseQuery(s)[0]!;
    assert.ok(conditionMatchesValue(c("a.b > 5"), "6"));
    assert.ok(!conditionMatchesValue(c("a.b > 5"), "5"));
    assert.ok(conditionMatchesValue(c("a.b >= 5.0"), "5"));
    assert.ok(conditionMatchesValue(c("a.b < 100000000000000000000001"), "100000000000000000000000"));
    assert.ok(!conditionMatchesValue(c("a.b < 100000000000000000000001"), "100000000000000000000001"));
    assert.ok(!conditionMatchesValue(c("a.b > 5"), "6aopen"));
    assert.ok(conditionMatchesValue(c("a.b = 5"), "5.00"));
    assert.ok(conditionMatchesValue(c("a.b = 'x'"), "x"));
    assert.ok(!conditionMatchesValue(c("a.b = 'x'"), "xx"));
    assert.ok(conditionMatchesValue(c("a.b CONTAINS 'open1'"), "xopen1y"));
    assert.ok(conditionMatchesValue(c("a.b EXISTS"), ""));
    assert.ok(conditionMatchesValue(c("a.t > TIME 2020-01-01T00:00:00Z"), "2020-01-01T00:00:00.5Z"));
    assert.ok(!conditionMatchesValue(c("a.t > DATE 2020-01-02"), "2020-01-01T23:59:59Z"));
    assert.ok(compareDecimal(parseDecimal("-1.5")!, parseDecimal("-1.49")!) < 0);
    assert.equal(parseDecimal("1e5"), undefined);
  });

  it("matchQuery needs every condition to hold on some value of its tag", () => {
    const tags = new Map<string, string[]>([
      ["tm.event", ["Tx"]],
      ["transfer.recipient", ["open1a", "open1b"]],
      ["tx.height", ["7"]],
    ]);
    assert.ok(matchQuery(parseQuery("tm.event='Tx' AND transfer.recipient='open1b' AND tx.height>=5"), tags));
    assert.ok(!matchQuery(parseQuery("tm.event='Tx' AND transfer.recipient='open1c'"), tags));
    assert.ok(!matchQuery(parseQuery("message.sender EXISTS"), tags));
  });

  it("integerBounds folds height conditions", () => {
    assert.deepEqual(integerBounds(parseQuery("tx.height > 5 AND tx.height <= 9"), "tx.height"), {
      lo: 6,
      hi: 9,
      empty: false,
    });
    assert.deepEqual(integerBounds(parseQuery("tx.height > 4.5 AND tx.height < 7.5"), "tx.height"), {
      lo: 5,
      hi: 7,
      empty: false,
    });
    assert.equal(integerBounds(parseQuery("tx.height = 5 AND tx.height = 6"), "tx.height").empty, true);
    assert.equal(integerBounds(parseQuery("tx.height = 5.5"), "tx.height").empty, true);
    assert.equal(integerBounds(parseQuery("a.b = 1"), "tx.height").lo, 0);
  });
});
