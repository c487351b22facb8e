/**
 * Renders AST nodes as compact Rego-like text, in the style of OPA's `String()` methods: refs as
 * `data.a["b c"][x]`, operators in call form (`plus(x, 1)`) so the tree's shape shows. Used for
 * error messages, hover text and tests; it is not a formatter.
 */
import type { Body, Expr, Ref, Term, With } from './ast';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names a term's kind as OPA's `ValueName` does (`var`, `ref`, `number`, `arraycomprehension`). */
export function valueName(term: Term): string {
  return term.type;
}

/** True when the term contains no variables, refs or calls (OPA's `IsGround`). */
export function isGround(term: Term): boolean {
  switch (term.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return term.items.every(isGround);
    case 'object':
      return term.entries.every((e) => isGround(e.key) && isGround(e.value));
    case 'templatestring':
      return term.parts.every((p) => typeof p === 'string' || isGround(p));
    default:
      return false;
  }
}

/** Renders a ref: `input.user.roles[0]`, `data.x["a b"]`, `f(x).y`. */
export function refToString(ref: Ref): string {
  const [head, ...rest] = ref.terms;
  let out = head ? termToString(head) : '';
  for (const t of rest) {
    if (t.type === 'string' && typeof t.value === 'string' && IDENTIFIER.test(t.value)) out += `.${t.value}`;
    else out += `[${termToString(t)}]`;
  }
  return out;
}

/** Renders a term. */
export function termToString(term: Term): string {
  switch (term.type) {
    case 'null':
      return 'null';
    case 'boolean':
    case 'number':
      return String(term.value);
    case 'string':
      return JSON.stringify(term.value);
    case 'var':
      return term.name;
    case 'ref':
      return refToString(term);
    case 'array':
      return `[${term.items.map(termToString).join(', ')}]`;
    case 'set':
      return term.items.length === 0 ? 'set()' : `{${term.items.map(termToString).join(', ')}}`;
    case 'object':
      return `{${term.entries.map((e) => `${termToString(e.key)}: ${termToString(e.value)}`).join(', ')}}`;
    case 'arraycomprehension':
      return `[${termToString(term.term)} | ${bodyToString(term.body)}]`;
    case 'setcomprehension':
      return `{${termToString(term.term)} | ${bodyToString(term.body)}}`;
    case 'objectcomprehension':
      return `{${termToString(term.key)}: ${termToString(term.value)} | ${bodyToString(term.body)}}`;
    case 'call':
      return `${refToString(term.operator)}(${term.args.map(termToString).join(', ')})`;
    case 'templatestring': {
      const inner = term.parts
        .map((p) =>
          typeof p === 'string'
            ? JSON.stringify(p).slice(1, -1).replaceAll('{', '\\{')
            : `{${termToString(p)}}`,
        )
        .join('');
      return `$"${inner}"`;
    }
  }
}

function withToString(w: With): string {
  return ` with ${refToString(w.target)} as ${termToString(w.value)}`;
}

/** Renders one expression, including its `with` modifiers. */
export function exprToString(expr: Expr): string {
  let out: string;
  switch (expr.type) {
    case 'term':
      out = termToString(expr.term);
      break;
    case 'assign':
      out = `${termToString(expr.left)} := ${termToString(expr.right)}`;
      break;
    case 'unify':
      out = `${termToString(expr.left)} = ${termToString(expr.right)}`;
      break;
    case 'somedecl':
      out = `some ${expr.vars.map((v) => v.name).join(', ')}`;
      break;
    case 'somein':
      out = `some ${expr.key ? `${termToString(expr.key)}, ` : ''}${termToString(expr.value)} in ${termToString(expr.collection)}`;
      break;
    case 'every':
      out = `every ${expr.key ? `${termToString(expr.key)}, ` : ''}${termToString(expr.value)} in ${termToString(expr.collection)} { ${bodyToString(expr.body)} }`;
      break;
    case 'not':
      out = `not ${exprToString(expr.expr)}`;
      break;
    case 'notbody':
      out = `not { ${bodyToString(expr.body)} }`;
      break;
  }
  return out + (expr.with ?? []).map(withToString).join('');
}

/** Renders a body as its expressions joined by `; `. */
export function bodyToString(body: Body): string {
  return body.exprs.map(exprToString).join('; ');
}
