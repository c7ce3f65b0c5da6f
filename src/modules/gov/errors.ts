/** gov's codespace and codes (SDK 0.50 `x/gov/types/errors.go`). */
import { CodedError } from "../../types/errors.js";

/** gov codespace. */
export const GOV = "gov";

/** gov error codes. */
export enum GovCode {
  UnknownProposal = 2,
  InactiveProposal = 3,
  AlreadyActiveProposal = 4,
  InvalidProposalContent = 5,
  InvalidProposalType = 6,
  InvalidVote = 7,
  InvalidGenesis = 8,
  UnroutableProposalMsg = 10,
  NoProposalMsgs = 11,
  InvalidProposalMsg = 12,
  InvalidSigner = 13,
  MetadataTooLong = 15,
  MinDepositTooSmall = 16,
  InvalidProposer = 18,
  VotingPeriodEnded = 20,
  InvalidProposal = 21,
  SummaryTooLong = 22,
  InvalidDepositDenom = 23,
}

/** A gov-codespace error. */
export function govError(code: GovCode, msg: string): CodedError {
  return new CodedError(GOV, code, msg);
}
