/**
 * What the parser decides about a rule once its clause is read: its kind, and the checks OPA runs
 * at parse time: default-rule values, and the Rego v1 requirements (`if` before bodies,
 * `contains` for partial sets, a value or a body, no keyword as a rule name).
 */
import type { ClearanceError, Location } from '../errors';
import type { Rule, RuleKind, Term } from './ast';
import { PARSE_ERROR_CODE } from './parser-core';
import { isGround, refToString } from './term-text';
import { V1_KEYWORDS } from './tokens';

/** A parsed rule clause with the facts about how it was written that the AST does not keep. */
export interface RuleDraft {
  rule: Rule;
  /** The clause was written with `if`. */
  ifKeyword: boolean;
  /** The clause was written with `contains`. */
  containsKeyword: boolean;
  /** The clause has no body of its own (`p := 1`, `p contains 1`, `default p := 1`). */
  generatedBody: boolean;
  /** `else` branches whose body was written without `if`. */
  elseWithoutIf: Location[];
}

/** Decides the rule's kind from its head: functions have arguments, partial sets `contains`. */
export function classifyRule(rule: Rule): RuleKind {
  if (rule.head.args) return 'function';
  if (rule.head.assign === 'contains') return 'partialset';
  const [, ...rest] = rule.head.ref.terms;
  return rest.every(isGround) ? 'complete' : 'partialobject';
}

function parseError(message: string, location: Location): ClearanceError {
  return { code: PARSE_ERROR_CODE, message, location };
}

/** OPA's check that a default rule's value is a constant (comprehensions may hold anything). */
export function checkDefaultValue(value: Term, location: Location): ClearanceError[] {
  const errors: ClearanceError[] = [];
  const visit = (t: Term): void => {
    switch (t.type) {
      case 'var':
      case 'ref':
      case 'call':
        errors.push(parseError(`illegal default rule (value cannot contain ${t.type})`, location));
        return;
      case 'array':
      case 'set':
        t.items.forEach(visit);
        return;
      case 'object':
        for (const e of t.entries) {
          visit(e.key);
          visit(e.value);
        }
        return;
      case 'templatestring':
        for (const p of t.parts) if (typeof p !== 'string') visit(p);
        return;
      default:
        return;
    }
  };
  visit(value);
  return errors;
}

/** OPA's check that a default function's arguments are distinct variables. */
export function checkDefaultArgs(args: Term[], location: Location): ClearanceError[] {
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg.type !== 'var') {
      return [parseError(`illegal default rule (arguments cannot contain ${arg.type})`, location)];
    }
    if (seen.has(arg.name)) {
      return [parseError(`illegal default rule (arguments cannot be repeated ${arg.name})`, location)];
    }
    seen.add(arg.name);
  }
  return [];
}

/** The checks OPA applies to every rule of a Rego v1 module (and of a v0 module importing `rego.v1`). */
export function checkRegoV1Rule(draft: RuleDraft): ClearanceError[] {
  const { rule } = draft;
  const what = rule.kind === 'function' ? 'function' : 'rule';
  const errors: ClearanceError[] = [];
  const [nameTerm] = rule.head.ref.terms;
  if (rule.head.ref.terms.length < 2 && nameTerm?.type === 'var' && V1_KEYWORDS.has(nameTerm.name)) {
    errors.push(parseError(`${nameTerm.name} keyword cannot be used for rule name`, rule.location));
  }
  const generatedValue =
    rule.head.value === undefined && rule.head.key === undefined && rule.kind !== 'function';
  if (draft.generatedBody && generatedValue) {
    errors.push(parseError(`${what} must have value assignment and/or body declaration`, rule.location));
  }
  if (!draft.generatedBody && !draft.ifKeyword && !rule.isDefault) {
    errors.push(parseError(`\`if\` keyword is required before ${what} body`, rule.location));
  }
  if (rule.kind === 'partialset' && !draft.containsKeyword) {
    errors.push(parseError('`contains` keyword is required for partial set rules', rule.location));
  }
  for (const location of draft.elseWithoutIf) {
    errors.push(parseError(`\`if\` keyword is required before ${what} body`, location));
  }
  return errors;
}

/** The text of a rule's name for messages: `p`, `a.b[x]`, `f`. */
export function ruleName(rule: Rule): string {
  return refToString(rule.head.ref);
}
