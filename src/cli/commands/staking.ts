/**
 * `openledgerd tx staking|distribution|slashing …` and `openledgerd query staking|distribution|slashing …`
 * over the node's RPC (CosmJS signing; the messages are the SDK's).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type EncodeObject, type GeneratedType, Registry } from "@cosmjs/proto-signing";
import {
  type AminoConverters,
  AminoTypes,
  createDefaultAminoConverters,
  defaultRegistryTypes,
} from "@cosmjs/stargate";
import type { Command } from "commander";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import * as DQ from "cosmjs-types/cosmos/distribution/v1beta1/query";
import * as SLQ from "cosmjs-types/cosmos/slashing/v1beta1/query";
import { MsgUnjail } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import * as SQ from "cosmjs-types/cosmos/staking/v1beta1/query";
import { parseAmount } from "../../client/amount.js";
import { DEFAULT_PREFIX, type SignAndBroadcastOptions } from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import { ONE, parseDecString } from "../../modules/staking/dec.js";
import { fromBase64 } from "../../types/bytes.js";
import type { CodedError } from "../../types/errors.js";
import { expandHome } from "../output.js";
import { queryCmd } from "./query.js";
import { txCmd } from "./tx.js";

const VALOPER = `${DEFAULT_PREFIX}valoper`;
const VALCONS = `${DEFAULT_PREFIX}valcons`;

function bad(msg: string): CodedError {
  return clientError(ClientCode.InvalidArgument, msg);
}

/** The CLI's registry: the standard messages plus MsgUnjail. */
export function stakingRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, [MsgUnjail.typeUrl, MsgUnjail as GeneratedType]]);
}

/** Amino converters: the standard ones plus `cosmos-sdk/MsgUnjail`. */
export function stakingAminoTypes(): AminoTypes {
  const extra: AminoConverters = {
    [MsgUnjail.typeUrl]: {
      aminoType: "cosmos-sdk/MsgUnjail",
      toAmino: ({ validatorAddr }: MsgUnjail) => ({ address: validatorAddr }),
      fromAmino: ({ address }: { address: string }) => ({ validatorAddr: address }),
    },
  };
  return new AminoTypes({ ...createDefaultAminoConverters(), ...extra });
}

function extras(): Partial<SignAndBroadcastOptions> {
  return { registry: stakingRegistry(), aminoTypes: stakingAminoTypes() };
}

function sub(program: Command, name: string): Command {
  const c = program.commands.find((x) => x.name() === name);
  if (!c) throw new Error(`no ${name} command`);
  return c;
}

function coin(s: string): { denom: string; amount: string } {
  const c = parseAmount(s);
  return { denom: c.denom, amount: c.amount.toString() };
}

/** A validator address; an account address (`open1…`) is taken as the operator's and converted. */
function valoper(s: string): string {
  try {
    if (s.startsWith(`${DEFAULT_PREFIX}1`)) return toBech32(VALOPER, decodeAddress(s, DEFAULT_PREFIX));
    decodeAddress(s, VALOPER);
  } catch (e) {
    throw bad(`invalid validator address ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
  return s;
}

function account(s: string): string {
  try {
    decodeAddress(s, DEFAULT_PREFIX);
  } catch (e) {
    throw bad(`invalid address ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
  return s;
}

/** `"0.10"` → 10^17 as a string (`sdk.Dec` wire form). */
function rate(s: string, what: string): string {
  let d: bigint;
  try {
    d = parseDecString(s);
  } catch {
    throw bad(`invalid ${what} ${JSON.stringify(s)}: a decimal such as 0.10`);
  }
  if (d < 0n || d > ONE) throw bad(`${what} must be between 0 and 1`);
  return d.toString();
}

const toValoper = (addr: string) => toBech32(VALOPER, decodeAddress(addr, DEFAULT_PREFIX));

/** The ed25519 consensus key: `--pubkey` (base64 or `{"@type":…,"key":…}`) or the home's priv_validator_key.json. */
function consensusKey(pubkey: string | undefined, home: string): Uint8Array {
  let b64: string | undefined;
  if (pubkey !== undefined) {
    const t = pubkey.trim();
    if (t.startsWith("{")) {
      try {
        const j = JSON.parse(t) as { key?: string; value?: string };
        b64 = j.key ?? j.value;
      } catch {
        throw bad("--pubkey: invalid JSON");
      }
    } else b64 = t;
  } else {
    const path = join(expandHome(home), "config", "priv_validator_key.json");
    if (!existsSync(path)) throw bad(`no --pubkey and no ${path}`);
    const j = JSON.parse(readFileSync(path, "utf8")) as { pub_key?: { value?: string } };
    b64 = j.pub_key?.value;
  }
  const key = b64 === undefined ? new Uint8Array() : fromBase64(b64);
  if (key.length !== 32) throw bad("the consensus key must be a 32-byte ed25519 public key (base64)");
  return key;
}

function registerTx(program: Command): void {
  const tx = sub(program, "tx");
  const st = tx.command("staking").description("staking module transactions");
  txCmd(
    st,
    "create-validator",
    "become a validator: self-delegate --amount with the node's consensus key",
    (addr, _a, f, g) => {
      if (!f["amount"]) throw bad("--amount is required");
      if (!f["moniker"]) throw bad("--moniker is required");
      const key = consensusKey(f["pubkey"], g.home);
      return [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
          value: {
            description: {
              moniker: f["moniker"],
              identity: f["identity"] ?? "",
              website: f["website"] ?? "",
              securityContact: f["securityContact"] ?? "",
              details: f["details"] ?? "",
            },
            commission: {
              rate: rate(f["commissionRate"] ?? "0.10", "--commission-rate"),
              maxRate: rate(f["commissionMaxRate"] ?? "0.20", "--commission-max-rate"),
              maxChangeRate: rate(f["commissionMaxChangeRate"] ?? "0.01", "--commission-max-change-rate"),
            },
            minSelfDelegation: f["minSelfDelegation"] ?? "1",
            delegatorAddress: "",
            validatorAddress: toValoper(addr),
            pubkey: {
              typeUrl: "/cosmos.crypto.ed25519.PubKey",
              value: Ed25519PubKey.encode({ key }).finish(),
            },
            value: coin(f["amount"]),
          },
        },
      ];
    },
    extras,
    (c) =>
      c
        .option("--amount <coin>", "self-delegation, e.g. 1000OPEN")
        .option("--moniker <name>", "validator name")
        .option(
          "--pubkey <key>",
          "ed25519 consensus key (base64); default: the home's priv_validator_key.json",
        )
        .option("--commission-rate <rate>", "initial commission rate", "0.10")
        .option("--commission-max-rate <rate>", "maximum commission rate", "0.20")
        .option("--commission-max-change-rate <rate>", "maximum daily commission change", "0.01")
        .option("--min-self-delegation <aopen>", "minimum self-delegation (aopen)", "1")
        .option("--identity <id>", "identity (e.g. keybase)")
        .option("--website <url>", "website")
        .option("--security-contact <email>", "security contact")
        .option("--details <text>", "details"),
  );
  txCmd(
    st,
    "edit-validator",
    "edit your validator's description, commission rate or minimum self-delegation",
    (addr, _a, f) => [
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgEditValidator",
        value: {
          description: {
            moniker: f["moniker"] ?? "[do-not-modify]",
            identity: f["identity"] ?? "[do-not-modify]",
            website: f["website"] ?? "[do-not-modify]",
            securityContact: f["securityContact"] ?? "[do-not-modify]",
            details: f["details"] ?? "[do-not-modify]",
          },
          validatorAddress: toValoper(addr),
          commissionRate: f["commissionRate"] ? rate(f["commissionRate"], "--commission-rate") : "",
          minSelfDelegation: f["minSelfDelegation"] ?? "",
        },
      },
    ],
    extras,
    (c) =>
      c
        .option("--moniker <name>", "new name")
        .option("--identity <id>", "identity")
        .option("--website <url>", "website")
        .option("--security-contact <email>", "security contact")
        .option("--details <text>", "details")
        .option("--commission-rate <rate>", "new commission rate")
        .option("--min-self-delegation <aopen>", "new minimum self-delegation"),
  );
  txCmd(
    st,
    "delegate <validator> <amount>",
    "delegate tokens to a validator",
    (addr, [val, amt]) => [
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
        value: { delegatorAddress: addr, validatorAddress: valoper(val!), amount: coin(amt!) },
      },
    ],
    extras,
  );
  txCmd(
    st,
    "unbond <validator> <amount>",
    "undelegate tokens (paid after the unbonding period)",
    (addr, [val, amt]) => [
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
        value: { delegatorAddress: addr, validatorAddress: valoper(val!), amount: coin(amt!) },
      },
    ],
    extras,
  );
  txCmd(
    st,
    "redelegate <src_validator> <dst_validator> <amount>",
    "move a delegation to another validator",
    (addr, [s, d, amt]) => [
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgBeginRedelegate",
        value: {
          delegatorAddress: addr,
          validatorSrcAddress: valoper(s!),
          validatorDstAddress: valoper(d!),
          amount: coin(amt!),
        },
      },
    ],
    extras,
  );
  txCmd(
    st,
    "cancel-unbond <validator> <amount> <creation_height>",
    "cancel (part of) an unbonding entry and delegate it again",
    (addr, [val, amt, h]) => {
      if (!/^[0-9]{1,19}$/.test(h!)) throw bad(`invalid creation height ${JSON.stringify(h)}`);
      return [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation",
          value: {
            delegatorAddress: addr,
            validatorAddress: valoper(val!),
            amount: coin(amt!),
            creationHeight: BigInt(h!),
          },
        },
      ];
    },
    extras,
  );

  const di = tx.command("distribution").description("distribution module transactions");
  txCmd(
    di,
    "withdraw-rewards <validator>",
    "withdraw a delegation's rewards (with --commission, also your validator's commission)",
    (addr, [val], f) => {
      const msgs: EncodeObject[] = [
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
          value: { delegatorAddress: addr, validatorAddress: valoper(val!) },
        },
      ];
      if (f["commission"])
        msgs.push({
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission",
          value: { validatorAddress: val },
        });
      return msgs;
    },
    extras,
    (c) => c.option("--commission", "also withdraw the validator's commission"),
  );
  txCmd(
    di,
    "withdraw-commission",
    "withdraw your validator's commission",
    (addr) => [
      {
        typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission",
        value: { validatorAddress: toValoper(addr) },
      },
    ],
    extras,
  );
  txCmd(
    di,
    "set-withdraw-addr <address>",
    "send future rewards to another address",
    (addr, [to]) => [
      {
        typeUrl: "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress",
        value: { delegatorAddress: addr, withdrawAddress: account(to!) },
      },
    ],
    extras,
  );
  txCmd(
    di,
    "fund-community-pool <amount>",
    "give coins to the community pool",
    (addr, [amt]) => [
      {
        typeUrl: "/cosmos.distribution.v1beta1.MsgFundCommunityPool",
        value: { depositor: addr, amount: [coin(amt!)] },
      },
    ],
    extras,
  );

  const sl = tx.command("slashing").description("slashing module transactions");
  txCmd(
    sl,
    "unjail",
    "unjail your validator after its jail time",
    (addr) => [{ typeUrl: MsgUnjail.typeUrl, value: { validatorAddr: toValoper(addr) } }],
    extras,
  );
}

const STATUS: Record<string, string> = {
  bonded: "BOND_STATUS_BONDED",
  unbonding: "BOND_STATUS_UNBONDING",
  unbonded: "BOND_STATUS_UNBONDED",
};

function registerQuery(program: Command): void {
  const q = sub(program, "query");
  const st = q.command("staking").description("staking module queries");
  const S = "/cosmos.staking.v1beta1.Query";
  queryCmd(
    st,
    "validators",
    "all validators (--status bonded|unbonding|unbonded)",
    `${S}/Validators`,
    SQ.QueryValidatorsRequest,
    SQ.QueryValidatorsResponse,
    (_a, f) => {
      const s = f["status"];
      if (s !== undefined && !STATUS[s]) throw bad(`invalid --status ${JSON.stringify(s)}`);
      return { status: s ? STATUS[s] : "", pagination: { limit: BigInt(f["limit"] ?? "100") } };
    },
    (c) =>
      c
        .option("--status <status>", "bonded, unbonding or unbonded")
        .option("--limit <n>", "page size", "100"),
  );
  queryCmd(
    st,
    "validator <validator>",
    "one validator",
    `${S}/Validator`,
    SQ.QueryValidatorRequest,
    SQ.QueryValidatorResponse,
    ([v]) => ({ validatorAddr: valoper(v!) }),
  );
  queryCmd(
    st,
    "delegation <delegator> <validator>",
    "one delegation",
    `${S}/Delegation`,
    SQ.QueryDelegationRequest,
    SQ.QueryDelegationResponse,
    ([d, v]) => ({ delegatorAddr: account(d!), validatorAddr: valoper(v!) }),
  );
  queryCmd(
    st,
    "delegations <delegator>",
    "a delegator's delegations",
    `${S}/DelegatorDelegations`,
    SQ.QueryDelegatorDelegationsRequest,
    SQ.QueryDelegatorDelegationsResponse,
    ([d]) => ({ delegatorAddr: account(d!) }),
  );
  queryCmd(
    st,
    "delegations-to <validator>",
    "a validator's delegations",
    `${S}/ValidatorDelegations`,
    SQ.QueryValidatorDelegationsRequest,
    SQ.QueryValidatorDelegationsResponse,
    ([v]) => ({ validatorAddr: valoper(v!) }),
  );
  queryCmd(
    st,
    "unbonding-delegation <delegator> <validator>",
    "one unbonding delegation",
    `${S}/UnbondingDelegation`,
    SQ.QueryUnbondingDelegationRequest,
    SQ.QueryUnbondingDelegationResponse,
    ([d, v]) => ({ delegatorAddr: account(d!), validatorAddr: valoper(v!) }),
  );
  queryCmd(
    st,
    "unbonding-delegations <delegator>",
    "a delegator's unbonding delegations",
    `${S}/DelegatorUnbondingDelegations`,
    SQ.QueryDelegatorUnbondingDelegationsRequest,
    SQ.QueryDelegatorUnbondingDelegationsResponse,
    ([d]) => ({ delegatorAddr: account(d!) }),
  );
  queryCmd(
    st,
    "unbonding-delegations-from <validator>",
    "a validator's unbonding delegations",
    `${S}/ValidatorUnbondingDelegations`,
    SQ.QueryValidatorUnbondingDelegationsRequest,
    SQ.QueryValidatorUnbondingDelegationsResponse,
    ([v]) => ({ validatorAddr: valoper(v!) }),
  );
  queryCmd(
    st,
    "redelegations <delegator>",
    "a delegator's redelegations",
    `${S}/Redelegations`,
    SQ.QueryRedelegationsRequest,
    SQ.QueryRedelegationsResponse,
    ([d]) => ({ delegatorAddr: account(d!) }),
  );
  queryCmd(
    st,
    "historical-info <height>",
    "the bonded set at a height",
    `${S}/HistoricalInfo`,
    SQ.QueryHistoricalInfoRequest,
    SQ.QueryHistoricalInfoResponse,
    ([h]) => {
      if (!/^[0-9]{1,19}$/.test(h!)) throw bad(`invalid height ${JSON.stringify(h)}`);
      return { height: BigInt(h!) };
    },
  );
  queryCmd(
    st,
    "pool",
    "bonded and not-bonded tokens",
    `${S}/Pool`,
    SQ.QueryPoolRequest,
    SQ.QueryPoolResponse,
    () => ({}),
  );
  queryCmd(
    st,
    "params",
    "staking params",
    `${S}/Params`,
    SQ.QueryParamsRequest,
    SQ.QueryParamsResponse,
    () => ({}),
  );

  const di = q.command("distribution").description("distribution module queries");
  const D = "/cosmos.distribution.v1beta1.Query";
  queryCmd(
    di,
    "params",
    "distribution params",
    `${D}/Params`,
    DQ.QueryParamsRequest,
    DQ.QueryParamsResponse,
    () => ({}),
  );
  queryCmd(
    di,
    "rewards <delegator>",
    "a delegator's pending rewards",
    `${D}/DelegationTotalRewards`,
    DQ.QueryDelegationTotalRewardsRequest,
    DQ.QueryDelegationTotalRewardsResponse,
    ([d]) => ({ delegatorAddress: account(d!) }),
  );
  queryCmd(
    di,
    "rewards-from <delegator> <validator>",
    "pending rewards of one delegation",
    `${D}/DelegationRewards`,
    DQ.QueryDelegationRewardsRequest,
    DQ.QueryDelegationRewardsResponse,
    ([d, v]) => ({ delegatorAddress: account(d!), validatorAddress: valoper(v!) }),
  );
  queryCmd(
    di,
    "commission <validator>",
    "a validator's accumulated commission",
    `${D}/ValidatorCommission`,
    DQ.QueryValidatorCommissionRequest,
    DQ.QueryValidatorCommissionResponse,
    ([v]) => ({ validatorAddress: valoper(v!) }),
  );
  queryCmd(
    di,
    "outstanding-rewards <validator>",
    "a validator's outstanding rewards",
    `${D}/ValidatorOutstandingRewards`,
    DQ.QueryValidatorOutstandingRewardsRequest,
    DQ.QueryValidatorOutstandingRewardsResponse,
    ([v]) => ({ validatorAddress: valoper(v!) }),
  );
  queryCmd(
    di,
    "validator-distribution-info <validator>",
    "a validator's self-bond rewards and commission",
    `${D}/ValidatorDistributionInfo`,
    DQ.QueryValidatorDistributionInfoRequest,
    DQ.QueryValidatorDistributionInfoResponse,
    ([v]) => ({ validatorAddress: valoper(v!) }),
  );
  queryCmd(
    di,
    "slashes <validator> <start_height> <end_height>",
    "a validator's slash events",
    `${D}/ValidatorSlashes`,
    DQ.QueryValidatorSlashesRequest,
    DQ.QueryValidatorSlashesResponse,
    ([v, s, e]) => {
      if (!/^[0-9]{1,19}$/.test(s!) || !/^[0-9]{1,19}$/.test(e!))
        throw bad("heights must be non-negative integers");
      return { validatorAddress: valoper(v!), startingHeight: BigInt(s!), endingHeight: BigInt(e!) };
    },
  );
  queryCmd(
    di,
    "community-pool",
    "the community pool",
    `${D}/CommunityPool`,
    DQ.QueryCommunityPoolRequest,
    DQ.QueryCommunityPoolResponse,
    () => ({}),
  );
  queryCmd(
    di,
    "withdraw-addr <delegator>",
    "where a delegator's rewards go",
    `${D}/DelegatorWithdrawAddress`,
    DQ.QueryDelegatorWithdrawAddressRequest,
    DQ.QueryDelegatorWithdrawAddressResponse,
    ([d]) => ({ delegatorAddress: account(d!) }),
  );

  const sl = q.command("slashing").description("slashing module queries");
  const L = "/cosmos.slashing.v1beta1.Query";
  queryCmd(
    sl,
    "params",
    "slashing params",
    `${L}/Params`,
    SLQ.QueryParamsRequest,
    SLQ.QueryParamsResponse,
    () => ({}),
  );
  queryCmd(
    sl,
    "signing-info <consensus_address>",
    `a validator's signing info (${VALCONS}1…)`,
    `${L}/SigningInfo`,
    SLQ.QuerySigningInfoRequest,
    SLQ.QuerySigningInfoResponse,
    ([a]) => ({ consAddress: a }),
  );
  queryCmd(
    sl,
    "signing-infos",
    "every validator's signing info",
    `${L}/SigningInfos`,
    SLQ.QuerySigningInfosRequest,
    SLQ.QuerySigningInfosResponse,
    () => ({}),
  );
}

/** Register `tx|query staking|distribution|slashing …` (after the `tx` and `query` groups exist). */
export function registerStakingCommands(program: Command): void {
  registerTx(program);
  registerQuery(program);
}
