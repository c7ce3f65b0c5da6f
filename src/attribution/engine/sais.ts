/**
 * Suffix array construction by induced sorting (SA-IS, Nong, Zhang & Chan 2009): linear time, over an
 * integer alphabet, in `Int32Array`s, with working memory of one byte per symbol (the type array) and one
 * bucket array per recursion level besides the text and the output.
 */

/**
 * Sort the suffixes of `text` into `sa`. `text[n-1]` must be 0 and be the only 0 (a unique, smallest
 * sentinel); every symbol lies in `[0, alphabetSize)`. `sa` must have length `n`.
 * `onLevel(level)` is called as each recursion level starts (a coarse progress signal).
 */
export function suffixArray(
  text: Int32Array,
  sa: Int32Array,
  alphabetSize: number,
  onLevel?: (level: number) => void,
): void {
  sais(text, sa, text.length, alphabetSize, 0, onLevel);
}

function fillBuckets(text: Int32Array, n: number, bkt: Int32Array, end: boolean): void {
  bkt.fill(0);
  for (let i = 0; i < n; i++) bkt[text[i]!]!++;
  let sum = 0;
  for (let c = 0; c < bkt.length; c++) {
    sum += bkt[c]!;
    bkt[c] = end ? sum : sum - bkt[c]!;
  }
}

function isLms(t: Uint8Array, i: number): boolean {
  return i > 0 && t[i] === 1 && t[i - 1] === 0;
}

function induce(text: Int32Array, sa: Int32Array, t: Uint8Array, n: number, bkt: Int32Array): void {
  fillBuckets(text, n, bkt, false);
  for (let i = 0; i < n; i++) {
    const j = sa[i]! - 1;
    if (j >= 0 && t[j] === 0) sa[bkt[text[j]!]!++] = j;
  }
  fillBuckets(text, n, bkt, true);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i]! - 1;
    if (j >= 0 && t[j] === 1) sa[--bkt[text[j]!]!] = j;
  }
}

function sais(
  text: Int32Array,
  sa: Int32Array,
  n: number,
  k: number,
  level: number,
  onLevel?: (level: number) => void,
): void {
  onLevel?.(level);
  if (n === 1) {
    sa[0] = 0;
    return;
  }
  // Types: 1 = S (smaller than the next suffix), 0 = L.
  const t = new Uint8Array(n);
  t[n - 1] = 1;
  for (let i = n - 2; i >= 0; i--) {
    const a = text[i]!;
    const b = text[i + 1]!;
    t[i] = a < b || (a === b && t[i + 1] === 1) ? 1 : 0;
  }
  const bkt = new Int32Array(k);

  // Stage 1: sort the LMS substrings by inducing from their bucket ends.
  sa.fill(-1);
  fillBuckets(text, n, bkt, true);
  for (let i = 1; i < n; i++) if (isLms(t, i)) sa[--bkt[text[i]!]!] = i;
  induce(text, sa, t, n, bkt);

  // Compact the sorted LMS positions into sa[0, n1).
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const p = sa[i]!;
    if (isLms(t, p)) sa[n1++] = p;
  }
  // Name the LMS substrings; names go to sa[n1 + (p >> 1)] (LMS positions are at least 2 apart).
  sa.fill(-1, n1, n);
  let name = 0;
  let prev = -1;
  for (let i = 0; i < n1; i++) {
    const pos = sa[i]!;
    let diff = false;
    for (let d = 0; d < n; d++) {
      if (prev === -1 || text[pos + d] !== text[prev + d] || t[pos + d] !== t[prev + d]) {
        diff = true;
        break;
      }
      if (d > 0 && (isLms(t, pos + d) || isLms(t, prev + d))) break;
    }
    if (diff) {
      name++;
      prev = pos;
    }
    sa[n1 + (pos >> 1)] = name - 1;
  }
  for (let i = n - 1, j = n - 1; i >= n1; i--) {
    const v = sa[i]!;
    if (v >= 0) sa[j--] = v;
  }

  // Stage 2: sort the reduced string (recursively when names repeat).
  const sa1 = sa.subarray(0, n1);
  const s1 = sa.subarray(n - n1, n);
  if (name < n1) {
    sais(s1, sa1, n1, name, level + 1, onLevel);
  } else {
    for (let i = 0; i < n1; i++) sa1[s1[i]!] = i;
  }

  // Stage 3: induce the full order from the sorted LMS suffixes.
  fillBuckets(text, n, bkt, true);
  for (let i = 1, j = 0; i < n; i++) if (isLms(t, i)) s1[j++] = i;
  for (let i = 0; i < n1; i++) sa1[i] = s1[sa1[i]!]!;
  sa.fill(-1, n1, n);
  for (let i = n1 - 1; i >= 0; i--) {
    const j = sa[i]!;
    sa[i] = -1;
    sa[--bkt[text[j]!]!] = j;
  }
  induce(text, sa, t, n, bkt);
}
