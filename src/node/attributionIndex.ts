/**
 * The node's attribution segment files: `data/attribution/<datanet>/<version>.olax` (derived data,
 * outside the app hash, rebuilt from state by the attribution module's `StateIndexProvider` when
 * missing or corrupt). Writes go to a temporary file renamed into place, so a crash never leaves a
 * half-written segment under the final name.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SegmentStore } from "../modules/attribution/indexProvider.js";

/** Segment files under `dir` (e.g. `<home>/data/attribution`). */
export class FileSegmentStore implements SegmentStore {
  /** Over a folder (created on first save). */
  constructor(private readonly dir: string) {}

  /** The file of (datanet, version). */
  pathOf(datanetId: bigint, version: bigint): string {
    return join(this.dir, datanetId.toString(), `${version}.olax`);
  }

  /** The stored bytes, or undefined when there is no readable file. */
  load(datanetId: bigint, version: bigint): Uint8Array | undefined {
    try {
      return new Uint8Array(readFileSync(this.pathOf(datanetId, version)));
    } catch {
      return undefined;
    }
  }

  /** Write atomically (temp file + rename); a failed write only costs a rebuild later. */
  save(datanetId: bigint, version: bigint, bytes: Uint8Array): void {
    const path = this.pathOf(datanetId, version);
    try {
      mkdirSync(join(this.dir, datanetId.toString()), { recursive: true });
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    } catch {
      // Derived data: the in-memory copy serves until the next start rebuilds it.
    }
  }
}
