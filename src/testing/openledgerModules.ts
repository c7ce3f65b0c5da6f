/**
 * The OpenLedger modules (datanets, models, attribution) for `createTestApp({ modules })`, wired to the
 * test app's bank/auth keepers and the staking stack's distribution (community pool) once `bind` is
 * called with the created app. Also registers their message types in `testRegistry`.
 */
import type { OpenLedgerApp } from "../app/app.js";
import { AttributionModule, attributionRegistryTypes } from "../modules/attribution/index.js";
import { DatanetsModule, datanetsRegistryTypes } from "../modules/datanets/index.js";
import { ModelsModule, modelsRegistryTypes } from "../modules/models/index.js";
import type { StakingStack } from "../modules/staking/stack.js";
import { type TestApp, testRegistry } from "./index.js";

/** The three modules, in dependency order, and `bind` to call with the created test app. */
export interface OpenLedgerTestModules {
  datanets: DatanetsModule;
  models: ModelsModule;
  attribution: AttributionModule;
  /** `[datanets, models, attribution]`, for `createTestApp({ modules })` (needs `staking` or `gov`). */
  modules: [DatanetsModule, ModelsModule, AttributionModule];
  /** Bind the modules' keeper lookups to the created app (call before the first block). */
  bind(t: TestApp): void;
}

/** Build datanets, models and attribution for a test app with the staking stack. */
export function openLedgerTestModules(): OpenLedgerTestModules {
  for (const [url, type] of [...datanetsRegistryTypes, ...modelsRegistryTypes, ...attributionRegistryTypes]) {
    if (!testRegistry.lookupType(url)) testRegistry.register(url, type);
  }
  const ref: { app?: OpenLedgerApp; stack?: StakingStack } = {};
  const datanets = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
  const models = new ModelsModule({ bank: () => ref.app!.bankKeeper, datanets: () => datanets.keeper });
  const attribution = new AttributionModule({
    bank: () => ref.app!.bankKeeper,
    accounts: () => ref.app!.authKeeper,
    communityPool: () => ref.stack!.distribution,
    models: () => models.keeper,
    datanets: () => datanets.keeper,
  });
  return {
    datanets,
    models,
    attribution,
    modules: [datanets, models, attribution],
    bind(t: TestApp): void {
      if (!t.staking) throw new Error("openLedgerTestModules needs createTestApp({ staking | gov })");
      ref.app = t.app;
      ref.stack = t.staking;
    },
  };
}
