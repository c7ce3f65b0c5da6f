/**
 * Reading one element out of a stored block or FinalizeBlock response without decoding the rest: a
 * walk over the top-level protobuf fields that skips everything but the wanted repeated entry. The
 * tx index uses it to answer `tx` queries from the block store's copy of a tx and its result.
 */

/** A field's value range `[start, end)` in the scanned bytes. */
interface Range {
  start: number;
  end: number;
}

/**
 * The `index`-th tx of a proto-encoded `tendermint.types.Block` (field 2 `data`, whose field 1 is the
 * repeated `txs`), as a view into `block`; undefined when there is no such tx or the bytes are
 * malformed. Like the generated decoder, a repeated `data` field counts only its last occurrence.
 */
export function scanBlockTx(block: Uint8Array, index: number): Uint8Array | undefined {
  const data = blockDataRange(block);
  if (data === undefined || data === null) return undefined;
  return nthBytesField(block, data.start, data.end, 1, index);
}

/**
 * Every tx of a proto-encoded `tendermint.types.Block`, as views into `block` (same rules as
 * `scanBlockTx`); undefined when the bytes are malformed.
 */
export function scanBlockTxs(block: Uint8Array): Uint8Array[] | undefined {
  const data = blockDataRange(block);
  if (data === null) return undefined;
  const txs: Uint8Array[] = [];
  if (data === undefined) return txs;
  const cur = { pos: data.start };
  while (cur.pos < data.end) {
    const field = nextField(block, cur, data.end);
    if (field === undefined) return undefined;
    if (field.number === 1 && field.range !== undefined)
      txs.push(block.subarray(field.range.start, field.range.end));
  }
  return txs;
}

/**
 * The range of a Block's `data` (top-level field 2; the last occurrence counts, as in the generated
 * decoder): undefined when absent, null when the top-level fields are malformed.
 */
function blockDataRange(block: Uint8Array): Range | undefined | null {
  let data: Range | undefined;
  const top = { pos: 0 };
  while (top.pos < block.length) {
    const field = nextField(block, top, block.length);
    if (field === undefined) return null;
    if (field.number === 2 && field.range !== undefined) data = field.range;
  }
  return data;
}

/**
 * The bytes of the `index`-th `ExecTxResult` of a proto-encoded `tendermint.abci.ResponseFinalizeBlock`
 * (repeated field 2 `tx_results`), as a view into `response`; undefined when absent or malformed.
 */
export function scanFinalizeBlockTxResult(response: Uint8Array, index: number): Uint8Array | undefined {
  return nthBytesField(response, 0, response.length, 2, index);
}

/** The `index`-th occurrence of length-delimited field `number` between `start` and `end`. */
function nthBytesField(
  buf: Uint8Array,
  start: number,
  end: number,
  number: number,
  index: number,
): Uint8Array | undefined {
  if (!Number.isSafeInteger(index) || index < 0) return undefined;
  let seen = 0;
  const cur = { pos: start };
  while (cur.pos < end) {
    const field = nextField(buf, cur, end);
    if (field === undefined) return undefined;
    if (field.number !== number || field.range === undefined) continue;
    if (seen === index) return buf.subarray(field.range.start, field.range.end);
    seen++;
  }
  return undefined;
}

/**
 * Read the field at `cur.pos` and move past it: its number and, for length-delimited fields, the
 * range of its value. Undefined on malformed or truncated data or an unsupported wire type.
 */
function nextField(
  buf: Uint8Array,
  cur: { pos: number },
  end: number,
): { number: number; range: Range | undefined } | undefined {
  const tag = readVarint(buf, cur, end);
  if (tag === undefined) return undefined;
  const number = Math.floor(tag / 8);
  switch (tag % 8) {
    case 0:
      return skipVarint(buf, cur, end) ? { number, range: undefined } : undefined;
    case 1:
      cur.pos += 8;
      return cur.pos > end ? undefined : { number, range: undefined };
    case 2: {
      const len = readVarint(buf, cur, end);
      if (len === undefined || cur.pos + len > end) return undefined;
      const range = { start: cur.pos, end: cur.pos + len };
      cur.pos += len;
      return { number, range };
    }
    case 5:
      cur.pos += 4;
      return cur.pos > end ? undefined : { number, range: undefined };
    default:
      return undefined;
  }
}

/** A varint below 2^53 at `cur.pos` (moving past it); undefined when truncated or too long. */
function readVarint(buf: Uint8Array, cur: { pos: number }, end: number): number | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (cur.pos >= end) return undefined;
    const b = buf[cur.pos++] as number;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value <= Number.MAX_SAFE_INTEGER ? value : undefined;
    scale *= 128;
  }
  return undefined;
}

/** Move past a varint of any size at `cur.pos`; false when truncated or longer than 10 bytes. */
function skipVarint(buf: Uint8Array, cur: { pos: number }, end: number): boolean {
  for (let i = 0; i < 10; i++) {
    if (cur.pos >= end) return false;
    if ((buf[cur.pos++] as number) < 0x80) return true;
  }
  return false;
}
