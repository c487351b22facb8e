/**
 * Walks a rule's syntax tree in source order, handing each node (rule, head, body, expression,
 * `with`, term) to a visitor with the chain of nodes above it. Every authoring feature that needs
 * "what is here" (occurrences, selection ranges, inlay hints) reads the tree through this one walk.
 */

import type { Location } from '../errors';
import type { Body, ElseClause, Expr, Module, Rule, Term, With } from '../rego/syntax/ast';

/** Any node the walk visits. */
export type WalkNode =
  | { kind: 'rule'; node: Rule }
  | { kind: 'else'; node: ElseClause }
  | { kind: 'body'; node: Body }
  | { kind: 'expr'; node: Expr }
  | { kind: 'with'; node: With }
  | { kind: 'term'; node: Term; role?: 'head' | 'arg' | 'operator' };

/** Receives each node and the nodes above it, outermost first. */
export type Visitor = (item: WalkNode, parents: readonly WalkNode[]) => void;

/** The span of a walked node. */
export function locationOf(item: WalkNode): Location {
  return item.node.location;
}

/** Visits every rule of a module. */
export function walkModule(module: Module, visit: Visitor): void {
  for (const rule of module.rules) walkRule(rule, visit);
}

/** Visits a rule: its head terms, its body and its `else` chain. */
export function walkRule(rule: Rule, visit: Visitor): void {
  const self: WalkNode = { kind: 'rule', node: rule };
  visit(self, []);
  const parents = [self];
  for (const t of rule.head.ref.terms) walkTerm(t, visit, parents, 'head');
  for (const t of rule.head.args ?? []) walkTerm(t, visit, parents, 'arg');
  if (rule.head.key) walkTerm(rule.head.key, visit, parents);
  if (rule.head.value) walkTerm(rule.head.value, visit, parents);
  walkBody(rule.body, visit, parents);
  let e = rule.else;
  while (e) {
    const item: WalkNode = { kind: 'else', node: e };
    visit(item, parents);
    if (e.value) walkTerm(e.value, visit, [...parents, item]);
    walkBody(e.body, visit, [...parents, item]);
    e = e.else;
  }
}

function walkBody(body: Body, visit: Visitor, parents: readonly WalkNode[]): void {
  const self: WalkNode = { kind: 'body', node: body };
  visit(self, parents);
  const inner = [...parents, self];
  for (const e of body.exprs) walkExpr(e, visit, inner);
}

function walkExpr(expr: Expr, visit: Visitor, parents: readonly WalkNode[]): void {
  const self: WalkNode = { kind: 'expr', node: expr };
  visit(self, parents);
  const inner = [...parents, self];
  switch (expr.type) {
    case 'term':
      walkTerm(expr.term, visit, inner);
      break;
    case 'assign':
    case 'unify':
      walkTerm(expr.left, visit, inner);
      walkTerm(expr.right, visit, inner);
      break;
    case 'somedecl':
      for (const v of expr.vars) walkTerm(v, visit, inner);
      break;
    case 'somein':
      if (expr.key) walkTerm(expr.key, visit, inner);
      walkTerm(expr.value, visit, inner);
      walkTerm(expr.collection, visit, inner);
      break;
    case 'every':
      if (expr.key) walkTerm(expr.key, visit, inner);
      walkTerm(expr.value, visit, inner);
      walkTerm(expr.collection, visit, inner);
      walkBody(expr.body, visit, inner);
      break;
    case 'not':
      walkExpr(expr.expr, visit, inner);
      break;
    case 'notbody':
      walkBody(expr.body, visit, inner);
      break;
    case 'logical':
      for (const o of expr.operands) walkBody(o.body, visit, inner);
      break;
  }
  for (const w of expr.with ?? []) {
    const item: WalkNode = { kind: 'with', node: w };
    visit(item, inner);
    walkTerm(w.target, visit, [...inner, item]);
    walkTerm(w.value, visit, [...inner, item]);
  }
}

function walkTerm(
  term: Term,
  visit: Visitor,
  parents: readonly WalkNode[],
  role?: 'head' | 'arg' | 'operator',
): void {
  const self: WalkNode = role ? { kind: 'term', node: term, role } : { kind: 'term', node: term };
  visit(self, parents);
  const inner = [...parents, self];
  switch (term.type) {
    case 'ref':
      for (const t of term.terms) walkTerm(t, visit, inner);
      break;
    case 'array':
    case 'set':
      for (const t of term.items) walkTerm(t, visit, inner);
      break;
    case 'object':
      for (const { key, value } of term.entries) {
        walkTerm(key, visit, inner);
        walkTerm(value, visit, inner);
      }
      break;
    case 'arraycomprehension':
    case 'setcomprehension':
      walkTerm(term.term, visit, inner);
      walkBody(term.body, visit, inner);
      break;
    case 'objectcomprehension':
      walkTerm(term.key, visit, inner);
      walkTerm(term.value, visit, inner);
      walkBody(term.body, visit, inner);
      break;
    case 'call':
      walkTerm(term.operator, visit, inner, 'operator');
      for (const t of term.args) walkTerm(t, visit, inner, 'arg');
      break;
    case 'templatestring':
      for (const p of term.parts) if (typeof p !== 'string') walkTerm(p, visit, inner);
      break;
    default:
      break;
  }
}

/** The names a rule declares as locals: function arguments, `:=` targets, `some` and `every` variables. */
export function declaredLocals(rule: Rule): Set<string> {
  const names = new Set<string>();
  const collect = (t: Term) => {
    if (t.type === 'var' && !t.generated) names.add(t.name);
    else if (t.type === 'array' || t.type === 'set') t.items.forEach(collect);
    else if (t.type === 'object') for (const e of t.entries) collect(e.value);
  };
  for (const a of rule.head.args ?? []) collect(a);
  walkRule(rule, (item) => {
    if (item.kind !== 'expr') return;
    const e = item.node;
    if (e.type === 'assign') collect(e.left);
    else if (e.type === 'somedecl') e.vars.forEach(collect);
    else if (e.type === 'somein' || e.type === 'every') {
      if (e.key) collect(e.key);
      collect(e.value);
    }
  });
  return names;
}
