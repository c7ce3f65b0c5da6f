/** gov's event types and attribute keys (SDK 0.50 `x/gov/types/events.go`). */

/** Event types. */
export const EventType = {
  submitProposal: "submit_proposal",
  proposalDeposit: "proposal_deposit",
  proposalVote: "proposal_vote",
  inactiveProposal: "inactive_proposal",
  activeProposal: "active_proposal",
  cancelProposal: "cancel_proposal",
  /** OpenLedger: a timelocked proposal's messages ran (or failed). */
  timelockProposal: "timelock_proposal",
} as const;

/** `proposal_result` values. */
export const ProposalResult = {
  dropped: "proposal_dropped",
  passed: "proposal_passed",
  rejected: "proposal_rejected",
  failed: "proposal_failed",
  expeditedRejected: "expedited_proposal_rejected",
  /** OpenLedger: passed, queued behind the timelock. */
  queued: "proposal_queued",
  /** OpenLedger: timelocked messages executed. */
  executed: "proposal_executed",
} as const;
