/**
 * How a model kind runs in the gateway ("many models over a shared base"). Every runtime shares the
 * tokenizer / vocabulary layer (the attribution tokenizer) and turns a verified artifact into something
 * that generates tokens. The n-gram runtime is real; LoRA / QLoRA adapters would plug in through the same
 * interface — a `BaseModelHost` keeps one base model's weights resident (GPU), and each adapter artifact
 * (a PEFT `adapter_model.safetensors`, a few MB) is loaded just in time as low-rank deltas applied per
 * request (S-LoRA / OpenLoRA style) — but this gateway does not pretend to run them: such models get a
 * clear `unsupported_model_kind` error.
 */

import { type FinishReason, type GenerateOptions, NgramModel, parseArtifact } from "../factory/ngram.js";
import { ModelKind } from "../modules/models/proto.js";

/** A loaded, ready model. */
export interface LoadedModel {
  /** Approximate resident bytes (for the LRU). */
  readonly approxBytes: number;
  /** Generate tokens after a prompt. */
  generate(prompt: string, opts: GenerateOptions): Generator<string, FinishReason>;
}

/** Turns verified artifact bytes of one model kind into a `LoadedModel`. */
export interface ModelRuntime {
  /** Kinds it runs. */
  readonly kinds: readonly ModelKind[];
  /** Load verified bytes (throws on a malformed artifact). */
  load(bytes: Uint8Array, baseModel: string): LoadedModel;
}

/**
 * What a LoRA runtime would implement on top of `ModelRuntime`: one resident base per `baseModel`, and
 * adapters applied per request. Documented, not implemented here.
 */
export interface BaseModelHost {
  /** The base model id it holds (e.g. `meta-llama/Llama-3.1-8B`). */
  readonly baseModel: string;
  /** Attach adapter weights (safetensors bytes), returning a handle the scheduler batches with others. */
  attachAdapter(bytes: Uint8Array): LoadedModel;
}

/** The n-gram runtime (base `ngram-kn-v1`). */
export const ngramRuntime: ModelRuntime = {
  kinds: [ModelKind.MODEL_KIND_NGRAM],
  load(bytes: Uint8Array): LoadedModel {
    const m = new NgramModel(parseArtifact(bytes));
    return { approxBytes: m.approxBytes, generate: (p, o) => m.generate(p, o) };
  },
};
