/**
 * datanets' events. Every event carries `datanet_id`, so `tx_search` finds a datanet's history
 * (e.g. `datanet_created.datanet_id='1'`, `rows_contributed.datanet_id='1'`). All attributes are indexed.
 */
import type { AbciEvent } from "../../abci/types.js";
import { makeEvent } from "../../app/events.js";

/** Event types. */
export const EventType = {
  DatanetCreated: "datanet_created",
  DatanetUpdated: "datanet_updated",
  RowsAdded: "rows_added",
  RowsDeleted: "rows_deleted",
  DatanetPublished: "datanet_published",
  VersionPublished: "version_published",
  RowsContributed: "rows_contributed",
  ContributionWithdrawn: "contribution_withdrawn",
  ContributionsReviewed: "contributions_reviewed",
  CuratorAdded: "curator_added",
  CuratorRemoved: "curator_removed",
  OwnershipTransferred: "ownership_transferred",
  DatanetArchived: "datanet_archived",
  RewardsRecorded: "datanet_rewards_recorded",
  ParamsUpdated: "datanets_params_updated",
} as const;

/** An event of `type` with `datanet_id` first, then `attrs` (bigints and numbers as decimal strings). */
export function datanetEvent(
  type: string,
  datanetId: bigint,
  attrs: readonly (readonly [string, string | bigint | number])[] = [],
): AbciEvent {
  return makeEvent(type, [
    ["datanet_id", datanetId.toString()],
    ...attrs.map(([k, v]) => [k, typeof v === "string" ? v : v.toString()] as const),
  ]);
}

/** `datanets_params_updated{authority}`. */
export function paramsUpdatedEvent(authority: string): AbciEvent {
  return makeEvent(EventType.ParamsUpdated, [["authority", authority]]);
}
