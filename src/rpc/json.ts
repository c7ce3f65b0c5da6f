/**
 * JSON values as the RPC reads and writes them: a closed `Json` type (no `any`), a nesting-depth
 * guard run before `JSON.parse`, and a serialiser that escapes `<`, `>`, `&`, U+2028 and U+2029 as
 * Go's `encoding/json` does, so our bytes match CometBFT's.
 */

/** Deepest nesting of arrays/objects accepted in a request body. */
export const MAX_JSON_DEPTH = 64;

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** True when `v` is a plain JSON object (not an array, not null). */
export function isJsonObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Serialise compactly with Go's HTML-safe escaping. These characters can only occur inside JSON
 * strings, so a global replacement on the output is exact.
 */
export function stringifyJson(v: Json): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}

/**
 * The maximum array/object nesting depth of JSON text, counting brackets outside strings. Linear
 * and non-recursive, so hostile input cannot exhaust the stack.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

/** Parse JSON text; throws an Error with Go-like text on malformed or too deeply nested input. */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): Json {
  if (jsonDepth(text) > maxDepth) throw new Error(`exceeded max depth of ${maxDepth}`);
  return JSON.parse(text) as Json;
}
