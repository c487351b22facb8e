/**
 * Module statements that are expressions rather than rules with bodies become rules the way OPA's
 * `ParseRuleFromBody` makes them: `p := 1` and `p = 1` are complete rules, `f(x) := y` a function,
 * `a.b[k] := v` part of an object, `p[x]` or `a.b` a partial set element, `a.b.c` a rule without a
 * value (an error in Rego v1). Anything else is reported with OPA's message.
 */
import type { Location } from '../errors';
import type { Expr, Ref, Rule, RuleHead, Term } from './ast';
import { classifyRule, type RuleDraft } from './rule-checks';
import { refToString, valueName } from './term-text';

/** The rule a statement defines, or why it defines none. */
export type RuleFromExpressions = { draft: RuleDraft } | { message: string; location: Location };

function draftFor(head: RuleHead, location: Location): { draft: RuleDraft } {
  const rule: Rule = {
    kind: 'complete',
    isDefault: false,
    head,
    body: { exprs: [], location: { file: location.file, start: location.end, end: location.end } },
    location,
    packagePath: [],
  };
  rule.kind = classifyRule(rule);
  return {
    draft: { rule, ifKeyword: false, containsKeyword: false, generatedBody: true, elseWithoutIf: [] },
  };
}

/** Reads the expressions of one module statement as a rule. */
export function ruleFromExpressions(exprs: readonly [Expr, ...Expr[]]): RuleFromExpressions {
  const [expr] = exprs;
  const fail = (message: string) => ({ message, location: expr.location });
  if (exprs.length !== 1) return fail('multiple expressions cannot be used for rule head');
  if (expr.with && expr.with.length > 0)
    return fail('expressions using with keyword cannot be used for rule head');
  switch (expr.type) {
    case 'not':
    case 'notbody':
      return fail('negated expressions cannot be used for rule head');
    case 'somedecl':
    case 'somein':
      return fail("'some' declarations cannot be used for rule head");
    case 'every':
      return fail('expression cannot be used for rule head');
    case 'term':
      return ruleFromTerm(expr.term) ?? fail(`${valueName(expr.term)} cannot be used for rule name`);
    default: {
      const assign = expr.type === 'assign' ? ':=' : '=';
      return ruleFromAssignment(expr.left, expr.right, assign, expr.location);
    }
  }
}

function ruleFromTerm(term: Term): RuleFromExpressions | undefined {
  const location = term.location;
  const fail = (message: string) => ({ message, location });
  if (term.type === 'ref') {
    const [name, key] = term.terms;
    if (name?.type !== 'var') return fail(`invalid rule head: ${refToString(term)}`);
    if (term.terms.length === 1) return fail('refs cannot be used for rule head');
    if (term.terms.length > 2 || !key) return draftFor({ ref: term, location }, location);
    const ref: Ref = { type: 'ref', terms: [name], location: name.location };
    return draftFor({ ref, key, assign: 'contains', location }, location);
  }
  if (term.type === 'call') {
    if (term.infix) return fail('rule name conflicts with built-in function');
    if (term.args.length === 0) return fail('rule argument list must take at least one argument');
    if (term.operator.terms[0]?.type !== 'var')
      return fail(`invalid rule head: ${refToString(term.operator)}`);
    return draftFor({ ref: term.operator, args: term.args, location }, location);
  }
  return undefined;
}

function ruleFromAssignment(
  left: Term,
  right: Term,
  assign: ':=' | '=',
  location: Location,
): RuleFromExpressions {
  const fail = (message: string) => ({ message, location });
  if (left.type === 'call') {
    if (left.infix) return fail('rule name conflicts with built-in function');
    if (left.operator.terms[0]?.type !== 'var')
      return fail(`invalid rule head: ${refToString(left.operator)}`);
    return draftFor({ ref: left.operator, args: left.args, value: right, assign, location }, location);
  }
  if (left.type === 'var') {
    const ref: Ref = { type: 'ref', terms: [left], location: left.location };
    return draftFor({ ref, value: right, assign, location }, location);
  }
  if (left.type === 'ref') {
    if (left.terms[0]?.type !== 'var') return fail(`invalid rule head: ${refToString(left)}`);
    return draftFor({ ref: left, value: right, assign, location }, location);
  }
  return fail(`${valueName(left)} cannot be used for rule name`);
}
