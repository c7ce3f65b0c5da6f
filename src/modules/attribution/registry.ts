/**
 * Client-side registration of attribution's messages: CosmJS `Registry` entries and `AminoTypes`
 * converters (the same amino JSON as the node's sign-bytes check).
 */
import type { GeneratedType } from "@cosmjs/proto-signing";
import type { AminoConverters } from "@cosmjs/stargate";
import { fromAminoJson, type PbjsCodec, toAminoJson } from "../datanets/amino.js";
import { ATTRIBUTION_MSGS, typeUrlOf } from "./msgServer.js";

/** `[typeUrl, generated class]` for every attribution message. */
export const attributionRegistryTypes: ReadonlyArray<[string, GeneratedType]> = ATTRIBUTION_MSGS.map(
  (m) => [typeUrlOf(m.name), m.codec as unknown as GeneratedType] as [string, GeneratedType],
);

/** CosmJS amino converters for every attribution message. */
export function attributionAminoConverters(): AminoConverters {
  const out: AminoConverters = {};
  for (const m of ATTRIBUTION_MSGS) {
    const codec = m.codec as unknown as PbjsCodec<Record<string, unknown>>;
    out[typeUrlOf(m.name)] = {
      aminoType: m.amino,
      toAmino: (value: Record<string, unknown>) => toAminoJson(codec, value),
      fromAmino: (json: unknown) => fromAminoJson(codec, json),
    };
  }
  return out;
}
