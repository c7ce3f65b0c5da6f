import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseModelsGenesis } from "../../../../src/modules/models/genesis.js";
import {
  defaultModelsParams,
  MODELS,
  ModelsCode,
  parsePrice,
  validateModelsParams,
} from "../../../../src/modules/models/index.js";
import { Params } from "../../../../src/modules/models/proto.js";
import { CodedError } from "../../../../src/types/errors.js";

function code(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CodedError);
    assert.equal(e.codespace, MODELS);
    return e.code;
  }
  assert.fail("no error");
}

describe("models params and genesis validation", () => {
  it("accepts the defaults and refuses out-of-range values", () => {
    const v = validateModelsParams(defaultModelsParams());
    assert.equal(v.registrationFee.amount, 10n ** 18n);
    assert.equal(v.unbondingBlocks, 100n);
    const bad = (o: Record<string, unknown>) => Params.create({ ...defaultModelsParams(), ...o });
    assert.equal(
      code(() => validateModelsParams(bad({ maxModelsPerOperator: 0 }))),
      ModelsCode.InvalidParams,
    );
    assert.equal(
      code(() => validateModelsParams(bad({ maxPinnedDatanets: 65 }))),
      ModelsCode.InvalidParams,
    );
    assert.equal(
      code(() => validateModelsParams(bad({ minOperatorBond: { denom: "aopen", amount: "0" } }))),
      ModelsCode.InvalidParams,
    );
    assert.equal(
      code(() => validateModelsParams(bad({ registrationFee: { denom: "A B", amount: "1" } }))),
      ModelsCode.InvalidParams,
    );
  });

  it("parses prices", () => {
    assert.equal(parsePrice("p", ""), 0n);
    assert.equal(parsePrice("p", "123"), 123n);
    assert.equal(
      code(() => parsePrice("p", "1.5")),
      ModelsCode.InvalidModel,
    );
    assert.equal(
      code(() => parsePrice("p", "1".repeat(40))),
      ModelsCode.InvalidModel,
    );
  });

  it("refuses malformed genesis", () => {
    assert.equal(
      code(() => parseModelsGenesis([])),
      ModelsCode.InvalidGenesis,
    );
    assert.equal(
      code(() => parseModelsGenesis({ models: [{ id: "0" }] })),
      ModelsCode.InvalidGenesis,
    );
    assert.equal(
      code(() => parseModelsGenesis({ models: [{ id: "1" }, { id: "1" }] })),
      ModelsCode.InvalidGenesis,
    );
    assert.equal(
      code(() => parseModelsGenesis({ operators: [{ address: "x", models: ["5"] }] })),
      ModelsCode.InvalidGenesis,
    );
    assert.equal(
      code(() => parseModelsGenesis({ models: [{ id: "3" }], next_model_id: "2" })),
      ModelsCode.InvalidGenesis,
    );
    const g = parseModelsGenesis({});
    assert.ok(g.params);
  });
});
