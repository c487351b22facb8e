/** Generic walks over the Rego AST for lint rules: every expression, every term, every call. */
import type { Body, Call, Expr, Module, NodeBase, Rule, Term } from '../rego/syntax/ast';

const TERM_TYPES = new Set([
  'null',
  'boolean',
  'number',
  'string',
  'var',
  'ref',
  'array',
  'set',
  'object',
  'arraycomprehension',
  'setcomprehension',
  'objectcomprehension',
  'call',
  'templatestring',
]);

/** Calls `visit` on every object below `node` (depth first), skipping locations and annotations. */
export function walkNodes(
  node: unknown,
  visit: (n: Record<string, unknown>, key: string) => void,
  key = '',
): void {
  if (Array.isArray(node)) {
    for (const x of node) walkNodes(x, visit, key);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  visit(obj, key);
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'location' || k === 'annotations' || k === 'comments') continue;
    walkNodes(v, visit, k);
  }
}

/** Every term below `node`. */
export function termsIn(node: unknown): Term[] {
  const out: Term[] = [];
  walkNodes(node, (n, key) => {
    if (typeof n.type === 'string' && TERM_TYPES.has(n.type) && key !== 'exprs')
      out.push(n as unknown as Term);
  });
  return out;
}

/** Every call below `node`, with its dotted operator name. */
export function callsIn(node: unknown): Array<{ call: Call; name: string }> {
  return termsIn(node)
    .filter((t): t is Call => t.type === 'call')
    .map((call) => ({ call, name: callName(call) }));
}

/** The dotted name of a call's operator. */
export function callName(call: Call): string {
  return call.operator.terms
    .map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '?'))
    .join('.');
}

/** Every body below `node` (rule bodies, else bodies, comprehensions, `every`, `not { }`). */
export function bodiesIn(node: unknown): Body[] {
  const out: Body[] = [];
  walkNodes(node, (n) => {
    if (Array.isArray(n.exprs)) out.push(n as unknown as Body);
  });
  return out;
}

/** Every expression below `node`. */
export function exprsIn(node: unknown): Expr[] {
  return bodiesIn(node).flatMap((b) => b.exprs);
}

/** A rule's name: its head ref as written (`p`, `a.b.c`). */
export function ruleName(rule: Rule): string {
  return rule.head.ref.terms
    .map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '[_]'))
    .join('.');
}

/** The first name of a rule (`a` of `a.b.c`). */
export function ruleRootName(rule: Rule): string {
  const t = rule.head.ref.terms[0];
  return t?.type === 'var' ? t.name : '';
}

/** True when a term is a scalar (a constant of its own). */
export function isScalar(t: Term): boolean {
  return t.type === 'null' || t.type === 'boolean' || t.type === 'number' || t.type === 'string';
}

/** Every rule of a module, as written. */
export function rulesOf(module: Module): Rule[] {
  return module.rules;
}

/** The location of any node. */
export function at(n: NodeBase): NodeBase['location'] {
  return n.location;
}
