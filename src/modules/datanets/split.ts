/**
 * Client-side splitting of text files into rows (used by `tx datanets contribute|add-rows`), and
 * size-bounded batching. Pure functions: no I/O.
 *   .txt   paragraphs (blank-line separated)
 *   .md    sections starting at headings (`--split headings`, default) or paragraphs (`--split paragraphs`);
 *          a section larger than the row limit falls back to its paragraphs
 *   .jsonl one row per non-empty line (each must be valid JSON)
 *   .csv   one row per record (RFC 4180 quoting); the row is the record as a JSON object keyed by the header
 */
import { CodedError, SDK, SdkCode } from "../../types/errors.js";

/** Largest input file. */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;
/** File kinds by extension. */
export type FileKind = "txt" | "md" | "jsonl" | "csv";
/** How Markdown is split. */
export type MarkdownSplit = "headings" | "paragraphs";

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.InvalidRequest, msg);
}

/** The kind of a file from its name; throws `sdk` 18 on an unsupported extension. */
export function fileKind(name: string): FileKind {
  const m = /\.(txt|md|markdown|jsonl|ndjson|csv)$/i.exec(name);
  if (!m) throw bad(`unsupported file ${name}: use .txt, .md, .jsonl or .csv`);
  const ext = m[1]!.toLowerCase();
  if (ext === "markdown") return "md";
  if (ext === "ndjson") return "jsonl";
  return ext as FileKind;
}

function paragraphs(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function sections(text: string): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let fence = false;
  for (const line of text.split("\n")) {
    if (/^(```|~~~)/.test(line)) fence = !fence;
    if (!fence && /^#{1,6}\s/.test(line) && cur.join("").trim().length > 0) {
      out.push(cur.join("\n").trim());
      cur = [];
    }
    cur.push(line);
  }
  if (cur.join("").trim().length > 0) out.push(cur.join("\n").trim());
  return out;
}

/** Parse CSV (RFC 4180: quotes, doubled quotes, newlines in quotes) into records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let rec: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field.length === 0) quoted = true;
    else if (ch === ",") {
      rec.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      rec.push(field);
      field = "";
      if (rec.length > 1 || rec[0] !== "") records.push(rec);
      rec = [];
    } else field += ch;
    i++;
  }
  if (quoted) throw bad("csv: unterminated quoted field");
  if (field.length > 0 || rec.length > 0) {
    rec.push(field);
    records.push(rec);
  }
  return records;
}

/** Split a file's text into rows; rows over `maxRowBytes` are an error (`sdk` 18). */
export function splitRows(
  text: string,
  kind: FileKind,
  maxRowBytes: number,
  md: MarkdownSplit = "headings",
): string[] {
  const body = text.replace(/\r\n/g, "\n").replace(/^\uFEFF/, "");
  let rows: string[];
  switch (kind) {
    case "txt":
      rows = paragraphs(body);
      break;
    case "md":
      rows =
        md === "paragraphs"
          ? paragraphs(body)
          : sections(body).flatMap((s) => (Buffer.byteLength(s) > maxRowBytes ? paragraphs(s) : [s]));
      break;
    case "jsonl":
      rows = [];
      body.split("\n").forEach((line, i) => {
        const l = line.trim();
        if (l.length === 0) return;
        try {
          JSON.parse(l);
        } catch {
          throw bad(`jsonl line ${i + 1} is not valid JSON`);
        }
        rows.push(l);
      });
      break;
    case "csv": {
      const [header, ...records] = parseCsv(body);
      if (!header) throw bad("csv: no header");
      rows = records.map((r, i) => {
        if (r.length !== header.length)
          throw bad(`csv record ${i + 2} has ${r.length} fields, header has ${header.length}`);
        return JSON.stringify(Object.fromEntries(header.map((h, j) => [h, r[j]!])));
      });
      break;
    }
  }
  rows.forEach((r, i) => {
    const n = Buffer.byteLength(r);
    if (n > maxRowBytes) throw bad(`row ${i + 1} is ${n} bytes; the maximum is ${maxRowBytes}`);
  });
  return rows;
}

/** Drop repeated rows (same content), keeping the first; returns the rows and how many were dropped. */
export function dedupe(rows: readonly string[]): { rows: string[]; dropped: number } {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    if (seen.has(r)) continue;
    seen.add(r);
    out.push(r);
  }
  return { rows: out, dropped: rows.length - out.length };
}

/** Group rows into batches of at most `maxBytes` content bytes and `maxRows` rows (in order). */
export function batchRows(rows: readonly string[], maxBytes: number, maxRows: number): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const r of rows) {
    const n = Buffer.byteLength(r);
    if (cur.length > 0 && (bytes + n > maxBytes || cur.length >= maxRows)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(r);
    bytes += n;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
