import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  defaultGovGenesisJson,
  govGenesisToJson,
  parseGovGenesis,
} from "../../../../src/modules/gov/genesis.js";
import { optionsString, validateOptions } from "../../../../src/modules/gov/keeper.js";
import {
  defaultGovParams,
  devGovParams,
  govParamsFromJson,
  govParamsToJson,
  validateGovParams,
} from "../../../../src/modules/gov/params.js";
import { CodedError } from "../../../../src/types/errors.js";

const isCoded = (codespace: string, code?: number) => (e: unknown) =>
  e instanceof CodedError && e.codespace === codespace && (code === undefined || e.code === code);

describe("gov params", () => {
  it("defaults and dev params validate and round-trip through SDK JSON", () => {
    for (const p of [defaultGovParams(), devGovParams()]) {
      validateGovParams(p);
      assert.deepEqual(govParamsFromJson(govParamsToJson(p), defaultGovParams()), p);
    }
    assert.equal(govParamsToJson(devGovParams())["voting_period"], "10s");
  });

  it("rejects bad params with sdk 18", () => {
    const base = defaultGovParams();
    const bad = [
      { ...base, quorum: "1.5" },
      { ...base, threshold: "0" },
      { ...base, expeditedThreshold: "0.4" },
      { ...base, vetoThreshold: "abc" },
      { ...base, minDeposit: [] },
      { ...base, expeditedMinDeposit: base.minDeposit },
      { ...base, votingPeriod: { seconds: 0n, nanos: 0 } },
      { ...base, expeditedVotingPeriod: base.votingPeriod },
    ];
    for (const p of bad) assert.throws(() => validateGovParams(p), isCoded("sdk", 18));
    assert.throws(() => govParamsFromJson({ voting_period: "ten" }, base), isCoded("sdk", 18));
    assert.throws(() => govParamsFromJson("x", base), isCoded("sdk", 18));
  });
});

describe("gov vote options", () => {
  it("accepts single and weighted options summing to one", () => {
    assert.deepEqual(validateOptions([{ option: VoteOption.VOTE_OPTION_YES, weight: "1" }]), [
      { option: VoteOption.VOTE_OPTION_YES, weight: "1.000000000000000000" },
    ]);
    const w = validateOptions([
      { option: VoteOption.VOTE_OPTION_YES, weight: "0.6" },
      { option: VoteOption.VOTE_OPTION_NO, weight: "0.4" },
    ]);
    assert.equal(
      optionsString(w),
      'option:VOTE_OPTION_YES weight:"0.600000000000000000"\noption:VOTE_OPTION_NO weight:"0.400000000000000000"',
    );
  });

  it("rejects bad options with gov 7", () => {
    const bad = [
      [],
      [{ option: VoteOption.VOTE_OPTION_UNSPECIFIED, weight: "1" }],
      [{ option: 9 as VoteOption, weight: "1" }],
      [{ option: VoteOption.VOTE_OPTION_YES, weight: "0.5" }],
      [
        { option: VoteOption.VOTE_OPTION_YES, weight: "0.5" },
        { option: VoteOption.VOTE_OPTION_YES, weight: "0.5" },
      ],
      [{ option: VoteOption.VOTE_OPTION_YES, weight: "-1" }],
      [{ option: VoteOption.VOTE_OPTION_YES, weight: "x" }],
    ];
    for (const o of bad) assert.throws(() => validateOptions(o), isCoded("gov", 7));
  });
});

describe("gov genesis", () => {
  it("parses the default and round-trips", () => {
    const g = parseGovGenesis(defaultGovGenesisJson("aopen"), "aopen");
    assert.equal(g.executionDelay, 86_400n);
    assert.equal(g.startingProposalId, 1n);
    const j = govGenesisToJson(g);
    assert.deepEqual(parseGovGenesis(j, "aopen"), g);
  });

  it("rejects malformed genesis with sdk 17", () => {
    for (const j of [
      null,
      { params: { quorum: "2" } },
      { execution_delay: "forever" },
      { starting_proposal_id: "-1" },
      { proposals: [{}] },
      { votes: [{ proposal_id: "1", voter: "x", options: [{ option: "MAYBE", weight: "1" }] }] },
    ])
      assert.throws(() => parseGovGenesis(j, "aopen"), isCoded("sdk", 17));
  });
});
