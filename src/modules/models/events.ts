/**
 * models' events (all attributes indexed): `model_registered.model_id='1'`, `training_job_*.job_id`,
 * `operator_*.operator`.
 */
import type { AbciEvent } from "../../abci/types.js";
import { makeEvent } from "../../app/events.js";

/** Event types. */
export const EventType = {
  ModelRegistered: "model_registered",
  ModelUpdated: "model_updated",
  TrainingRequested: "training_job_requested",
  TrainingClaimed: "training_job_claimed",
  TrainingCompleted: "training_job_completed",
  TrainingCancelled: "training_job_cancelled",
  OperatorRegistered: "operator_registered",
  OperatorUpdated: "operator_updated",
  ModelsServed: "operator_models_served",
  OperatorUnbonding: "operator_unbonding",
  OperatorUnbonded: "operator_unbonded",
  ParamsUpdated: "models_params_updated",
} as const;

/** An event of `type` with its attributes (bigints and numbers as decimal strings). */
export function modelsEvent(
  type: string,
  attrs: readonly (readonly [string, string | bigint | number])[],
): AbciEvent {
  return makeEvent(
    type,
    attrs.map(([k, v]) => [k, typeof v === "string" ? v : v.toString()] as const),
  );
}
