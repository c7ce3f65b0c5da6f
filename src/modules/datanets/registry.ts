/**
 * Client-side registration of datanets' messages: CosmJS `Registry` entries and `AminoTypes` converters
 * (built from the same amino JSON as the node's sign-bytes check). Pass them to `ChainClient`
 * (`registry` / `aminoTypes` options) or merge them into a wallet's registry.
 */

import type { GeneratedType } from "@cosmjs/proto-signing";
import type { AminoConverters } from "@cosmjs/stargate";
import { fromAminoJson, type PbjsCodec, toAminoJson } from "./amino.js";
import { DATANETS_MSGS, typeUrlOf } from "./msgServer.js";

/** `[typeUrl, generated class]` for every datanets message. */
export const datanetsRegistryTypes: ReadonlyArray<[string, GeneratedType]> = DATANETS_MSGS.map(
  (m) => [typeUrlOf(m.name), m.codec as unknown as GeneratedType] as [string, GeneratedType],
);

/** CosmJS amino converters for every datanets message. */
export function datanetsAminoConverters(): AminoConverters {
  const out: AminoConverters = {};
  for (const m of DATANETS_MSGS) {
    const codec = m.codec as unknown as PbjsCodec<Record<string, unknown>>;
    out[typeUrlOf(m.name)] = {
      aminoType: m.amino,
      toAmino: (value: Record<string, unknown>) => toAminoJson(codec, value),
      fromAmino: (json: unknown) => fromAminoJson(codec, json),
    };
  }
  return out;
}
