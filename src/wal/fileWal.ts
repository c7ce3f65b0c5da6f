/**
 * The consensus write-ahead log on disk (CometBFT `consensus/wal.go`): length- and checksum-framed
 * records appended to `<dir>/wal`, fsynced when asked (own votes and proposals, end-height markers);
 * rotated to `<dir>/wal.<n>` after an end-height marker once the head exceeds `maxFileBytes`, keeping
 * the newest `keepFiles` rotated files. A torn or corrupt tail (a crash mid-write) ends replay there
 * and is truncated away before new records are appended.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsync as fsyncCb,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { CONSENSUS_CODESPACE, ConsensusErrorCode, type WAL, type WalEntry } from "../consensus/types.js";
import { decodeWalEntry, encodeWalEntry } from "../consensus/wal.js";
import { sha256 } from "../crypto/hash.js";
import { CodedError } from "../types/errors.js";

/** File WAL settings. */
export interface FileWALOptions {
  /** Rotate the head file after an end-height marker once it is bigger than this (default 10 MiB). */
  maxFileBytes?: number;
  /** Rotated files kept (default 2). */
  keepFiles?: number;
}

const HEADER = 8;

/** A WAL in a folder (the node uses `<home>/data/cs.wal`). */
export class FileWAL implements WAL {
  private fd: number;
  private size: number;
  private readonly maxFileBytes: number;
  private readonly keepFiles: number;

  /** Open (creating) the WAL in `dir`; a torn tail of the head file is truncated. */
  constructor(
    private readonly dir: string,
    options: FileWALOptions = {},
  ) {
    this.maxFileBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
    this.keepFiles = options.keepFiles ?? 2;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const head = join(dir, "wal");
      const valid = existsSync(head) ? scanFile(readFileSync(head)).validBytes : 0;
      this.fd = openSync(head, "a+", 0o600);
      if (fstatSync(this.fd).size > valid) ftruncateSync(this.fd, valid);
      this.size = valid;
    } catch (e) {
      throw walError(`cannot open WAL in ${dir}: ${errMsg(e)}`);
    }
  }

  /** Append a record; fsynced when `fsync`. */
  async append(entry: WalEntry, fsync: boolean): Promise<void> {
    const data = encodeWalEntry(entry);
    const frame = new Uint8Array(HEADER + data.length);
    const view = new DataView(frame.buffer);
    view.setUint32(0, data.length);
    frame.set(sha256(data).subarray(0, 4), 4);
    frame.set(data, HEADER);
    try {
      writeSync(this.fd, frame);
    } catch (e) {
      throw walError(`cannot write WAL: ${errMsg(e)}`);
    }
    this.size += frame.length;
    // fsync off the event loop: the caller waits for durability, the node's gossip does not
    if (fsync) {
      await new Promise<void>((resolve, reject) =>
        fsyncCb(this.fd, (e) => (e ? reject(walError(`cannot fsync WAL: ${errMsg(e)}`)) : resolve())),
      );
    }
  }

  /** Append the end-height marker (fsynced); rotate when the head file is big. */
  async endHeight(height: number): Promise<void> {
    await this.append({ kind: "endHeight", height }, true);
    if (this.size >= this.maxFileBytes) this.rotate();
  }

  /** The `msg` and `timeout` records of `height` (none once an end-height marker for it exists). */
  async replay(height: number): Promise<WalEntry[]> {
    const out: WalEntry[] = [];
    for (const file of this.files()) {
      const { entries } = scanFile(readFileSync(join(this.dir, file)));
      for (const e of entries) {
        if (e.kind === "endHeight") {
          if (e.height >= height) out.length = 0;
          continue;
        }
        if (e.height === height) out.push(e);
      }
    }
    return out;
  }

  /** Flush and close. */
  async close(): Promise<void> {
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  /** Rotated files oldest first, then the head. */
  private files(): string[] {
    const rotated = readdirSync(this.dir)
      .filter((f) => /^wal\.\d+$/.test(f))
      .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
    return [...rotated, "wal"];
  }

  private rotate(): void {
    const rotated = this.files().slice(0, -1);
    const last = rotated.at(-1);
    const next = last === undefined ? 0 : Number(last.slice(4)) + 1;
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(join(this.dir, "wal"), join(this.dir, `wal.${next}`));
    const all = [...rotated, `wal.${next}`];
    for (const f of all.slice(0, Math.max(0, all.length - this.keepFiles))) unlinkSync(join(this.dir, f));
    this.fd = openSync(join(this.dir, "wal"), "a+", 0o600);
    this.size = 0;
  }
}

/** Parse framed records; stops at the first torn or corrupt one. */
function scanFile(buf: Uint8Array): { entries: WalEntry[]; validBytes: number } {
  const entries: WalEntry[] = [];
  let off = 0;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  while (off + HEADER <= buf.length) {
    const len = view.getUint32(off);
    if (off + HEADER + len > buf.length) break;
    const data = buf.subarray(off + HEADER, off + HEADER + len);
    const sum = sha256(data).subarray(0, 4);
    if (!sum.every((b, i) => b === buf[off + 4 + i])) break;
    try {
      entries.push(decodeWalEntry(data));
    } catch {
      break;
    }
    off += HEADER + len;
  }
  return { entries, validBytes: off };
}

function walError(message: string): CodedError {
  return new CodedError(CONSENSUS_CODESPACE, ConsensusErrorCode.WalCorrupt, message);
}

function errMsg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
