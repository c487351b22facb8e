/**
 * The compiler's type-check stage: calls to builtins whose arguments have types known without
 * evaluating (literals, collection literals, comprehensions, template strings, results of other
 * builtins) are checked against the builtin's declared signature. A mismatch is a
 * `rego_type_error` worded as OPA's type checker words it (`count: invalid argument(s)`, then the
 * `have:` and `want:` lines). Every call of every rule is checked; all errors are reported.
 */
import type { ClearanceError } from '../../errors';
import type { BuiltinDef, BuiltinParam } from '../builtins/registry';
import { typeNameOf } from '../value/value';
import type { CBody, CElse, CExpr, CRule, CTerm, RuleSet } from './ir';

/** The top-level kinds of value OPA's types distinguish. */
type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'set' | 'object';

const ALL_KINDS: readonly Kind[] = ['string', 'number', 'boolean', 'null', 'array', 'set', 'object'];

/** Splits `a, b<c, d>, e[f]` at its top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '[') depth++;
    else if (c === '>' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** The kinds a declared type (OPA's notation: `any<string, array[string]>`) admits. */
export function kindsOfType(type: string): readonly Kind[] {
  const t = type.trim();
  if (t.startsWith('any<') && t.endsWith('>')) {
    const kinds = new Set<Kind>();
    for (const part of splitTopLevel(t.slice(4, -1))) for (const k of kindsOfType(part)) kinds.add(k);
    return [...kinds];
  }
  const head = /^[a-z]+/.exec(t)?.[0] ?? 'any';
  return (ALL_KINDS as readonly string[]).includes(head) ? [head as Kind] : ALL_KINDS;
}

/** The kind of a term when it is known without evaluating, else undefined. */
function staticKind(t: CTerm): Kind | undefined {
  switch (t.t) {
    case 'val':
      return typeNameOf(t.v) as Kind;
    case 'array':
    case 'acomp':
      return 'array';
    case 'set':
    case 'scomp':
      return 'set';
    case 'object':
    case 'ocomp':
      return 'object';
    case 'template':
      return 'string';
    case 'call': {
      if (t.target.k !== 'builtin' || t.target.def.relation) return undefined;
      const kinds = kindsOfType(t.target.def.signature.result.type);
      return kinds.length === 1 ? kinds[0] : undefined;
    }
    default:
      return undefined;
  }
}

/** OPA's `want:` line for a builtin: its parameters and result, `(name: type, ...)`. */
export function signatureText(def: BuiltinDef): string {
  const params = def.signature.variadic
    ? [...def.signature.args, def.signature.variadic]
    : def.signature.args;
  return `(${[...params, def.signature.result].map((p) => `${p.name}: ${p.type}`).join(', ')})`;
}

/** OPA's `have:` line: the argument types known statically, `???` for the others. */
export function argumentTypesText(args: CTerm[]): string {
  return `(${args.map((a) => staticKind(a) ?? '???').join(', ')})`;
}

/** The declared parameter an argument position corresponds to. */
function paramAt(def: BuiltinDef, i: number): BuiltinParam | undefined {
  return def.signature.args[i] ?? def.signature.variadic;
}

/** Checks one builtin call's known argument types. */
function checkCall(t: Extract<CTerm, { t: 'call' }>, errors: ClearanceError[]): void {
  if (t.target.k !== 'builtin') return;
  const def = t.target.def;
  // A call with the wrong number of arguments is reported once, by the arity check.
  if (def.signature.variadic === undefined && t.args.length !== def.signature.args.length) return;
  const mismatch = t.args.some((a, i) => {
    const kind = staticKind(a);
    const p = paramAt(def, i);
    return kind !== undefined && p !== undefined && !kindsOfType(p.type).includes(kind);
  });
  if (!mismatch) return;
  errors.push({
    code: 'rego_type_error',
    message: `${def.name}: invalid argument(s)\n\thave: ${argumentTypesText(t.args)}\n\twant: ${signatureText(def)}`,
    location: t.loc,
  });
}

/** The terms directly inside a term. */
function childTerms(t: CTerm): CTerm[] {
  switch (t.t) {
    case 'ref':
      return [t.head, ...t.path];
    case 'array':
    case 'set':
      return t.items;
    case 'object':
      return t.entries.flat();
    case 'call':
      return t.args;
    case 'template':
      return t.parts.filter((p): p is CTerm => typeof p !== 'string');
    case 'acomp':
    case 'scomp':
      return [t.term];
    case 'ocomp':
      return [t.key, t.value];
    default:
      return [];
  }
}

/** Checks every call in a term, including inside comprehension bodies. */
function checkTerm(t: CTerm, errors: ClearanceError[]): void {
  if (t.t === 'call') checkCall(t, errors);
  if (t.t === 'acomp' || t.t === 'scomp' || t.t === 'ocomp') checkBody(t.body, errors);
  for (const c of childTerms(t)) checkTerm(c, errors);
}

/** The terms and nested bodies of an expression. */
function exprParts(e: CExpr): { terms: CTerm[]; bodies: CBody[] } {
  const withTerms = (e.withs ?? []).map((w) => w.value);
  switch (e.e) {
    case 'term':
      return { terms: [e.term, ...withTerms], bodies: [] };
    case 'unify':
      return { terms: [e.left, e.right, ...withTerms], bodies: [] };
    case 'somein':
      return { terms: [...(e.key ? [e.key] : []), e.value, e.coll, ...withTerms], bodies: [] };
    case 'every':
      return { terms: [e.coll, ...withTerms], bodies: [e.body] };
    case 'not':
      return { terms: withTerms, bodies: [e.body] };
    case 'logic':
      return { terms: withTerms, bodies: e.operands };
    default:
      return { terms: withTerms, bodies: [] };
  }
}

/** Checks every call in a body. */
export function checkBody(b: CBody, errors: ClearanceError[]): void {
  for (const e of b.exprs) {
    const { terms, bodies } = exprParts(e);
    for (const t of terms) checkTerm(t, errors);
    for (const inner of bodies) checkBody(inner, errors);
  }
}

/** Checks a clause or `else` branch. */
function checkClause(c: CRule | CElse, errors: ClearanceError[]): void {
  checkBody(c.body, errors);
  if (c.value) checkTerm(c.value, errors);
  if ('keyPath' in c) {
    for (const k of c.keyPath) checkTerm(k, errors);
    if (c.member) checkTerm(c.member, errors);
    for (const e of c.elses) checkClause(e, errors);
  }
}

/** Type-checks the builtin calls of every rule, appending a `rego_type_error` for each mismatch. */
export function checkTypes(ruleSets: RuleSet[], errors: ClearanceError[]): void {
  for (const set of ruleSets) {
    for (const c of set.clauses) checkClause(c, errors);
    if (set.default) checkClause(set.default, errors);
  }
}
