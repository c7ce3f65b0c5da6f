/**
 * mulberry32: a small seeded PRNG for deterministic tests and benchmarks; returns floats in [0, 1). The
 * one implementation is the factory's (its sampler uses it), re-exported here for tests.
 */
export { mulberry32 } from "../../src/factory/ngram.js";
