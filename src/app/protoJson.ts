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

/**
 * Decode a module's genesis JSON (proto field names) with a protobufjs `fromObject`; anything that is
 * not an object or does not decode goes to `bad`, which throws the module's coded genesis error.
 */
export function decodeGenesisJson<T>(
  json: unknown,
  fromObject: (o: Record<string, unknown>) => T,
  bad: (msg: string) => never,
): T {
  if (!isObject(json)) bad("must be an object");
  try {
    return fromObject(fromProtoNames(json) as Record<string, unknown>);
  } catch (e) {
    return bad((e as Error).message);
  }
}

/**
 * The ids of genesis records, checked non-zero and unique (`bad` gets "duplicate or zero <what> id N"),
 * with the largest one, so the caller can check the next-id sequence lies above it.
 */
export function uniqueGenesisIds<E>(
  items: readonly E[],
  idOf: (e: E) => bigint,
  what: string,
  bad: (msg: string) => never,
): { ids: Set<bigint>; max: bigint } {
  const ids = new Set<bigint>();
  let max = 0n;
  for (const item of items) {
    const id = idOf(item);
    if (id === 0n || ids.has(id)) bad(`duplicate or zero ${what} id ${id}`);
    ids.add(id);
    if (id > max) max = id;
  }
  return { ids, max };
}
