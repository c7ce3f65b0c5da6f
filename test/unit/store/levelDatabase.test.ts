/** LevelDatabase staging: writes go into a native batch at `stage`, become visible only at `flush`. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { BatchOp } from "../../../src/store/db.js";
import { LevelDatabase } from "../../../src/store/levelDatabase.js";

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

async function withDb(fn: (db: LevelDatabase, path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "leveldb-test-"));
  const db = await LevelDatabase.open(join(dir, "db"));
  try {
    await fn(db, join(dir, "db"));
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("LevelDatabase staging", () => {
  it("keeps staged writes unreadable until flush, then writes them in order", async () => {
    await withDb(async (db) => {
      db.stage([{ type: "put", key: b("a"), value: b("1") }]);
      db.stage([
        { type: "put", key: b("b"), value: b("2") },
        { type: "put", key: b("a"), value: b("3") },
        { type: "del", key: b("b") },
      ]);
      assert.equal(db.stagedCount, 4);
      assert.equal(db.getSync(b("a")), undefined);
      await db.flush();
      assert.equal(db.stagedCount, 0);
      assert.deepEqual(db.getSync(b("a")), b("3"));
      assert.equal(db.getSync(b("b")), undefined);
      await db.flush(); // nothing staged: a no-op
    });
  });

  it("copies ops at stage: later changes to the caller's buffers are not written", async () => {
    await withDb(async (db) => {
      const value = b("xy");
      db.stage([{ type: "put", key: b("k"), value }]);
      value[0] = 0x7a;
      await db.flush();
      assert.deepEqual(db.getSync(b("k")), b("xy"));
    });
  });

  it("drops staged writes on discardStaged", async () => {
    await withDb(async (db) => {
      db.stage([{ type: "put", key: b("a"), value: b("1") }]);
      db.discardStaged();
      assert.equal(db.stagedCount, 0);
      db.stage([{ type: "put", key: b("c"), value: b("2") }]);
      await db.flush();
      assert.equal(db.getSync(b("a")), undefined);
      assert.deepEqual(db.getSync(b("c")), b("2"));
    });
  });

  it("writes nothing of a batch whose staging failed half-way", async () => {
    await withDb(async (db) => {
      db.stage([{ type: "put", key: b("a"), value: b("1") }]);
      const bad = [
        { type: "put", key: b("b"), value: b("2") },
        { type: "put", key: null, value: b("3") },
      ] as unknown as BatchOp[];
      assert.throws(() => db.stage(bad));
      await assert.rejects(db.flush());
      assert.equal(db.getSync(b("a")), undefined);
      assert.equal(db.getSync(b("b")), undefined);
      db.stage([{ type: "put", key: b("d"), value: b("4") }]);
      await db.flush();
      assert.deepEqual(db.getSync(b("d")), b("4"));
    });
  });
});
