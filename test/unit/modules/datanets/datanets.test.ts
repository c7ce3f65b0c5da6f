import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromAminoJson, toAminoJson } from "../../../../src/app/aminoKit.js";
import { sha256 } from "../../../../src/crypto/hash.js";
import { appendLeaf, frontierRoot } from "../../../../src/modules/datanets/frontier.js";
import { singleProof } from "../../../../src/modules/datanets/keeper.js";
import { defaultDatanetsParams, validateDatanetsParams } from "../../../../src/modules/datanets/params.js";
import { big, MsgReviewContributions, Params } from "../../../../src/modules/datanets/proto.js";
import { batchRows, dedupe, fileKind, parseCsv, splitRows } from "../../../../src/modules/datanets/split.js";
import { CodedError } from "../../../../src/types/errors.js";
import { hashFromByteSlices, proofsFromByteSlices, verifyMerkleProof } from "../../../../src/types/merkle.js";

const leaves = (n: number) => Array.from({ length: n }, (_, i) => sha256(Buffer.from(`row ${i}`)));

describe("datanets merkle frontier", () => {
  it("matches hashFromByteSlices for every size up to 70", () => {
    let f: Uint8Array[] = [];
    const all = leaves(70);
    assert.deepEqual(frontierRoot(f), hashFromByteSlices([]));
    all.forEach((leaf, i) => {
      f = appendLeaf(f, BigInt(i), leaf);
      assert.deepEqual(frontierRoot(f), hashFromByteSlices(all.slice(0, i + 1)), `n=${i + 1}`);
    });
  });

  it("single proofs equal proofsFromByteSlices and verify", () => {
    for (const n of [1, 2, 3, 5, 8, 13]) {
      const ls = leaves(n);
      const { root, proofs } = proofsFromByteSlices(ls);
      for (let i = 0; i < n; i++) {
        const p = singleProof(ls, i);
        assert.deepEqual(p, proofs[i]);
        assert.ok(verifyMerkleProof(p, root, ls[i]!));
        assert.ok(!verifyMerkleProof(p, root, ls[(i + 1) % n]!) || n === 1);
      }
    }
  });
});

describe("datanets params", () => {
  it("defaults are valid; bad values are coded errors", () => {
    const v = validateDatanetsParams(defaultDatanetsParams());
    assert.equal(v.maxRowBytes, 65_536n);
    const bad = Params.create({ ...defaultDatanetsParams(), rejectSlashFraction: "2000000000000000000" });
    assert.throws(
      () => validateDatanetsParams(bad),
      (e) => e instanceof CodedError && e.code === 13,
    );
    const neg = Params.create({ ...defaultDatanetsParams(), createFee: { denom: "aopen", amount: "-1" } });
    assert.throws(
      () => validateDatanetsParams(neg),
      (e) => e instanceof CodedError && e.codespace === "datanets",
    );
  });
});

describe("datanets amino JSON", () => {
  it("omits empty fields, writes uint64 as strings and round-trips", () => {
    const value = { reviewer: "open1x", datanetId: 7, accept: [3, 1], reject: [{ rowId: 2, reason: "" }] };
    const json = toAminoJson(MsgReviewContributions, value);
    assert.deepEqual(json, {
      reviewer: "open1x",
      datanet_id: "7",
      accept: ["3", "1"],
      reject: [{ row_id: "2" }],
    });
    const back = fromAminoJson(MsgReviewContributions, json);
    assert.equal(big(back.datanetId), 7n);
    assert.deepEqual(
      MsgReviewContributions.encode(back).finish(),
      MsgReviewContributions.encode(MsgReviewContributions.fromObject(value)).finish(),
    );
    // The node's view (decoded bytes) gives the same document.
    const decoded = MsgReviewContributions.decode(
      MsgReviewContributions.encode(MsgReviewContributions.fromObject(value)).finish(),
    );
    assert.deepEqual(toAminoJson(MsgReviewContributions, decoded), json);
  });
});

describe("datanets file splitting", () => {
  it("knows the file kinds", () => {
    assert.equal(fileKind("a.TXT"), "txt");
    assert.equal(fileKind("a.markdown"), "md");
    assert.equal(fileKind("a.ndjson"), "jsonl");
    assert.throws(() => fileKind("a.pdf"), CodedError);
  });

  it("splits text, markdown, jsonl and csv", () => {
    assert.deepEqual(splitRows("one\ntwo\n\n\nthree\r\n\r\nfour", "txt", 100), ["one\ntwo", "three", "four"]);
    const md = "intro\n\n# A\n\npara a\n\n```\n# not a heading\n```\n\n## B\nb";
    assert.deepEqual(splitRows(md, "md", 1000), [
      "intro",
      "# A\n\npara a\n\n```\n# not a heading\n```",
      "## B\nb",
    ]);
    assert.deepEqual(splitRows(md, "md", 1000, "paragraphs").length, 5);
    assert.deepEqual(splitRows('{"a":1}\n\n{"b":2}\n', "jsonl", 100), ['{"a":1}', '{"b":2}']);
    assert.throws(() => splitRows("{oops", "jsonl", 100), CodedError);
    assert.deepEqual(splitRows('q,a\n"x, ""y""",z\n"multi\nline",w\n', "csv", 100), [
      JSON.stringify({ q: 'x, "y"', a: "z" }),
      JSON.stringify({ q: "multi\nline", a: "w" }),
    ]);
    assert.throws(() => splitRows("a,b\n1\n", "csv", 100), CodedError);
    assert.throws(() => splitRows("x".repeat(101), "txt", 100), CodedError);
    assert.deepEqual(parseCsv("a,b\r\n1,2"), [
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("dedupes and batches by bytes and count", () => {
    assert.deepEqual(dedupe(["a", "b", "a"]), { rows: ["a", "b"], dropped: 1 });
    assert.deepEqual(batchRows(["aa", "bb", "cc", "d"], 4, 10), [
      ["aa", "bb"],
      ["cc", "d"],
    ]);
    assert.deepEqual(batchRows(["a", "b", "c"], 100, 2), [["a", "b"], ["c"]]);
    assert.deepEqual(batchRows(["toolongrow"], 4, 10), [["toolongrow"]]);
  });
});
