/**
 * Constant terms: scalar values of AST literals, dotted names of refs, and whole constant terms
 * (used for folding literals and for reading Rego-syntax values such as `input_term`).
 */
import type * as ast from '../syntax/ast';
import { parseNumber } from '../value/number';
import { RegoObject, RegoSet, type Value } from '../value/value';
import type { CTerm } from './ir';

/** Folds an array of constants into one constant. */
export function constantArray(items: CTerm[]): CTerm | undefined {
  const values: Value[] = [];
  for (const i of items) {
    if (i.t !== 'val') return undefined;
    values.push(i.v);
  }
  return { t: 'val', v: values };
}

/** The value of a scalar term, or undefined for non-scalars. */
export function scalarValue(term: ast.Term): Value | undefined {
  switch (term.type) {
    case 'null':
      return null;
    case 'boolean':
      return term.value === true;
    case 'string':
      return String(term.value);
    case 'number':
      return parseNumber(String(term.value));
    default:
      return undefined;
  }
}

/** `a.b.c` as ["a", "b", "c"] when every part after the head is a string; else undefined. */
export function refParts(ref: ast.Ref): string[] | undefined {
  const [head, ...rest] = ref.terms;
  if (head?.type !== 'var') return undefined;
  const out = [head.name];
  for (const t of rest) {
    if (t.type !== 'string') return undefined;
    out.push(String(t.value));
  }
  return out;
}

/** The dotted name of a ref (`io.jwt.decode`), or undefined. */
export function refName(ref: ast.Ref): string | undefined {
  return refParts(ref)?.join('.');
}

/** Converts a constant AST term to a value (used for defaults of `input_term` and similar). */
export function constantValue(term: ast.Term): Value | undefined {
  switch (term.type) {
    case 'array': {
      const out: Value[] = [];
      for (const t of term.items) {
        const v = constantValue(t);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case 'set': {
      const s = new RegoSet();
      for (const t of term.items) {
        const v = constantValue(t);
        if (v === undefined) return undefined;
        s.add(v);
      }
      return s;
    }
    case 'object': {
      const o = new RegoObject();
      for (const e of term.entries) {
        const k = constantValue(e.key);
        const v = constantValue(e.value);
        if (k === undefined || v === undefined) return undefined;
        o.set(k, v);
      }
      return o;
    }
    case 'call':
      if (term.operator.terms.length === 1 && refName(term.operator) === 'set' && term.args.length === 0) {
        return new RegoSet();
      }
      if (term.infix === '-' && term.args.length === 1) return undefined;
      return undefined;
    default:
      return scalarValue(term);
  }
}
