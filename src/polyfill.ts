/**
 * Runtime shims for Node.js 20. libp2p 3.x calls `Promise.withResolvers` (Node.js 22+); on Node.js
 * 20 it is installed here, once, before anything else is imported by the program entry point. The
 * cosmjs-types int64 writer fix is applied here too.
 */
import { fixCosmjsInt64Encoding } from "./types/cosmjsFix.js";

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const P = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
if (typeof P.withResolvers !== "function") {
  P.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

// cosmjs-types 0.11 mis-encodes int64 values in [2^31, 2^32); fix its writers before anything encodes.
fixCosmjsInt64Encoding();
