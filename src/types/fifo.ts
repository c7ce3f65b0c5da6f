/**
 * A FIFO queue of keys on a growable ring buffer, for the eviction order of bounded caches.
 *
 * A `Map` used as its own FIFO (`map.keys().next()` to find the oldest entry, then `delete`) is
 * O(deleted entries) per eviction in V8: deleted entries stay as holes at the front of the table
 * until it is rehashed, and every `keys().next()` walks over them. With caches of tens of thousands
 * of entries evicting once per tx, that walk cost ~3% of the node's main thread.
 */
export class FifoQueue<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private count = 0;

  /** An empty queue (the ring starts at `initialCapacity` slots and doubles when full). */
  constructor(initialCapacity = 1024) {
    this.buf = new Array<T | undefined>(Math.max(4, initialCapacity));
  }

  /** Number of queued items. */
  get size(): number {
    return this.count;
  }

  /** Append `item` at the back. */
  push(item: T): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) % this.buf.length] = item;
    this.count++;
  }

  /** Remove and return the front item (undefined when empty). */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.count--;
    return item;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.buf[(this.head + i) % this.buf.length];
    this.buf = next;
    this.head = 0;
  }
}
