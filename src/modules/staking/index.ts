/** The staking module (`cosmos.staking.v1beta1`). */

export type { StakingBankKeeper, StakingHooks } from "./expectedKeepers.js";
export {
  type GenesisSelfBond,
  genesisValidatorJson,
  parseStakingGenesis,
  selfBondGenesis,
  stakingGenesisToJson,
} from "./genesis.js";
export * from "./keeper.js";
export { BONDED_POOL, MODULE_NAME as STAKING_MODULE, NOT_BONDED_POOL, POWER_REDUCTION } from "./keys.js";
export * from "./module.js";
export { createStakingStack, type StakingStack } from "./stack.js";
