/**
 * Client-side registration of attribution's messages: CosmJS `Registry` entries and `AminoTypes`
 * converters (the same amino JSON as the node's sign-bytes check).
 */
import type { GeneratedType } from "@cosmjs/proto-signing";
import type { AminoConverters } from "@cosmjs/stargate";
import { aminoConvertersOf, registryTypesOf } from "../../app/aminoKit.js";
import { ATTRIBUTION_MSGS, typeUrlOf } from "./msgServer.js";

/** `[typeUrl, generated class]` for every attribution message. */
export const attributionRegistryTypes: ReadonlyArray<[string, GeneratedType]> = registryTypesOf(
  ATTRIBUTION_MSGS,
  typeUrlOf,
);

/** CosmJS amino converters for every attribution message. */
export function attributionAminoConverters(): AminoConverters {
  return aminoConvertersOf(ATTRIBUTION_MSGS, typeUrlOf);
}
