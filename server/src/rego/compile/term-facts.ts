/**
 * Facts about parsed terms that the parser's own checks need: whether a term is ground, OPA's
 * name for a term's kind, and the display text of a rule's reference for error messages.
 */
import type { Ref, Term } from '../syntax/ast';

/** True when the term holds no variables, refs, calls or comprehensions (OPA's `IsGround`). */
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

/** True when a term has something to evaluate: a ref, a call or a comprehension (OPA's requiresEval). */
export function requiresEval(t: Term): boolean {
  switch (t.type) {
    case 'ref':
      return !(t.terms.length === 1 && t.terms[0]?.type === 'var');
    case 'call':
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
    case 'templatestring':
      return true;
    case 'array':
    case 'set':
      return t.items.some(requiresEval);
    case 'object':
      return t.entries.some((e) => requiresEval(e.key) || requiresEval(e.value));
    default:
      return false;
  }
}

/** OPA's name for the kind of a term (`var`, `ref`, `string`, `arraycomprehension`, ...). */
export function describeTermKind(term: Term): string {
  return term.type;
}

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Renders a rule reference the way OPA prints it in messages: `p`, `a.b["c d"][x]`. */
export function formatRef(ref: Ref): string {
  let out = '';
  ref.terms.forEach((t, i) => {
    if (i === 0) {
      out += t.type === 'var' ? t.name : `(${t.type})`;
    } else if (t.type === 'string' && typeof t.value === 'string' && SIMPLE_NAME.test(t.value)) {
      out += `.${t.value}`;
    } else if (t.type === 'string') {
      out += `[${JSON.stringify(t.value)}]`;
    } else if (t.type === 'var') {
      out += `[${t.name}]`;
    } else if (t.type === 'number' || t.type === 'boolean' || t.type === 'null') {
      out += `[${String(t.value)}]`;
    } else {
      out += `[${t.type}]`;
    }
  });
  return out;
}
