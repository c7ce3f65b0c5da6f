import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgUpdateParams as BankMsgUpdateParams } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import { MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import {
  draftMessage,
  govRegistry,
  parseVoteOption,
  parseWeightedOptions,
  proposalFromFile,
} from "../../../../src/cli/commands/gov.js";
import { MsgUpdateParams as AttrMsgUpdateParams } from "../../../../src/modules/attribution/proto.js";
import { CodedError } from "../../../../src/types/errors.js";

const PROPOSER = "open15yk64u7zc9g9k2yr2wmzeva5qgwxps6y3eah9f";
const GOV = "open10d07y265gmmuvt4z0w9aw880jnsr700jdfpa2y";

describe("gov CLI helpers", () => {
  it("parses vote options and weighted options", () => {
    assert.equal(parseVoteOption("yes"), VoteOption.VOTE_OPTION_YES);
    assert.equal(parseVoteOption("no-with-veto"), VoteOption.VOTE_OPTION_NO_WITH_VETO);
    assert.equal(parseVoteOption("VOTE_OPTION_ABSTAIN"), VoteOption.VOTE_OPTION_ABSTAIN);
    assert.throws(() => parseVoteOption("maybe"), CodedError);
    assert.deepEqual(parseWeightedOptions("yes=0.6,no=0.4"), [
      { option: VoteOption.VOTE_OPTION_YES, weight: "0.6" },
      { option: VoteOption.VOTE_OPTION_NO, weight: "0.4" },
    ]);
    assert.throws(() => parseWeightedOptions("yes"), CodedError);
    assert.throws(() => parseWeightedOptions("yes=x"), CodedError);
  });

  it("turns a proposal file into MsgSubmitProposal (cosmjs-types and OpenLedger messages)", async () => {
    const r = govRegistry();
    const msg = proposalFromFile(
      {
        messages: [
          { "@type": BankMsgUpdateParams.typeUrl, authority: GOV, params: { default_send_enabled: false } },
          {
            "@type": MsgSoftwareUpgrade.typeUrl,
            authority: GOV,
            plan: { name: "v2", height: "100", info: "x" },
          },
          {
            "@type": "/openledger.attribution.v1.MsgUpdateParams",
            authority: GOV,
            params: { owner_share: "0.1", max_rows: 7 },
          },
        ],
        deposit: "10OPEN",
        title: "t",
        summary: "s",
      },
      PROPOSER,
      r,
    );
    assert.equal(msg.messages.length, 3);
    assert.deepEqual(msg.initialDeposit, [{ denom: "aopen", amount: (10n * 10n ** 18n).toString() }]);
    const up = MsgSoftwareUpgrade.decode(msg.messages[1]!.value);
    assert.equal(up.plan.height, 100n);
    const attr = AttrMsgUpdateParams.decode(msg.messages[2]!.value);
    assert.equal(attr.authority, GOV);
    assert.equal(attr.params?.ownerShare, "0.1");
    assert.throws(() => proposalFromFile({ messages: [{ "@type": "/x.Unknown" }] }, PROPOSER, r), CodedError);
    assert.throws(() => proposalFromFile([], PROPOSER, r), CodedError);
    const drafted = await draftMessage(MsgSoftwareUpgrade.typeUrl, "http://127.0.0.1:1");
    assert.equal(drafted[0]?.["authority"], GOV);
  });
});
