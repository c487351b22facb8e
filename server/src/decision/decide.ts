/**
 * Decides one call: evaluates the entrypoint for the call's input with its unknowns, and turns the
 * engine's three-valued answer into a verdict with its explanation (which rule, which policy version).
 */
import { decideWithWasm } from '../bundle/wasm-decide';
import type { ClearanceError } from '../errors';
import type { Identity } from '../identity';
import type { LoadedPolicy } from '../policy/load';
import {
  type ClosestClause,
  type DecisionBranch,
  evaluateDecision,
  findClosestClause,
  type JsonValue,
  type RuleRef,
} from '../rego';
import { isEntrypointDefined, suggestEntrypoints } from './entrypoints';
import type { CallInput } from './input';
import { describeCondition, type WordsContext } from './plain-words';

/** What the policy says of a call: allowed, denied (for every value of its unknowns), conditional, or error. */
export type Verdict = 'allowed' | 'denied' | 'conditional' | 'error';

/** A rule whose value, if its conditions hold, decides the call one way (allows or denies it). */
export interface ConditionalBranch {
  rule: RuleRef;
  /** Rego expressions with known values filled in; all must hold. */
  conditions: string[];
  /** The conditions in plain words ("you own the order"), when every one of them has a recognised shape. */
  words?: string;
}

/**
 * Why a call was not decided at all. Neither is a denial: without an identity there is nobody to
 * decide for, and an entrypoint no rule defines is a configuration mistake. Both come with the
 * verdict `error`, so a scan that meets them cannot pass, and say what to fix.
 */
export interface Undecided {
  /** `ungoverned`: the call goes to a host none of `.clearance.yaml`'s services is (not a failure). */
  kind: 'no-identity' | 'entrypoint-undefined' | 'ungoverned';
  /** For `entrypoint-undefined`: entrypoints the policy does define, the likeliest first. */
  suggestions?: string[];
}

/** A verdict with everything needed to explain it. */
export interface CallDecision {
  verdict: Verdict;
  entrypoint: string;
  policyVersion: string;
  /**
   * For `allowed`: the rule that allowed. For `denied`: the default or deny rule that decided, if any.
   * For `conditional`: the rule whose value stands when no branch applies (usually the default).
   */
  rules: RuleRef[];
  /** For `conditional` when the call is otherwise denied: the rules that allow it if their conditions hold. */
  branches: ConditionalBranch[];
  /** For `conditional` when the call is otherwise allowed: the rules that deny it if their conditions hold. */
  blockers: ConditionalBranch[];
  /** The entrypoint's `reason`, when it returns an object that has one. */
  reason?: string;
  /**
   * The entrypoint's `challenge` (`"mfa"`), when it returns an object that has one: a step-up the
   * caller must pass. It does not change the verdict, which `allow` alone gives (docs/decisions.md).
   */
  challenge?: string;
  /** For `denied`: the allowing rule that came closest, and its first expression that failed. */
  closest?: ClosestClause;
  errors: ClearanceError[];
  /** Set when the call was not decided at all: no identity, or an undefined entrypoint. */
  undecided?: Undecided;
}

/** Limits on one evaluation, so no policy can hang the editor. */
export interface DecisionLimits {
  timeoutMs: number;
  maxSteps: number;
  maxDepth?: number;
  /** Lets the policy's `http.send` calls reach the network (the `allowHttpSend` setting). */
  allowHttpSend?: boolean;
}

/** Evaluates `entrypoint` for `call` under `loaded` and returns the verdict with its explanation. */
export function decideCall(
  loaded: LoadedPolicy,
  entrypoint: string,
  call: CallInput,
  limits: DecisionLimits,
): CallDecision {
  const base = { entrypoint, policyVersion: loaded.version, rules: [], branches: [], blockers: [] };
  // A policy that did not load whole (a syntax error, a broken data file, a missing path) would
  // decide with part of its rules: that is no decision at all.
  if (loaded.errors.length > 0) {
    return { ...base, verdict: 'error', errors: loaded.errors };
  }
  const compiled = decideWithWasm(loaded, entrypoint, call, readAllow);
  if (compiled) return compiled;
  const undefinedEntrypoint = checkEntrypoint(loaded, entrypoint);
  if (undefinedEntrypoint) return { ...base, verdict: 'error', ...undefinedEntrypoint };
  const options = {
    input: call.input,
    data: loaded.data,
    unknowns: call.unknowns,
    limits: {
      timeoutMs: limits.timeoutMs,
      maxSteps: limits.maxSteps,
      ...(limits.maxDepth !== undefined ? { maxDepth: limits.maxDepth } : {}),
    },
    allowHttpSend: limits.allowHttpSend === true,
  };
  const result = evaluateDecision(loaded.policy, entrypoint, options);
  let decision: CallDecision;
  switch (result.outcome) {
    case 'error':
      return { ...base, verdict: 'error', errors: result.errors };
    case 'undefined':
      decision = { ...base, verdict: 'denied', errors: [] };
      break;
    case 'defined': {
      const { allowed, reason, challenge } = readAllow(result.value);
      decision = {
        ...base,
        verdict: allowed ? 'allowed' : 'denied',
        rules: result.rules,
        errors: [],
        ...(reason ? { reason } : {}),
        ...(challenge ? { challenge } : {}),
      };
      break;
    }
    case 'conditional':
      decision = decideConditional(base, result.value, result.rules, result.branches ?? []);
      addWords(decision, call);
      break;
  }
  if (decision.verdict === 'denied') {
    const closest = findClosestClause(loaded.policy, entrypoint, options, (v) => readAllow(v).allowed);
    if (closest) decision.closest = closest;
  }
  return decision;
}

/**
 * Whether calls made as `identity` are decided at all: only with an identity, unless the settings
 * say the policy answers for anonymous callers (`clearance.identity.anonymous`).
 */
export function isDecidedFor(identity: Identity, anonymous: boolean): boolean {
  if (anonymous) return true;
  return identity.user !== undefined && identity.status !== 'invalid' && identity.status !== 'missing';
}

/** The decision of a call when there is no identity to decide for: not decided, and not denied. */
export function decideWithoutIdentity(entrypoint: string, policyVersion: string): CallDecision {
  return {
    verdict: 'error',
    entrypoint,
    policyVersion,
    rules: [],
    branches: [],
    blockers: [],
    errors: [{ code: 'no_identity', message: 'not decided: no identity' }],
    undecided: { kind: 'no-identity' },
  };
}

/** The decision of a call to a host that no listed service is: not asked of the policy, not denied. */
export function decideUngoverned(host: string, entrypoint: string, policyVersion: string): CallDecision {
  return {
    ...decideWithoutIdentity(entrypoint, policyVersion),
    errors: [
      {
        code: 'not_governed',
        message: `not governed: ${host} is not one of the services in .clearance.yaml, so no policy decides it`,
      },
    ],
    undecided: { kind: 'ungoverned' },
  };
}

/** Whether an entrypoint is defined, remembered per compiled policy (every call asks the same). */
const entrypointChecks = new WeakMap<
  object,
  Map<string, Pick<CallDecision, 'errors' | 'undecided'> | null>
>();

/** The errors and explanation of an entrypoint no rule or data defines; null when it is defined. */
function checkEntrypoint(
  loaded: LoadedPolicy,
  entrypoint: string,
): Pick<CallDecision, 'errors' | 'undecided'> | null {
  let checks = entrypointChecks.get(loaded.policy);
  if (!checks) {
    checks = new Map();
    entrypointChecks.set(loaded.policy, checks);
  }
  const known = checks.get(entrypoint);
  if (known !== undefined) return known;
  let result: Pick<CallDecision, 'errors' | 'undecided'> | null = null;
  if (!isEntrypointDefined(loaded.policy, loaded.data, entrypoint)) {
    const suggestions = suggestEntrypoints(loaded.policy, entrypoint);
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.join(' or ')}?)` : '';
    result = {
      errors: [{ code: 'entrypoint_undefined', message: `entrypoint ${entrypoint} is not defined${hint}` }],
      undecided: { kind: 'entrypoint-undefined', suggestions },
    };
  }
  if (checks.size > 16) checks.clear();
  checks.set(entrypoint, result);
  return result;
}

/** Puts each branch's conditions in plain words for the caller of `call`, where their shape is known. */
function addWords(decision: CallDecision, call: CallInput): void {
  const user = call.input.user as { id?: string; email?: string; role?: string; roles?: string[] } | null;
  const resource = call.input.resource as { type?: string } | undefined;
  const context: WordsContext = {
    userIds: [user?.id, user?.email].filter((v): v is string => typeof v === 'string'),
    roles: [user?.role, ...(user?.roles ?? [])].filter((v): v is string => typeof v === 'string'),
    resourceType: resource?.type ?? 'resource',
  };
  for (const branch of [...decision.branches, ...decision.blockers]) {
    const words = branch.conditions.map((c) => describeCondition(c, context));
    if (words.length > 0 && words.every((w) => w !== undefined)) branch.words = words.join(' and ');
  }
}

/**
 * A conditional result can come out as any branch's value (when its conditions hold) or as the
 * value that stands otherwise. The call is allowed or denied only if every one of those agrees;
 * otherwise it is conditional, explained by the branches that would change the outcome.
 */
function decideConditional(
  base: Omit<CallDecision, 'verdict' | 'errors'>,
  otherwise: JsonValue | undefined,
  rules: RuleRef[],
  branches: DecisionBranch[],
): CallDecision {
  const { allowed: otherwiseAllows, challenge } = readAllow(otherwise);
  const step = challenge ? { challenge } : {};
  const allowing: ConditionalBranch[] = [];
  const denying: ConditionalBranch[] = [];
  for (const branch of branches) {
    if (branch.valueText !== undefined) {
      // The value itself depends on the unknowns (`allow := input.resource.public`): it may go either way.
      allowing.push({ rule: branch.rule, conditions: [...branch.conditions, allowsText(branch.valueText)] });
      denying.push({
        rule: branch.rule,
        conditions: [...branch.conditions, `not ${allowsText(branch.valueText)}`],
      });
    } else if (readAllow(branch.value).allowed) {
      allowing.push({ rule: branch.rule, conditions: branch.conditions });
    } else {
      denying.push({ rule: branch.rule, conditions: branch.conditions });
    }
  }
  if (otherwiseAllows && denying.length === 0)
    return { ...base, ...step, verdict: 'allowed', rules, errors: [] };
  if (!otherwiseAllows && allowing.length === 0)
    return { ...base, ...step, verdict: 'denied', rules, errors: [] };
  return {
    ...base,
    ...step,
    verdict: 'conditional',
    rules,
    branches: otherwiseAllows ? [] : allowing,
    blockers: otherwiseAllows ? denying : [],
    errors: [],
  };
}

/** Rego that holds when an entrypoint value written as `valueText` allows: `true`, or an object whose `allow` is. */
function allowsText(valueText: string): string {
  return valueText.trimStart().startsWith('{')
    ? `object.get(${valueText}, "allow", false) == true`
    : `${valueText} == true`;
}

/**
 * Reads an entrypoint's value: `true`, or an object whose `allow` is `true`, allows. An object's
 * string `reason` and `challenge` come along; a `challenge` alone never allows.
 */
function readAllow(value: JsonValue | undefined): { allowed: boolean; reason?: string; challenge?: string } {
  if (value === true) return { allowed: true };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const reason = typeof value.reason === 'string' ? value.reason : undefined;
    const challenge = typeof value.challenge === 'string' ? value.challenge : undefined;
    return {
      allowed: value.allow === true,
      ...(reason ? { reason } : {}),
      ...(challenge ? { challenge } : {}),
    };
  }
  return { allowed: false };
}
