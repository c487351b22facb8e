/**
 * Decides one call: evaluates the entrypoint for the call's input with its unknowns, and turns the
 * engine's three-valued answer into a verdict with its explanation (which rule, which policy version).
 */
import type { ClearanceError } from '../errors';
import type { LoadedPolicy } from '../policy/load';
import { evaluateDecision, type JsonValue, type RuleRef } from '../rego';
import type { CallInput } from './input';

/** What the policy says of a call: allowed, denied (for every value of its unknowns), conditional, or error. */
export type Verdict = 'allowed' | 'denied' | 'conditional' | 'error';

/** A condition under which a rule allows the call, in Rego with known values filled in. */
export interface AllowingBranch {
  rule: RuleRef;
  conditions: string[];
}

/** A verdict with everything needed to explain it. */
export interface CallDecision {
  verdict: Verdict;
  entrypoint: string;
  policyVersion: string;
  /** For `allowed`: the rule that allowed. For `denied`: the default or deny rule that decided, if any. */
  rules: RuleRef[];
  /** For `conditional`: the rules that allow the call if their conditions hold. */
  branches: AllowingBranch[];
  /** The entrypoint's `reason`, when it returns an object that has one. */
  reason?: string;
  errors: ClearanceError[];
}

/** Limits on one evaluation, so no policy can hang the editor. */
export interface DecisionLimits {
  timeoutMs: number;
  maxSteps: number;
}

/** Evaluates `entrypoint` for `call` under `loaded` and returns the verdict with its explanation. */
export function decideCall(
  loaded: LoadedPolicy,
  entrypoint: string,
  call: CallInput,
  limits: DecisionLimits,
): CallDecision {
  const base = { entrypoint, policyVersion: loaded.version, rules: [], branches: [] };
  const compileErrors = loaded.errors.filter((e) => e.code.startsWith('rego_'));
  if (compileErrors.length > 0) {
    return { ...base, verdict: 'error', errors: compileErrors };
  }
  const result = evaluateDecision(loaded.policy, entrypoint, {
    input: call.input,
    data: loaded.data,
    unknowns: call.unknowns,
    limits: { timeoutMs: limits.timeoutMs, maxSteps: limits.maxSteps },
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
    case 'conditional': {
      // A branch whose value itself depends on the unknowns (`allow := input.resource.public`) may allow.
      const branches = (result.branches ?? [])
        .filter((b) => b.valueText !== undefined || readAllow(b.value).allowed)
        .map((b) => ({
          rule: b.rule,
          conditions: b.valueText !== undefined ? [...b.conditions, `${b.valueText} == true`] : b.conditions,
        }));
      if (branches.length === 0) {
        // Every branch that depends on the unknowns would still deny: the call is denied for every value.
        return {
          ...base,
          verdict: readAllow(result.value).allowed ? 'allowed' : 'denied',
          rules: result.rules,
          errors: [],
        };
      }
      return { ...base, verdict: 'conditional', rules: result.rules, branches, errors: [] };
    }
  }
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
