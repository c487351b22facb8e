/**
 * Decides one call: evaluates the entrypoint for the call's input with its unknowns, and turns the
 * engine's three-valued answer into a verdict with its explanation (which rule, which policy version).
 */
import type { ClearanceError } from '../errors';
import type { LoadedPolicy } from '../policy/load';
import { type DecisionBranch, evaluateDecision, type JsonValue, type RuleRef } from '../rego';
import type { CallInput } from './input';

/** What the policy says of a call: allowed, denied (for every value of its unknowns), conditional, or error. */
export type Verdict = 'allowed' | 'denied' | 'conditional' | 'error';

/** A rule whose value, if its conditions hold, decides the call one way (allows or denies it). */
export interface ConditionalBranch {
  rule: RuleRef;
  /** Rego expressions with known values filled in; all must hold. */
  conditions: string[];
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
  errors: ClearanceError[];
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
  const result = evaluateDecision(loaded.policy, entrypoint, {
    input: call.input,
    data: loaded.data,
    unknowns: call.unknowns,
    limits: {
      timeoutMs: limits.timeoutMs,
      maxSteps: limits.maxSteps,
      ...(limits.maxDepth !== undefined ? { maxDepth: limits.maxDepth } : {}),
    },
    allowHttpSend: limits.allowHttpSend === true,
  });
  switch (result.outcome) {
    case 'error':
      return { ...base, verdict: 'error', errors: result.errors };
    case 'undefined':
      return { ...base, verdict: 'denied', errors: [] };
    case 'defined': {
      const { allowed, reason } = readAllow(result.value);
      return {
        ...base,
        verdict: allowed ? 'allowed' : 'denied',
        rules: result.rules,
        errors: [],
        ...(reason ? { reason } : {}),
      };
    }
    case 'conditional':
      return decideConditional(base, result.value, result.rules, result.branches ?? []);
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
  const otherwiseAllows = readAllow(otherwise).allowed;
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
  if (otherwiseAllows && denying.length === 0) return { ...base, verdict: 'allowed', rules, errors: [] };
  if (!otherwiseAllows && allowing.length === 0) return { ...base, verdict: 'denied', rules, errors: [] };
  return {
    ...base,
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

/** Reads an entrypoint's value: `true`, or an object whose `allow` is `true`, allows. */
function readAllow(value: JsonValue | undefined): { allowed: boolean; reason?: string } {
  if (value === true) return { allowed: true };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const reason = typeof value.reason === 'string' ? value.reason : undefined;
    return { allowed: value.allow === true, ...(reason ? { reason } : {}) };
  }
  return { allowed: false };
}
