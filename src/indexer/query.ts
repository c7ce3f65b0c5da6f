/**
 * CometBFT's event query language (`libs/pubsub/query/syntax`), used by `tx_search`, `block_search`
 * and `subscribe`:
 *
 *   query     := condition { "AND" condition }
 *   condition := tag ( "=" | "<" | "<=" | ">" | ">=" ) operand | tag "CONTAINS" string | tag "EXISTS"
 *   operand   := 'string' | number | "DATE" yyyy-mm-dd | "TIME" yyyy-mm-ddThh:mm:ss(Z|±hh:mm)
 *
 * Tags start with a letter, digit or `_` and go on with letters, digits, `.`, `_`, `-`. Ranges take
 * numbers, dates or times; CONTAINS takes a string. A bad query is a coded error, never a crash.
 */
import { IndexerErrorCode, indexerError } from "./errors.js";

// ---------------------------------------------------------------------------------------------
// Constants

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 4096;
/** Most conditions in one query. */
export const MAX_QUERY_CONDITIONS = 64;

// ---------------------------------------------------------------------------------------------
// Types

/** A comparison operator. */
export type QueryOp = "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";

/** An operand: its kind and text as written (without quotes or the DATE/TIME label). */
export type QueryArg =
  | { kind: "string"; text: string }
  | { kind: "number"; text: string; value: Decimal }
  | { kind: "date"; text: string; ms: number }
  | { kind: "time"; text: string; ms: number };

/** One `tag op operand` condition; `arg` is absent for EXISTS. */
export interface Condition {
  tag: string;
  op: QueryOp;
  arg?: QueryArg;
}

/** A parsed query: conditions joined by AND. */
export type Query = Condition[];

/** An exact decimal: `int / 10^scale`. */
export interface Decimal {
  int: bigint;
  scale: number;
}

type TokKind = "tag" | "string" | "number" | "date" | "time" | "and" | "contains" | "exists" | "op";

interface Token {
  kind: TokKind;
  text: string;
  pos: number;
}

// ---------------------------------------------------------------------------------------------
// Public

/** Parse a query; malformed input throws a coded `indexer` error (InvalidQuery). */
export function parseQuery(input: string): Query {
  if (typeof input !== "string") throw bad("query must be a string", 0);
  if (input.length > MAX_QUERY_LENGTH) throw bad(`query longer than ${MAX_QUERY_LENGTH} characters`, 0);
  const tokens = tokenize(input);
  const q: Query = [];
  let i = 0;
  const next = (): Token | undefined => tokens[i++];
  for (;;) {
    const tag = next();
    if (tag === undefined) throw bad("unexpected end of query, wanted tag", input.length);
    if (tag.kind !== "tag") throw bad(`got ${describe(tag)}, wanted tag`, tag.pos);
    const op = next();
    if (op === undefined) throw bad("unexpected end of query, wanted operator", input.length);
    let cond: Condition;
    if (op.kind === "exists") {
      cond = { tag: tag.text, op: "EXISTS" };
    } else if (op.kind === "contains") {
      const arg = next();
      if (arg === undefined || arg.kind !== "string")
        throw bad("CONTAINS wants a string", arg?.pos ?? input.length);
      cond = { tag: tag.text, op: "CONTAINS", arg: { kind: "string", text: arg.text } };
    } else if (op.kind === "op") {
      const arg = next();
      if (arg === undefined) throw bad("unexpected end of query, wanted operand", input.length);
      const operator = op.text as QueryOp;
      if (operator !== "=" && arg.kind === "string")
        throw bad(`${operator} wants a number, date or time`, arg.pos);
      cond = { tag: tag.text, op: operator, arg: toArg(arg) };
    } else {
      throw bad(`got ${describe(op)}, wanted operator`, op.pos);
    }
    q.push(cond);
    if (q.length > MAX_QUERY_CONDITIONS) throw bad(`more than ${MAX_QUERY_CONDITIONS} conditions`, op.pos);
    const and = next();
    if (and === undefined) return q;
    if (and.kind !== "and") throw bad(`got ${describe(and)}, wanted AND`, and.pos);
  }
}

/** The canonical text of a query (as CometBFT's `Query.String()`). */
export function formatQuery(q: Query): string {
  return q
    .map((c) => {
      const head = `${c.tag} ${c.op}`;
      if (c.arg === undefined) return head;
      switch (c.arg.kind) {
        case "string":
          return `${head} '${c.arg.text}'`;
        case "date":
          return `${head} DATE ${c.arg.text}`;
        case "time":
          return `${head} TIME ${c.arg.text}`;
        default:
          return `${head} ${c.arg.text}`;
      }
    })
    .join(" AND ");
}

/**
 * True when one value satisfies a condition: `=` compares text exactly (numbers also numerically),
 * ranges compare numbers exactly or dates/times by instant, CONTAINS is a substring test, EXISTS holds.
 */
export function conditionMatchesValue(c: Condition, value: string): boolean {
  const arg = c.arg;
  if (c.op === "EXISTS" || arg === undefined) return true;
  if (c.op === "CONTAINS") return value.includes(arg.text);
  if (c.op === "=") {
    if (value === arg.text) return true;
    if (arg.kind === "number") {
      const v = parseDecimal(value);
      return v !== undefined && compareDecimal(v, arg.value) === 0;
    }
    if (arg.kind === "date" || arg.kind === "time") {
      const ms = parseTimeValue(value);
      return ms !== undefined && ms === arg.ms;
    }
    return false;
  }
  let cmp: number;
  if (arg.kind === "number") {
    const v = parseDecimal(value);
    if (v === undefined) return false;
    cmp = compareDecimal(v, arg.value);
  } else if (arg.kind === "date" || arg.kind === "time") {
    const ms = parseTimeValue(value);
    if (ms === undefined) return false;
    cmp = ms < arg.ms ? -1 : ms > arg.ms ? 1 : 0;
  } else {
    return false;
  }
  switch (c.op) {
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    default:
      return cmp >= 0;
  }
}

/**
 * True when a set of tags (composite key `type.key` → values, as CometBFT pubsub sees an event
 * message) satisfies every condition; a condition holds when any value of its tag matches.
 */
export function matchQuery(q: Query, tags: ReadonlyMap<string, readonly string[]>): boolean {
  for (const c of q) {
    const values = tags.get(c.tag);
    if (values === undefined || values.length === 0) return false;
    if (!values.some((v) => conditionMatchesValue(c, v))) return false;
  }
  return true;
}

/** Parse a plain decimal (`-12`, `3.50`); undefined when the text is not one. */
export function parseDecimal(s: string): Decimal | undefined {
  const m = /^(-?)(\d{1,80})(?:\.(\d{1,80}))?$/.exec(s);
  if (m === null) return undefined;
  const frac = m[3] ?? "";
  const int = BigInt(`${m[2]}${frac}`);
  return { int: m[1] === "-" ? -int : int, scale: frac.length };
}

/** Exact comparison of two decimals: <0, 0, >0. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.int * 10n ** BigInt(scale - a.scale);
  const y = b.int * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The integer bounds `[lo, hi]` on a numeric tag (such as `tx.height`) that the range and equality
 * conditions on it imply; `empty` when they cannot all hold. Conditions on other tags are ignored.
 */
export function integerBounds(q: Query, tag: string): { lo: number; hi: number; empty: boolean } {
  let lo = 0;
  let hi = Number.MAX_SAFE_INTEGER;
  for (const c of q) {
    if (c.tag !== tag || c.arg === undefined || c.arg.kind !== "number") continue;
    const d = c.arg.value;
    const floor = floorDecimal(d);
    const isInt = d.scale === 0 || d.int % 10n ** BigInt(d.scale) === 0n;
    const ceil = isInt ? floor : floor + 1n;
    switch (c.op) {
      case "=":
        if (!isInt) return { lo: 1, hi: 0, empty: true };
        lo = Math.max(lo, clamp(floor));
        hi = Math.min(hi, clamp(floor));
        break;
      case ">":
        lo = Math.max(lo, clamp(floor + 1n));
        break;
      case ">=":
        lo = Math.max(lo, clamp(ceil));
        break;
      case "<":
        hi = Math.min(hi, clamp(ceil - 1n));
        break;
      case "<=":
        hi = Math.min(hi, clamp(floor));
        break;
      default:
        break;
    }
  }
  return { lo, hi, empty: lo > hi };
}

// ---------------------------------------------------------------------------------------------
// Private

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch >= "0" && ch <= "9") {
      while (i < s.length && isDigit(s[i] as string)) i++;
      if (s[i] === ".") {
        i++;
        while (i < s.length && isDigit(s[i] as string)) i++;
      }
      out.push({ kind: "number", text: s.slice(start, i), pos: start });
    } else if (isFirstTagChar(ch)) {
      while (i < s.length && isTagChar(s[i] as string)) i++;
      const text = s.slice(start, i);
      const spaceAfter = s[i] === " ";
      if ((text === "TIME" || text === "DATE") && spaceAfter) {
        i++;
        const litStart = i;
        const allowed = text === "TIME" ? /[0-9TZ:+-]/ : /[0-9-]/;
        while (i < s.length && allowed.test(s[i] as string)) i++;
        out.push({ kind: text === "TIME" ? "time" : "date", text: s.slice(litStart, i), pos: litStart });
      } else if (text === "AND") out.push({ kind: "and", text, pos: start });
      else if (text === "CONTAINS") out.push({ kind: "contains", text, pos: start });
      else if (text === "EXISTS") out.push({ kind: "exists", text, pos: start });
      else out.push({ kind: "tag", text, pos: start });
    } else if (ch === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw bad("unterminated string", start);
      out.push({ kind: "string", text: s.slice(i + 1, end), pos: start });
      i = end + 1;
    } else if (ch === "=" || ch === "<" || ch === ">") {
      i++;
      if (ch !== "=" && s[i] === "=") i++;
      out.push({ kind: "op", text: s.slice(start, i), pos: start });
    } else {
      throw bad(`invalid input ${JSON.stringify(ch)}`, start);
    }
  }
  return out;
}

function toArg(t: Token): QueryArg {
  switch (t.kind) {
    case "string":
      return { kind: "string", text: t.text };
    case "number": {
      const value = parseDecimal(t.text);
      if (value === undefined) throw bad(`invalid number ${t.text}`, t.pos);
      return { kind: "number", text: t.text, value };
    }
    case "date": {
      const ms = parseDateLiteral(t.text);
      if (ms === undefined) throw bad(`invalid DATE value ${JSON.stringify(t.text)}`, t.pos);
      return { kind: "date", text: t.text, ms };
    }
    case "time": {
      const ms = parseTimeLiteral(t.text);
      if (ms === undefined) throw bad(`invalid TIME value ${JSON.stringify(t.text)}`, t.pos);
      return { kind: "time", text: t.text, ms };
    }
    default:
      throw bad(`got ${describe(t)}, wanted number, date, time or string`, t.pos);
  }
}

function parseDateLiteral(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) return undefined;
  return validDate(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, 0);
}

function parseTimeLiteral(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (m === null) return undefined;
  const offset = m[7] === "Z" ? 0 : (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  return validDate(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    offset,
  );
}

/** An event value as an instant: RFC 3339 (fractional seconds allowed) or a date. */
function parseTimeValue(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(
    s,
  );
  if (m === null) return parseDateLiteral(s);
  const offset = m[8] === "Z" ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const base = validDate(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    offset,
  );
  if (base === undefined) return undefined;
  return base + Number((m[7] ?? "0").padEnd(3, "0").slice(0, 3));
}

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMin: number) {
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(ms).getUTCDate() !== d) return undefined; // e.g. Feb 30
  return ms - offsetMin * 60_000;
}

function floorDecimal(d: Decimal): bigint {
  const p = 10n ** BigInt(d.scale);
  const q = d.int / p;
  return d.int < 0n && d.int % p !== 0n ? q - 1n : q;
}

function clamp(n: bigint): number {
  if (n < 0n) return 0;
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  return Number(n);
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isFirstTagChar(c: string): boolean {
  return c === "_" || /[\p{L}\p{Nd}]/u.test(c);
}

function isTagChar(c: string): boolean {
  return c === "." || c === "_" || c === "-" || /[\p{L}\p{Nd}]/u.test(c);
}

function describe(t: Token): string {
  switch (t.kind) {
    case "and":
      return "AND operator";
    case "contains":
      return "CONTAINS operator";
    case "exists":
      return "EXISTS operator";
    case "op":
      return `${t.text} operator`;
    default:
      return `${t.kind} ${JSON.stringify(t.text)}`;
  }
}

function bad(message: string, pos: number) {
  return indexerError(IndexerErrorCode.InvalidQuery, `invalid query: offset ${pos}: ${message}`);
}
