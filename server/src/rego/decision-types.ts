/** What `evaluateDecision` answers: the decision, its branches, and the rule clauses behind them. */
import type { ClearanceError, Location } from '../errors';
import type { ClauseOrigin } from './compile/ir';
import type { JsonValue } from './value/value';

/** A rule clause, for provenance: where it is and how it reads. */
export interface RuleRef {
  path: string;
  location: Location;
  headLocation: Location;
  text: string;
  isDefault: boolean;
}

/** One way a conditional decision can come out. */
export interface DecisionBranch {
  value: JsonValue;
  rule: RuleRef;
  conditions: string[];
  valueText?: string;
}

/** A decision with provenance. */
export interface Decision {
  outcome: 'defined' | 'undefined' | 'conditional' | 'error';
  value?: JsonValue;
  rules: RuleRef[];
  /**
   * 'conditional': the rule gives `value` if all `conditions` hold. When the value itself depends
   * on the unknowns, `value` is null and `valueText` is its Rego text (e.g. `input.resource.public`).
   */
  branches?: DecisionBranch[];
  errors: ClearanceError[];
}

/** Copies a clause origin into a RuleRef. */
export function toRuleRef(o: ClauseOrigin): RuleRef {
  return {
    path: o.path,
    location: o.location,
    headLocation: o.headLocation,
    text: o.text,
    isDefault: o.isDefault,
  };
}
