import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GasKVStore, GasMeter } from "../../../../src/app/gas.js";
import type { Context } from "../../../../src/app/types.js";
import { attribute } from "../../../../src/attribution/engine/index.js";
import {
  AttributionCode,
  type AttributionDatanetsKeeper,
  type SegmentStore,
  StateIndexProvider,
} from "../../../../src/modules/attribution/index.js";
import type { Row, Version } from "../../../../src/modules/datanets/proto.js";
import { MemoryDatabase, StateStore } from "../../../../src/store/index.js";
import { CodedError } from "../../../../src/types/errors.js";
import { testContext } from "../../../helpers/context.js";

const ROWS = [
  "the quick brown fox jumps over the lazy dog",
  "purple elephants dance in the silver moonlight",
  "a third row added by version two of the datanet",
];

/** A datanet with version 1 = rows 1..2, version 2 = rows 1..3 (unit-level stand-in for the keeper). */
function fakeDatanets(): AttributionDatanetsKeeper & { reads: number } {
  const versions = new Map<bigint, Version>([
    [1n, { rowCount: 2, root: Uint8Array.of(1), bytes: 10 } as unknown as Version],
    [2n, { rowCount: 3, root: Uint8Array.of(2), bytes: 20 } as unknown as Version],
  ]);
  const rows = ROWS.map(
    (content, i) => ({ id: i + 1, datanetId: 1, contributor: "c", content }) as unknown as Row,
  );
  const k = {
    reads: 0,
    getDatanet: () => undefined,
    getVersion: (_c: Context, d: bigint, v: bigint) => (d === 1n ? versions.get(v) : undefined),
    getRow: (_c: Context, id: bigint) => rows[Number(id) - 1],
    *iterateVersionRows(_c: Context, _d: bigint, v: bigint) {
      const n = Number(versions.get(v)?.rowCount ?? 0);
      for (let i = 0; i < n; i++) {
        k.reads++;
        yield { position: BigInt(i), row: rows[i]! };
      }
    },
    rewardMultiplier: () => 10n ** 18n,
    recordRewards: () => undefined,
  };
  return k;
}

function ctx(meter: GasMeter): Context {
  const store = new GasKVStore(StateStore.open(new MemoryDatabase()).working, meter);
  return testContext(store, { meter, mode: "finalize" });
}

class MemStore implements SegmentStore {
  readonly files = new Map<string, Uint8Array>();
  load(d: bigint, v: bigint) {
    return this.files.get(`${d}/${v}`);
  }
  save(d: bigint, v: bigint, b: Uint8Array) {
    this.files.set(`${d}/${v}`, b);
  }
}

describe("StateIndexProvider", () => {
  it("indexes each version's new rows once, identically after a rebuild from corrupt files", () => {
    const dn = fakeDatanets();
    const files = new MemStore();
    const built: string[] = [];
    const p = new StateIndexProvider(
      () => dn,
      files,
      (e) => built.push(`${e.version}:${e.rows}:${e.reason}`),
    );
    const meter = new GasMeter(1_000_000n);
    const segs = p.segments(ctx(meter), 1n, 2n);
    assert.equal(segs.length, 2);
    assert.deepEqual(
      segs.map((s) => s.rowCount),
      [2, 1],
    );
    assert.equal(meter.consumed, 0n, "index building is not charged to the tx");
    assert.deepEqual(built, ["1:2:missing", "2:1:missing"]);
    const text = "they said the quick brown fox jumps over the lazy dog and a third row added by version two";
    const params = { minSpanTokens: 3, maxSpanRows: 4, maxRows: 8 };
    const a = attribute(segs, text, params);
    // A fresh provider over the same files loads them; over corrupt files it rebuilds the same bytes.
    const again = new StateIndexProvider(() => dn, files).segments(ctx(new GasMeter(undefined)), 1n, 2n);
    assert.deepEqual(attribute(again, text, params), a);
    const good = files.load(1n, 2n)!;
    const bad = good.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    files.save(1n, 2n, bad);
    const rebuilt: string[] = [];
    const p3 = new StateIndexProvider(
      () => dn,
      files,
      (e) => rebuilt.push(`${e.version}:${e.reason}`),
    );
    const s3 = p3.segments(ctx(new GasMeter(undefined)), 1n, 2n);
    assert.deepEqual(rebuilt, ["2:corrupt"]);
    assert.deepEqual(files.load(1n, 2n), good);
    assert.deepEqual(attribute(s3, text, params), a);
    assert.deepEqual(
      a.rows.map((r) => r.rowId),
      [1n, 3n],
    );
  });

  it("refuses an unpublished version with attribution 12", () => {
    const p = new StateIndexProvider(() => fakeDatanets());
    assert.throws(
      () => p.segments(ctx(new GasMeter(undefined)), 1n, 3n),
      (e: unknown) => e instanceof CodedError && e.code === AttributionCode.VersionNotPublished,
    );
  });
});
