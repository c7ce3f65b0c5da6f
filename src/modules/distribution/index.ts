/** The distribution module (`cosmos.distribution.v1beta1`, plus the OpenLedger reward stream). */
export { DistributionKeeper } from "./keeper.js";
export { MODULE_NAME as DISTRIBUTION_MODULE, REWARD_SOURCE } from "./keys.js";
export { DistributionModule, distrInvariants } from "./module.js";
export { MsgUpdateRewardStream, QueryRewardStreamResponse } from "./rewardStream.js";
