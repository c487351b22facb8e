/**
 * The part of OPA's `RewriteExprTerms` and `RewriteDynamicTerms` compiler stages that changes what
 * a negation means: the dynamic terms of a negated expression (ref and call arguments of a call,
 * refs and calls inside a ref's path, nested calls) are bound to generated variables by
 * expressions placed *before* the `not`, so they are evaluated outside it. `not f(input.user)`
 * with `input.user` undefined therefore makes the body fail rather than succeed, and an index
 * variable in `not f(xs[i])` is bound outside the negation. An equality (`=`, and `==`, which OPA's
 * `RewriteEquals` turns into `=`) keeps its refs in place; only their dynamic path parts move out.
 * Outside a negation the same rewrite changes nothing, so only negations are rewritten here.
 * A module importing `future.keywords.not` (newer than OPA 1.14) negates `not <expr>` as a body,
 * with everything evaluated inside: no hoisting there.
 */
import type * as ast from '../syntax/ast';

/** Makes fresh generated variable names for one body compiler. */
export type FreshVar = (location: ast.Var['location']) => ast.Var;

/**
 * Returns `body` with each negated expression's dynamic terms hoisted in front of it (the same
 * object when nothing moves), and the hoisted expressions. They carry the negated expression's
 * `with` modifiers.
 */
export function hoistNegatedTerms(
  body: ast.Body,
  notBody: boolean,
  fresh: FreshVar,
): { body: ast.Body; hoisted: Set<ast.Expr> } {
  const hoisted = new Set<ast.Expr>();
  if (notBody) return { body, hoisted };
  let out: ast.Expr[] | undefined;
  body.exprs.forEach((expr, i) => {
    if (expr.type !== 'not') {
      out?.push(expr);
      return;
    }
    const pre: ast.Expr[] = [];
    const withs = expr.expr.with ?? expr.with;
    const inner = rewriteNegated(expr.expr, fresh, pre, withs);
    if (pre.length === 0) {
      out?.push(expr);
      return;
    }
    out ??= body.exprs.slice(0, i);
    for (const p of pre) hoisted.add(p);
    out.push(...pre, { ...expr, expr: inner });
  });
  return { body: out ? { ...body, exprs: out } : body, hoisted };
}

/** The negated expression with its dynamic terms replaced by variables bound in `pre`. */
function rewriteNegated(
  expr: ast.Expr,
  fresh: FreshVar,
  pre: ast.Expr[],
  withs: ast.With[] | undefined,
): ast.Expr {
  const bind = (term: ast.Term): ast.Term => {
    const v = fresh(term.location);
    const e: ast.Expr = { type: 'unify', left: v, right: term, location: term.location };
    if (withs?.length) e.with = withs;
    pre.push(e);
    return v;
  };
  if (expr.type === 'unify') {
    return { ...expr, left: equalitySide(expr.left, bind), right: equalitySide(expr.right, bind) };
  }
  if (expr.type !== 'term') return expr;
  const term = expr.term;
  if (term.type === 'call') {
    if (term.infix === '==' && term.args.length === 2) {
      const [l, r] = term.args as [ast.Term, ast.Term];
      return { ...expr, term: { ...term, args: [equalitySide(l, bind), equalitySide(r, bind)] } };
    }
    return { ...expr, term: { ...term, args: term.args.map((a) => dynamicTerm(a, bind)) } };
  }
  if (term.type === 'ref') return { ...expr, term: refPath(term, bind) };
  return expr;
}

/** An operand of an equality: a ref stays (its dynamic path parts move), anything else as a call argument. */
function equalitySide(term: ast.Term, bind: (t: ast.Term) => ast.Term): ast.Term {
  if (term.type === 'ref') return refPath(term, bind);
  if (isComprehension(term)) return term;
  return dynamicTerm(term, bind);
}

/** A ref whose dynamic path elements (refs, calls, comprehensions) are hoisted. */
function refPath(ref: ast.Ref, bind: (t: ast.Term) => ast.Term): ast.Ref {
  const [head, ...rest] = ref.terms;
  if (!head) return ref;
  let changed = false;
  const path = rest.map((t) => {
    const r = dynamicTerm(t, bind);
    if (r !== t) changed = true;
    return r;
  });
  const newHead = head.type === 'call' ? (bind(head) as ast.Term) : head;
  if (newHead !== head) changed = true;
  return changed ? { ...ref, terms: [newHead, ...path] } : ref;
}

/** A call argument: refs, calls and comprehensions are hoisted; collections are rewritten inside. */
function dynamicTerm(term: ast.Term, bind: (t: ast.Term) => ast.Term): ast.Term {
  switch (term.type) {
    case 'ref':
      if (isBareRoot(term)) return term;
      return bind(refPath(term, bind));
    case 'call':
      return bind({ ...term, args: term.args.map((a) => dynamicTerm(a, bind)) });
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
      return bind(term);
    case 'array':
      return { ...term, items: term.items.map((t) => dynamicTerm(t, bind)) };
    case 'set':
      return { ...term, items: term.items.map((t) => dynamicTerm(t, bind)) };
    case 'object':
      return {
        ...term,
        entries: term.entries.map((e) => ({
          key: dynamicTerm(e.key, bind),
          value: dynamicTerm(e.value, bind),
        })),
      };
    default:
      return term;
  }
}

/** A ref of a variable alone (`x`, `input`): nothing to evaluate, so nothing to hoist. */
function isBareRoot(ref: ast.Ref): boolean {
  return ref.terms.length === 1 && ref.terms[0]?.type === 'var';
}

function isComprehension(term: ast.Term): boolean {
  return (
    term.type === 'arraycomprehension' ||
    term.type === 'setcomprehension' ||
    term.type === 'objectcomprehension'
  );
}
