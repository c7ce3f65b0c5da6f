/** The upgrade module: software upgrade plans that halt the chain at their height. */
export {
  MODULE_NAME as UPGRADE_MODULE_NAME,
  registerUpgradeHandler,
  UPGRADE,
  UpgradeCode,
  type UpgradeHandler,
  UpgradeKeeper,
  upgradeNeededMessage,
} from "./keeper.js";
export { UpgradeModule } from "./module.js";
