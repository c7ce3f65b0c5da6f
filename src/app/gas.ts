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

/** Largest charge the meter adds as a double (every step stays an exact integer below 2^53). */
const SMALL_CHARGE = 2n ** 52n;

/**
 * A gas meter; `limit` undefined means infinite (genesis, simulate, queries). Gas is counted in a
 * double while it stays below 2^53 (exact there, and without a BigInt allocation per charge — a tx
 * makes dozens), and as a bigint beyond; either way the same integers and the same out-of-gas point.
 */
export class GasMeter {
  /** Gas used, while `big` is undefined. */
  private usedNum = 0;
  /** Gas used, once it no longer fits `usedNum` exactly. */
  private big: bigint | undefined;
  /** `limit` as a double when exactly representable, else Infinity (then `usedNum` never passes it). */
  private readonly limitNum: number;

  /** A meter that throws past `limit` (undefined: never). */
  constructor(readonly limit: bigint | undefined) {
    this.limitNum =
      limit === undefined || limit > BigInt(Number.MAX_SAFE_INTEGER)
        ? Number.POSITIVE_INFINITY
        : Number(limit);
  }

  /** Gas consumed so far (may exceed the limit by the last charge when out of gas). */
  get consumed(): bigint {
    return this.big ?? BigInt(this.usedNum);
  }

  /** Charge `amount` for `descriptor`; throws OutOfGasError past the limit. */
  consume(amount: bigint, descriptor: string): void {
    if (this.big === undefined && amount >= 0n && amount <= SMALL_CHARGE) {
      const next = this.usedNum + Number(amount);
      if (next <= Number.MAX_SAFE_INTEGER) {
        this.usedNum = next;
        if (next > this.limitNum) throw new OutOfGasError(descriptor, this.limit!, BigInt(next));
        return;
      }
    }
    const used = (this.big ?? BigInt(this.usedNum)) + amount;
    this.big = used;
    if (this.limit !== undefined && used > this.limit) throw new OutOfGasError(descriptor, this.limit, used);
  }

  /** True when the meter is past its limit. */
  isPastLimit(): boolean {
    return this.limit !== undefined && this.consumed > this.limit;
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
