/**
 * The SDK's genesis JSON is protobuf JSON with the proto field names (snake_case); cosmjs-types'
 * `toJSON`/`fromJSON` use camelCase. These convert between the two, key by key.
 */

/** `denom_units` → `denomUnits`. */
export function snakeToCamel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `denomUnits` → `denom_units`. */
export function camelToSnake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Rename keys recursively (keys starting with `@` stay). */
export function mapKeys(value: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, f));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k.startsWith("@") ? k : f(k)] = mapKeys(v, f);
    }
    return out;
  }
  return value;
}

/** cosmjs-types JSON → proto-name JSON. */
export function toProtoNames(value: unknown): unknown {
  return mapKeys(value, camelToSnake);
}

/** Proto-name JSON → cosmjs-types JSON. */
export function fromProtoNames(value: unknown): unknown {
  return mapKeys(value, snakeToCamel);
}

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
