import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type ConsensusMessage, RoundStep } from "../../../src/consensus/messages.js";
import { SignedMsgType } from "../../../src/types/block.js";
import { FileWAL } from "../../../src/wal/fileWal.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "wal-"));
  dirs.push(d);
  return d;
};
const msg = (h: number, i = 0): ConsensusMessage => ({
  kind: "hasVote",
  height: h,
  round: 0,
  type: SignedMsgType.Prevote,
  index: i,
});

describe("FileWAL", () => {
  it("replays the current height's records after reopening", async () => {
    const dir = tmp();
    const wal = new FileWAL(dir);
    await wal.append({ kind: "msg", height: 1, peer: "p", msg: msg(1) }, false);
    await wal.endHeight(1);
    await wal.append({ kind: "msg", height: 2, peer: "", msg: msg(2, 1) }, true);
    await wal.append({ kind: "timeout", height: 2, round: 1, step: RoundStep.Propose }, false);
    await wal.close();
    const again = new FileWAL(dir);
    const entries = await again.replay(2);
    assert.deepEqual(entries, [
      { kind: "msg", height: 2, peer: "", msg: msg(2, 1) },
      { kind: "timeout", height: 2, round: 1, step: RoundStep.Propose },
    ]);
    assert.deepEqual(await again.replay(1), []);
    await again.close();
  });

  it("a torn tail (crash mid-write) is ignored and truncated", async () => {
    const dir = tmp();
    const wal = new FileWAL(dir);
    await wal.append({ kind: "msg", height: 3, peer: "p", msg: msg(3) }, true);
    await wal.close();
    const size = statSync(join(dir, "wal")).size;
    appendFileSync(join(dir, "wal"), new Uint8Array([0, 0, 0, 50, 1, 2, 3, 4, 5]));
    const again = new FileWAL(dir);
    assert.equal(statSync(join(dir, "wal")).size, size);
    assert.equal((await again.replay(3)).length, 1);
    await again.append({ kind: "msg", height: 3, peer: "q", msg: msg(3, 2) }, true);
    assert.equal((await again.replay(3)).length, 2);
    await again.close();
  });

  it("rotates after end-height markers and keeps a bounded number of files", async () => {
    const dir = tmp();
    const wal = new FileWAL(dir, { maxFileBytes: 200, keepFiles: 2 });
    for (let h = 1; h <= 20; h++) {
      for (let i = 0; i < 5; i++)
        await wal.append({ kind: "msg", height: h, peer: "p", msg: msg(h, i) }, false);
      if (h < 20) await wal.endHeight(h);
    }
    const files = readdirSync(dir).sort();
    assert.ok(files.length <= 3, files.join(","));
    assert.equal((await wal.replay(20)).length, 5);
    await wal.close();
  });
});
