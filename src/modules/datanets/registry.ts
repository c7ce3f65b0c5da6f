/**
 * Client-side registration of datanets' messages: CosmJS `Registry` entries and `AminoTypes` converters
 * (built from the same amino JSON as the node's sign-bytes check). Pass them to `ChainClient`
 * (`registry` / `aminoTypes` options) or merge them into a wallet's registry.
 */

import type { GeneratedType } from "@cosmjs/proto-signing";
import type { AminoConverters } from "@cosmjs/stargate";
import { aminoConvertersOf, registryTypesOf } from "../../app/aminoKit.js";
import { DATANETS_MSGS, typeUrlOf } from "./msgServer.js";

/** `[typeUrl, generated class]` for every datanets message. */
export const datanetsRegistryTypes: ReadonlyArray<[string, GeneratedType]> = registryTypesOf(
  DATANETS_MSGS,
  typeUrlOf,
);

/** CosmJS amino converters for every datanets message. */
export function datanetsAminoConverters(): AminoConverters {
  return aminoConvertersOf(DATANETS_MSGS, typeUrlOf);
}
