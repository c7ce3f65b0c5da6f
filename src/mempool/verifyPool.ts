/**
 * A small `worker_threads` pool that verifies secp256k1 signatures (native libsecp256k1, low-S only,
 * exactly as `secp256k1VerifyDigest`) off the main thread. The mempool uses it to pre-verify a new tx's
 * signatures while the main thread serves other requests; the app then finds them in its
 * verified-signature cache, so neither CheckTx nor FinalizeBlock runs ECDSA on the main thread.
 *
 * Requests made in the same event-loop turn travel as one message of packed
 * (digest 32 ‖ signature 64 ‖ pubkey 33) records; each worker answers its messages in order. A worker
 * is referenced only while it owes answers, so an idle pool never keeps the process alive. Any failure (a worker crash, bad input)
 * answers `false`, which only means "not pre-verified": the caller verifies synchronously instead.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const RECORD = 32 + 64 + 33;

/** The worker's code (CommonJS, run with `eval`, so it needs no file of its own in src or dist). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const native = require(workerData.bindings);
parentPort.on("message", (buf) => {
  const n = Math.floor(buf.length / ${RECORD});
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * ${RECORD};
    try {
      out[i] = native.ecdsaVerify(buf.subarray(o + 32, o + 96), buf.subarray(o, o + 32), buf.subarray(o + 96, o + ${RECORD})) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  parentPort.postMessage(out, [out.buffer]);
});
`;

interface Pending {
  digest: Uint8Array;
  signature: Uint8Array;
  pubKey: Uint8Array;
  resolve: (ok: boolean) => void;
}

interface Slot {
  worker: Worker;
  /** Batches sent and not yet answered, oldest first. */
  inFlight: ((results: Uint8Array | undefined) => void)[];
  /** Records in flight (for picking the least busy worker). */
  load: number;
}

/** Signature verification on worker threads. */
export class SignatureVerifyPool {
  private readonly slots: Slot[] = [];
  private queue: Pending[] = [];
  private flushScheduled = false;
  private closed = false;

  /** A pool of `size` workers (1 or 2 suit a 2-core machine); started lazily on first use. */
  constructor(private readonly size = 1) {}

  /**
   * True when `signature` (64-byte r‖s, low-S) by `pubKey` (33-byte compressed) signs `digest`.
   * Malformed input, a closed pool or a failed worker answer false.
   */
  verify(digest: Uint8Array, signature: Uint8Array, pubKey: Uint8Array): Promise<boolean> {
    if (this.closed || digest.length !== 32 || signature.length !== 64 || pubKey.length !== 33) {
      return Promise.resolve(false);
    }
    return new Promise<boolean>((resolve) => {
      this.queue.push({ digest, signature, pubKey, resolve });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Stop the workers; pending and later calls answer false. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(false);
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const slot = this.pick();
    if (!slot) {
      for (const p of batch) p.resolve(false);
      return;
    }
    const buf = new Uint8Array(batch.length * RECORD);
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      const o = i * RECORD;
      buf.set(p.digest, o);
      buf.set(p.signature, o + 32);
      buf.set(p.pubKey, o + 96);
    }
    // Referenced only while it owes answers: an idle pool never keeps the process alive.
    if (slot.load === 0) slot.worker.ref();
    slot.load += batch.length;
    slot.inFlight.push((results) => {
      slot.load -= batch.length;
      if (slot.load === 0) slot.worker.unref();
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results?.[i] === 1);
    });
    slot.worker.postMessage(buf, [buf.buffer]);
  }

  private pick(): Slot | undefined {
    if (this.closed) return undefined;
    while (this.slots.length < this.size) {
      const slot = this.spawn();
      if (!slot) break;
      this.slots.push(slot);
    }
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.load < best.load) best = s;
    return best;
  }

  private spawn(): Slot | undefined {
    let worker: Worker;
    try {
      const bindings = createRequire(import.meta.url).resolve("secp256k1/bindings");
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bindings } });
    } catch {
      return undefined;
    }
    const slot: Slot = { worker, inFlight: [], load: 0 };
    worker.on("message", (results: Uint8Array) => slot.inFlight.shift()?.(results));
    const fail = (): void => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const done of slot.inFlight.splice(0)) done(undefined);
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    // Idle until the first batch (after the listeners: adding a "message" listener refs it again).
    worker.unref();
    return slot;
  }
}
