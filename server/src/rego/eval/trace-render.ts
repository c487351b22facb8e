/**
 * Rego text for compiled expressions and terms, as OPA's tracer prints its nodes: refs fully
 * qualified (`data.pkg.q.foo`), calls by their builtin name (`equal(x, 1)`, `plus(x, 1, n)`),
 * `:=` and `=` as `=`, a wildcard as `_`, and `with` modifiers after the expression.
 */
import type { CBody, CExpr, CTerm, CWith } from '../compile/ir';
import { formatRegoValue, type Value } from '../value/value';
import { appendRefStep } from './partial';

/** Rego text of a compiled term. */
export function renderTerm(t: CTerm): string {
  switch (t.t) {
    case 'val':
      return formatRegoValue(t.v);
    case 'var':
      return renderVarName(t.name);
    case 'root':
      return t.which;
    case 'ref': {
      let out = t.head.t === 'root' || t.head.t === 'var' ? renderTerm(t.head) : `(${renderTerm(t.head)})`;
      for (const p of t.path) {
        out = p.t === 'val' ? appendRefStep(out, p.v) : `${out}[${renderTerm(p)}]`;
      }
      return out;
    }
    case 'array':
      return `[${t.items.map(renderTerm).join(', ')}]`;
    case 'set':
      return t.items.length === 0 ? 'set()' : `{${t.items.map(renderTerm).join(', ')}}`;
    case 'object':
      return `{${t.entries.map(([k, v]) => `${renderTerm(k)}: ${renderTerm(v)}`).join(', ')}}`;
    case 'acomp':
      return `[${renderTerm(t.term)} | ${renderBody(t.body)}]`;
    case 'scomp':
      return `{${renderTerm(t.term)} | ${renderBody(t.body)}}`;
    case 'ocomp':
      return `{${renderTerm(t.key)}: ${renderTerm(t.value)} | ${renderBody(t.body)}}`;
    case 'call':
      return `${callName(t)}(${t.args.map(renderTerm).join(', ')})`;
    case 'template':
      return `$"${t.parts.map((p) => (typeof p === 'string' ? p : `{${renderTerm(p)}}`)).join('')}"`;
  }
}

/** A variable as OPA prints it: a wildcard (`$0`) as `_`. */
export function renderVarName(name: string): string {
  return name.startsWith('$') ? '_' : name;
}

/** The name a call prints with: a user function by its full path. */
function callName(t: Extract<CTerm, { t: 'call' }>): string {
  return t.target.k === 'func' ? `data.${t.target.path.join('.')}` : t.name;
}

/** Rego text of a compiled expression, with its `with` modifiers. */
export function renderExpr(e: CExpr): string {
  const core = renderExprCore(e);
  if (!e.withs || e.withs.length === 0) return core;
  return `${core} ${e.withs.map(renderWith).join(' ')}`;
}

/** The expression without its modifiers. */
function renderExprCore(e: CExpr): string {
  switch (e.e) {
    case 'nop':
      return 'true';
    case 'term':
      return renderTerm(e.term);
    case 'unify':
      if (e.outArg && e.right.t === 'call') {
        return `${callName(e.right)}(${[...e.right.args, e.left].map(renderTerm).join(', ')})`;
      }
      return `${renderTerm(e.left)} = ${renderTerm(e.right)}`;
    case 'somein':
      return e.key
        ? `some ${renderTerm(e.key)}, ${renderTerm(e.value)} in ${renderTerm(e.coll)}`
        : `some ${renderTerm(e.value)} in ${renderTerm(e.coll)}`;
    case 'every': {
      const vars = e.key ? `${renderTerm(e.key)}, ${renderTerm(e.value)}` : renderTerm(e.value);
      return `every ${vars} in ${renderTerm(e.coll)} { ${renderBody(e.body)} }`;
    }
    case 'not':
      return `not ${renderBody(e.body)}`;
    case 'logic':
      return e.operands.map(renderOperand).join(` ${e.op} `);
  }
}

/** An operand of `and` / `or`: its one expression, or its body in braces. */
function renderOperand(b: CBody): string {
  const [only] = b.exprs;
  return b.exprs.length === 1 && only ? renderExpr(only) : `{ ${renderBody(b)} }`;
}

/** `with <target> as <value>`. */
function renderWith(w: CWith): string {
  const target =
    w.target === 'fn'
      ? (w.fnKey ?? '')
      : w.path.reduce<string>((out, p: Value) => appendRefStep(out, p), w.target);
  const value = w.fnValue
    ? w.fnValue.k === 'func'
      ? `data.${w.fnValue.path.join('.')}`
      : w.fnValue.def.name
    : renderTerm(w.value);
  return `with ${target} as ${value}`;
}

/** Rego text of a body: its expressions joined by `; `. */
export function renderBody(b: CBody): string {
  return b.exprs.map(renderExpr).join('; ');
}
