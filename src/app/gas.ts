/**
 * Deterministic gas, as the SDK meters it: a meter with a limit, the KV gas schedule, and a store
 * wrapper that charges every read, write, delete and iteration step against the meter.
 */
import type { KVPair, KVStore } from "../store/types.js";
import { CodedError, SDK, SdkCode } from "../types/errors.js";

/** The SDK's KV gas schedule (`storetypes.KVGasConfig`). */
export const KV_GAS = {
  hasCost: 1000n,
  deleteCost: 1000n,
  readCostFlat: 1000n,
  readCostPerByte: 3n,
  writeCostFlat: 2000n,
  writeCostPerByte: 30n,
  iterNextCostFlat: 30n,
} as const;

/** `cost × n` as bigints for small `n` (keys and values are mostly short): no BigInt math per access. */
const TABLE_SIZE = 1024;
const READ_PER_BYTE = Array.from({ length: TABLE_SIZE }, (_, n) => KV_GAS.readCostPerByte * BigInt(n));
const WRITE_PER_BYTE = Array.from({ length: TABLE_SIZE }, (_, n) => KV_GAS.writeCostPerByte * BigInt(n));

function readPerByte(n: number): bigint {
  return n < TABLE_SIZE ? READ_PER_BYTE[n]! : KV_GAS.readCostPerByte * BigInt(n);
}

function writePerByte(n: number): bigint {
  return n < TABLE_SIZE ? WRITE_PER_BYTE[n]! : KV_GAS.writeCostPerByte * BigInt(n);
}

/** Gas consumed per secp256k1 signature verification (auth param default). */
export const SIG_VERIFY_COST_SECP256K1 = 1000n;

/** Thrown when a meter runs past its limit; turned into `sdk` 11 with the SDK's log. */
export class OutOfGasError extends CodedError {
  /** Out of gas while doing `descriptor`. */
  constructor(
    readonly descriptor: string,
    readonly limit: bigint,
    readonly used: bigint,
  ) {
    super(
      SDK,
      SdkCode.OutOfGas,
      `out of gas in location: ${descriptor}; gasWanted: ${limit}, gasUsed: ${used}: out of gas`,
    );
  }
}

/** A gas meter; `limit` undefined means infinite (genesis, simulate, queries). */
export class GasMeter {
  private used = 0n;

  /** A meter that throws past `limit` (undefined: never). */
  constructor(readonly limit: bigint | undefined) {}

  /** Gas consumed so far (may exceed the limit by the last charge when out of gas). */
  get consumed(): bigint {
    return this.used;
  }

  /** Charge `amount` for `descriptor`; throws OutOfGasError past the limit. */
  consume(amount: bigint, descriptor: string): void {
    this.used += amount;
    if (this.limit !== undefined && this.used > this.limit)
      throw new OutOfGasError(descriptor, this.limit, this.used);
  }

  /** True when the meter is past its limit. */
  isPastLimit(): boolean {
    return this.limit !== undefined && this.used > this.limit;
  }
}

/** A KVStore wrapper that charges the meter for each operation (SDK `gaskv.Store`). */
export class GasKVStore implements KVStore {
  /** Wrap `parent`, charging `meter`. */
  constructor(
    private readonly parent: KVStore,
    private readonly meter: GasMeter,
  ) {}

  /** The wrapped store: reads and writes through it are not charged (for derived, non-consensus data). */
  get inner(): KVStore {
    return this.parent;
  }

  /** Charged read. */
  get(key: Uint8Array): Uint8Array | undefined {
    this.meter.consume(KV_GAS.readCostFlat, "ReadFlat");
    this.meter.consume(readPerByte(key.length), "ReadPerByte");
    const v = this.parent.get(key);
    if (v !== undefined) this.meter.consume(readPerByte(v.length), "ReadPerByte");
    return v;
  }

  /** Charged existence check. */
  has(key: Uint8Array): boolean {
    this.meter.consume(KV_GAS.hasCost, "Has");
    return this.parent.has(key);
  }

  /** Charged write. */
  set(key: Uint8Array, value: Uint8Array): void {
    this.meter.consume(KV_GAS.writeCostFlat, "WriteFlat");
    this.meter.consume(writePerByte(key.length + value.length), "WritePerByte");
    this.parent.set(key, value);
  }

  /** Charged delete. */
  delete(key: Uint8Array): void {
    this.meter.consume(KV_GAS.deleteCost, "Delete");
    this.parent.delete(key);
  }

  /** Iteration charging a flat cost per step plus the bytes read. */
  *iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<KVPair> {
    for (const pair of this.parent.iterator(start, end, reverse)) {
      this.meter.consume(KV_GAS.iterNextCostFlat, "IterNextFlat");
      this.meter.consume(readPerByte(pair[0].length + pair[1].length), "ValuePerByte");
      yield pair;
    }
  }
}
