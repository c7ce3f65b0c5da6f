/**
 * Vectors from real Tendermint 0.34 / CometBFT-compatible chains (public RPC responses): header hashes,
 * a validator set hash, precommit signatures over our vote sign bytes, and the default consensus hash.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519Address, ed25519Verify } from "../../../src/crypto/ed25519.js";
import {
  type BlockID,
  consensusParamsHash,
  type Header,
  headerHash,
  SignedMsgType,
  validatorSetHash,
  voteSignBytes,
} from "../../../src/types/block.js";
import { fromBase64, fromHex, toHexUpper } from "../../../src/types/bytes.js";

const EMPTY = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";

function header(fields: {
  chainId: string;
  height: number;
  time: string;
  lastBlockId: [string, number, string];
  lastCommitHash: string;
  dataHash: string;
  validatorsHash: string;
  appHash: string;
  proposer: string;
}): Header {
  return {
    version: { block: 11n, app: 0n },
    chainId: fields.chainId,
    height: fields.height,
    time: parseTime(fields.time),
    lastBlockId: blockId(...fields.lastBlockId),
    lastCommitHash: fromHex(fields.lastCommitHash),
    dataHash: fromHex(fields.dataHash),
    validatorsHash: fromHex(fields.validatorsHash),
    nextValidatorsHash: fromHex(fields.validatorsHash),
    consensusHash: fromHex("048091BC7DDC283F77BFBF91D73C44DA58C3DF8A9CBC867405D8B7F3DAADA22F"),
    appHash: fromHex(fields.appHash),
    lastResultsHash: fromHex(EMPTY),
    evidenceHash: fromHex(EMPTY),
    proposerAddress: fromHex(fields.proposer),
  };
}

function blockId(hash: string, total: number, partsHash: string): BlockID {
  return { hash: fromHex(hash), partSetHeader: { total, hash: fromHex(partsHash) } };
}

function parseTime(s: string): { seconds: bigint; nanos: number } {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(s);
  assert.ok(m !== null);
  return { seconds: BigInt(Date.parse(`${m[1]}Z`) / 1000), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

describe("real chain vectors", () => {
  it("default consensus params hash to the well-known consensus_hash", () => {
    const params = {
      block: { maxBytes: 22020096, maxGas: -1 },
      evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
      validator: { pubKeyTypes: ["ed25519"] },
      version: { app: 0 },
    };
    assert.equal(
      toHexUpper(consensusParamsHash(params)),
      "048091BC7DDC283F77BFBF91D73C44DA58C3DF8A9CBC867405D8B7F3DAADA22F",
    );
  });

  it("wasmdlocal height 70 header hashes to its block id", () => {
    const h = header({
      chainId: "wasmdlocal",
      height: 70,
      time: "2021-05-22T17:06:24.945921498Z",
      lastBlockId: [
        "BFD79481181393C07624680CB2FFCF98FC0CA13A810EAEDAF99EEE117530E2C3",
        1,
        "BF7E0BC1DCC70D6F88522F5E941E8CE0A9F8FFF2623CB346E0DBA8419F13D8CF",
      ],
      lastCommitHash: "0871E3E26E359B8C86E72D205A8A609EA9E369DDEAF348ADC94B1AE1F78E2309",
      dataHash: EMPTY,
      validatorsHash: "B27189A358F6D20965B1BC2CF47564EF2A9B5D6A2C0D6CB7BE1F922BE39110E9",
      appHash: "2AD963954E56AD5055D66D1D92D19CBEA6FF65A1DF246F13293C5548B6974691",
      proposer: "2A4AEFBCD5934C1C7D80540822CC978DDE7BBF89",
    });
    assert.equal(
      toHexUpper(headerHash(h)),
      "78AD39C7DBB0C28AA1DD4DBF909E8FC37522CAB177484871AB3FBD18B2F165B4",
    );
  });

  it("devnet-2 height 300: validator set hash, header hash and every precommit signature", () => {
    const keys = [
      "sMcFgSIzlD77eZYgV7H4akyxoHCPc2oIQW05qWEB6b4=",
      "WdqZ8hoyc1HxZCJfQrAGKm2fFJZFg7PngPNGkA1RWXc=",
      "pvwSRksq3ekXIiYK7IzjQJ870BxLqEma8zRr9n9VnXI=",
      "RnmnTlKoKxNoh2TpohBDP3cKlx4ATiPOCvQFk/6xpUU=",
      "oh/N+GOIennBOAa/gPNCso1mDlqaHQNn7Op/X8opbeY=",
      "Ow/AHP/Q3guPGymUKpvhnwae+QoCOpGztpVnP179IG8=",
      "MNi0Z+uNF5X1Bxj988IDXVl0BKUcLs7LItoMnX6dbg4=",
      "4g3hhdyU4IIgWW/4sR0nax8bsC/M/fDbt1N8s/QanF8=",
      "b+Vv6Lcp0bhIjOQncr+OYBHixCvU5+k34y4RqyvpluE=",
    ].map(fromBase64);
    const vals = keys.map((pubKey) => ({
      address: ed25519Address(pubKey),
      pubKey,
      votingPower: 5000n,
      proposerPriority: 0n,
    }));
    assert.equal(toHexUpper(vals[0]!.address), "03F1044A6DF782189C7061FF89146B3D33608F17");
    const valsHash = "7F4EA93A134DEDBDA6A1FDD30D05760DD98A2B5FBA95DB3EFFFE7FCE4B361855";
    assert.equal(toHexUpper(validatorSetHash(vals)), valsHash);
    const h = header({
      chainId: "devnet-2",
      height: 300,
      time: "2021-11-23T13:13:21.208225643Z",
      lastBlockId: [
        "7BA28942BB87007324F0332BEB4B3FA57F63BB6FA424B3281D28DFB237AE1A01",
        1,
        "5FE2802B7A4D9A0281011401640BFC64854683168BD0FBEC04EFC8065CBE8EA0",
      ],
      lastCommitHash: "82E20D9E023C5B27A71D8AC5FAB8B8BEEAFE735E880386C899D7DE24D3735102",
      dataHash: "7B578B351B1B0BBD70BB350019EBC964C44A140A37EF715B552A7F8F315ACD19",
      validatorsHash: valsHash,
      appHash: "528DBBF7330CF30BFAD76EDB1E19935D9CBD7AE522E1D4CC51A6FF0B58ABB72E",
      proposer: "31711F367349D1BD619BD0A39568A69614B8A048",
    });
    const id = blockId(
      "D63D40F570E90E5757AD72DA6EB839B9B47E78AB760FFBDF0275CBC6B9A74D30",
      1,
      "676A9F3EA11F828E58F44C600762FD09C4DE95611FD1EF8522A3198D29B8B1C9",
    );
    assert.deepEqual(headerHash(h), id.hash);
    const sigs: [string, string][] = [
      [
        "36.603550499",
        "/14ReW+Ig0xf8Ew4SE2WtaCWnaWcB+RHsIosjo+uJUfANhceVVpQtCfO2wQtjtPk/JIBcoq/XcomkqsbOlYwBA==",
      ],
      [
        "36.60149343",
        "XesoBDBgX1eJDIuVmcQIHIKqDTKZdSCMNcWjdk3xeiTgVNB5TYGlO6n7UUAZE5Gf4OZoOzqPPo847VERdWcgBQ==",
      ],
      [
        "36.602220136",
        "rqpLcPFCFOOBRDB1Uxc9v+6i/GEoFMBIlJlYgFGWtWFSTu4Btr4ByyjRMo9tO9LIIlLW8guyHNS0+2i6ZcuRCg==",
      ],
      [
        "36.673438724",
        "MofRin9HeWVw8ENHIdakr4PBN/Vsf1KeeZxFNW4KAJT6rYJKlTSCIGtfTcGgZgA5B2xyqW2aItQ+NAx/uVoPAg==",
      ],
      [
        "36.607283878",
        "/3VQESw+WIxWFgy9VnhSikzkr4qs36ZwSx9oweUnov7Gu/NgdnF94vm560YsObV6ZwN5h3xg7JQp1H+xgfOUCQ==",
      ],
      [
        "36.644589313",
        "pj7uUGGZRDy2P2DsBcVUXZP50tDEpmm5bDen2B0ede8GgcNI8VjfZJKAx8ptps8TJrsThDTQdq6cx2Jj6jfuCA==",
      ],
      [
        "36.605958421",
        "dWHenir11St4TAVNp/yPY+GQSBVypMRulP3wHbWIoZILMzfcirxjfTqlM+0FLtO5B8TNcrk9y9FofBJkcsB/BA==",
      ],
      [
        "36.609916618",
        "nOHLUTES3ZHJWGL5C0OW8qJR6Vhn2Ru8TQn2FHCaEnksOqtbehz/9+gZhoTndQHmpI6vQzCXHJc8GoxufYb0Aw==",
      ],
      [
        "36.602919116",
        "EzKh/zkc+ghJhlkmiqldSdWDfTm4NRfZ/rT58sfAa8cNCztGm0ysCaCItTb88qJzDtB/HsdfWuvjkGezKRiACw==",
      ],
    ];
    sigs.forEach(([secs, sig], i) => {
      const v = vals[i]!;
      const vote = {
        type: SignedMsgType.Precommit,
        height: 300,
        round: 0,
        blockId: id,
        timestamp: parseTime(`2021-11-23T13:13:${secs}Z`),
        validatorAddress: v.address,
        validatorIndex: i,
        signature: fromBase64(sig),
      };
      assert.ok(ed25519Verify(vote.signature, voteSignBytes("devnet-2", vote), v.pubKey), `signature ${i}`);
      assert.ok(!ed25519Verify(vote.signature, voteSignBytes("devnet-3", vote), v.pubKey));
    });
  });
});
