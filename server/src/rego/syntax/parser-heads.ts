/**
 * Facts about rule heads the rule parser works out after reading one: what kind of rule the head
 * defines, v0's `p[x]` set heads, non-constant default values, and fresh names for wildcards.
 */
import { isGround } from '../compile/term-facts';
import type { RuleHead, RuleKind, Term } from './ast';

/** What a rule defines, from its head. */
export function classify(head: RuleHead, v0Set: boolean): RuleKind {
  if (head.args) return 'function';
  if (head.assign === 'contains' || v0Set) return 'partialset';
  if (head.ref.terms.slice(1).some((t) => !isGround(t))) return 'partialobject';
  return 'complete';
}

/** v0's `p[x]` (no value) defines the set `p` holding `x`. */
export function convertV0SetHead(head: RuleHead): RuleHead {
  const [name, key] = head.ref.terms as [Term, Term];
  return {
    ref: { type: 'ref', terms: [name], location: name.location },
    key,
    assign: 'contains',
    location: head.location,
  };
}

/** The first kind of non-constant (`var`, `ref`, `call`) in a default value, outside comprehensions. */
export function findNonConstant(term: Term): string | undefined {
  switch (term.type) {
    case 'var':
    case 'ref':
    case 'call':
      return term.type;
    case 'array':
    case 'set':
      for (const item of term.items) {
        const bad = findNonConstant(item);
        if (bad) return bad;
      }
      return undefined;
    case 'object':
      for (const { key, value } of term.entries) {
        const bad = findNonConstant(key) ?? findNonConstant(value);
        if (bad) return bad;
      }
      return undefined;
    case 'templatestring':
      for (const part of term.parts) {
        const bad = typeof part === 'string' ? undefined : findNonConstant(part);
        if (bad) return bad;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Gives every generated wildcard variable inside `term` a new name. */
export function renameWildcards(term: Term, fresh: () => string): void {
  switch (term.type) {
    case 'var':
      if (term.generated) term.name = fresh();
      return;
    case 'ref':
      for (const t of term.terms) renameWildcards(t, fresh);
      return;
    case 'array':
    case 'set':
      for (const t of term.items) renameWildcards(t, fresh);
      return;
    case 'object':
      for (const e of term.entries) {
        renameWildcards(e.key, fresh);
        renameWildcards(e.value, fresh);
      }
      return;
    case 'call':
      for (const t of term.args) renameWildcards(t, fresh);
      return;
    default:
      return;
  }
}
