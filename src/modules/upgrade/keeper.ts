/**
 * The upgrade keeper: the scheduled plan, applied plans, and the handlers this binary knows. At the
 * plan's height begin-block either runs the registered handler (this binary is the new version) or
 * refuses the block with `UPGRADE "<name>" NEEDED at height: <h>: <info>` so the node halts before
 * committing anything.
 */
import "../../types/cosmjsFix.js";
import { Plan } from "cosmjs-types/cosmos/upgrade/v1beta1/upgrade";
import { storePrefix } from "../../app/prefixStore.js";
import type { Context } from "../../app/types.js";
import { concatBytes, fromUtf8, utf8 } from "../../types/bytes.js";
import { CodedError } from "../../types/errors.js";

/** Module name. */
export const MODULE_NAME = "upgrade";
/** Store prefix. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);
/** Scheduled plan. */
const PLAN_KEY = Uint8Array.of(0x00);
/** Applied plans: 0x01 ‖ name → height (decimal string). */
const DONE = 0x01;

/** upgrade codespace. */
export const UPGRADE = "upgrade";
/** upgrade error codes (SDK `x/upgrade/types/errors.go`, plus `UpgradeNeeded`). */
export enum UpgradeCode {
  InvalidPlan = 2,
  AlreadyCompleted = 3,
  /** OpenLedger: the chain reached a plan this binary has no handler for. */
  UpgradeNeeded = 10,
}

/** A migration run when the plan's height is reached by a binary that knows it. */
export type UpgradeHandler = (ctx: Context, plan: Plan) => void;

/** Handlers compiled into this binary (`registerUpgradeHandler`). */
const BUILTIN = new Map<string, UpgradeHandler>();

/** Register a handler in this binary's built-in registry. */
export function registerUpgradeHandler(name: string, fn: UpgradeHandler): void {
  BUILTIN.set(name, fn);
}

/** The message of a needed upgrade, as the SDK prints it. */
export function upgradeNeededMessage(plan: Plan): string {
  return `UPGRADE "${plan.name}" NEEDED at height: ${plan.height}: ${plan.info}`;
}

function doneKey(name: string): Uint8Array {
  return concatBytes(Uint8Array.of(DONE), utf8(name));
}

/** The upgrade keeper. */
export class UpgradeKeeper {
  private readonly handlers: Map<string, UpgradeHandler>;

  /** Build with extra handlers (besides the built-in registry). */
  constructor(handlers?: Map<string, UpgradeHandler>) {
    this.handlers = handlers ?? BUILTIN;
  }

  /** Register a handler on this keeper. */
  setUpgradeHandler(name: string, fn: UpgradeHandler): void {
    if (this.handlers === BUILTIN) {
      registerUpgradeHandler(name, fn);
      return;
    }
    this.handlers.set(name, fn);
  }

  /** Whether this binary knows a plan name. */
  hasHandler(name: string): boolean {
    return this.handlers.has(name) || BUILTIN.has(name);
  }

  /** The scheduled plan. */
  getPlan(ctx: Context): Plan | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(PLAN_KEY);
    return bz === undefined ? undefined : Plan.decode(bz);
  }

  /** Schedule a plan (replacing any); validated by the caller. */
  schedulePlan(ctx: Context, plan: Plan): void {
    if (plan.name === "")
      throw new CodedError(UPGRADE, UpgradeCode.InvalidPlan, "name cannot be empty: invalid request");
    if (plan.height <= 0n)
      throw new CodedError(
        UPGRADE,
        UpgradeCode.InvalidPlan,
        "height must be greater than 0: invalid request",
      );
    if (plan.height <= BigInt(ctx.header.height))
      throw new CodedError(
        UPGRADE,
        UpgradeCode.InvalidPlan,
        "upgrade cannot be scheduled in the past: invalid request",
      );
    if (this.appliedHeight(ctx, plan.name) !== undefined)
      throw new CodedError(
        UPGRADE,
        UpgradeCode.AlreadyCompleted,
        `upgrade with name ${plan.name} has already been completed: invalid request`,
      );
    ctx.kv(STORE_PREFIX).set(PLAN_KEY, Plan.encode(plan).finish());
  }

  /** Cancel the scheduled plan. */
  clearPlan(ctx: Context): void {
    ctx.kv(STORE_PREFIX).delete(PLAN_KEY);
  }

  /** Height a named plan was applied at. */
  appliedHeight(ctx: Context, name: string): bigint | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(doneKey(name));
    return bz === undefined ? undefined : BigInt(fromUtf8(bz));
  }

  /** Every applied plan. */
  appliedPlans(ctx: Context): { name: string; height: bigint }[] {
    const s = Uint8Array.of(DONE);
    const e = Uint8Array.of(DONE + 1);
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([k, v]) => ({
      name: fromUtf8(k.subarray(1)),
      height: BigInt(fromUtf8(v)),
    }));
  }

  /** At the plan's height: run the known handler, or refuse the block (coded error). */
  beginBlock(ctx: Context): void {
    const plan = this.getPlan(ctx);
    if (!plan || BigInt(ctx.header.height) < plan.height) return;
    const fn = this.handlers.get(plan.name) ?? BUILTIN.get(plan.name);
    if (!fn) throw new CodedError(UPGRADE, UpgradeCode.UpgradeNeeded, upgradeNeededMessage(plan));
    fn(ctx, plan);
    ctx.kv(STORE_PREFIX).set(doneKey(plan.name), utf8(plan.height.toString()));
    this.clearPlan(ctx);
    ctx.events.emitKv("upgrade", [
      ["name", plan.name],
      ["height", plan.height.toString()],
    ]);
  }
}
