/**
 * Client-side registration of models' messages: CosmJS `Registry` entries and `AminoTypes` converters
 * (built from the same amino JSON as the node's sign-bytes check).
 */
import type { GeneratedType } from "@cosmjs/proto-signing";
import type { AminoConverters } from "@cosmjs/stargate";
import { aminoConvertersOf, registryTypesOf } from "../../app/aminoKit.js";
import { MODELS_MSGS, typeUrlOf } from "./msgServer.js";

/** `[typeUrl, generated class]` for every models message. */
export const modelsRegistryTypes: ReadonlyArray<[string, GeneratedType]> = registryTypesOf(
  MODELS_MSGS,
  typeUrlOf,
);

/** CosmJS amino converters for every models message. */
export function modelsAminoConverters(): AminoConverters {
  return aminoConvertersOf(MODELS_MSGS, typeUrlOf);
}
