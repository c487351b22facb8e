/**
 * OPA's type checker over a compiled policy (v1/ast/check.go `CheckTypes` / `checkRule`): every
 * clause is checked with its input type, and each rule gets the union of its clauses' value
 * types (a partial set `set[T]`, a partial object `object[K: V]`, a function its result type),
 * which refs to the rule from any package then read. Rules are typed on demand, each once, a
 * dependency before its dependents as OPA's sorted order does; a rule reached again while it is
 * being typed (recursion, which the compiler rejects) or past a depth limit is `any`. A rule with
 * an error in any clause is `any`, as OPA stores it.
 */
import type { ClearanceError } from '../../errors';
import type { CElse, CRule, CTerm, RuleSet } from '../compile/ir';
import { type CheckContext, checkBody, checkHeadTerm, Scope } from './check-body';
import { A, objectOf, or, setOf, type Type } from './types';

/** What a clause is checked with: its input type (`skip` to type it without reporting its errors). */
export type InputFor = (clause: CRule) => Type | 'skip';

/** The `data` paths a clause's schema annotations type (`data.acl: schema.x`). */
export type DataFor = (clause: CRule) => ReadonlyArray<{ path: readonly string[]; type: Type }>;

/** Options of a check beyond the input types. */
export interface CheckOptions {
  /** Locations (`file:line:col`) where another stage already reported an error. */
  reported?: ReadonlySet<string>;
  /** Data schema annotations per clause. */
  dataFor?: DataFor;
  /** Called with each checked clause and its variables' types (tests read them). */
  onClause?: (clause: CRule | CElse, scope: Scope) => void;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  set?: RuleSet;
}

/** Most rules typed through nested dependencies before the rest read as `any` (keeps the stack bounded). */
const MAX_DEPTH = 200;

/** Type-checks every clause of `ruleSets`; returns OPA's type errors, ordered by location. */
export function checkRuleTypes(
  ruleSets: readonly RuleSet[],
  inputFor: InputFor,
  options: CheckOptions = {},
): ClearanceError[] {
  const { reported = new Set<string>(), dataFor, onClause } = options;
  const root: TrieNode = { children: new Map() };
  for (const set of ruleSets) {
    let node = root;
    for (const key of set.path) {
      let next = node.children.get(key);
      if (!next) {
        next = { children: new Map() };
        node.children.set(key, next);
      }
      node = next;
    }
    node.set = set;
  }
  const types = new Map<RuleSet, Type | 'pending'>();
  const errors: ClearanceError[] = [];
  let depth = 0;

  const ruleType = (set: RuleSet): Type => {
    const known = types.get(set);
    if (known === 'pending') return A;
    if (known) return known;
    if (depth >= MAX_DEPTH) return A;
    types.set(set, 'pending');
    depth++;
    const t = typeRuleSet(set);
    depth--;
    types.set(set, t);
    return t;
  };

  const dataType = (path: CTerm[]): { type: Type | undefined; rest: number } => {
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const p = path[i] as CTerm;
      if (p.t !== 'val' || typeof p.v !== 'string') return { type: A, rest: path.length };
      const next = node.children.get(p.v);
      if (!next) return { type: A, rest: path.length };
      node = next;
      if (node.set) {
        const t = node.set.kind === 'function' ? A : ruleType(node.set);
        return { type: t, rest: i + 1 };
      }
    }
    return { type: A, rest: path.length };
  };

  const functionResult = (path: string[]): Type => {
    let node: TrieNode | undefined = root;
    for (const key of path) node = node?.children.get(key);
    return node?.set?.kind === 'function' ? ruleType(node.set) : A;
  };

  /** Checks one clause; its value's type, `null` on an error, undefined when untyped. */
  const checkClause = (
    c: CRule | CElse,
    input: Type | 'skip',
    set: RuleSet,
    annotated: ReturnType<DataFor>,
  ): Type | null | undefined => {
    const typeOfData = (path: CTerm[]): ReturnType<CheckContext['dataType']> => {
      for (const d of annotated) {
        if (d.path.length > path.length) continue;
        const hit = d.path.every((k, i) => {
          const p = path[i] as CTerm;
          return p.t === 'val' && p.v === k;
        });
        if (hit) return { type: d.type, rest: d.path.length, annotated: true };
      }
      return dataType(path);
    };
    const ctx: CheckContext = {
      input: input === 'skip' ? A : input,
      dataType: annotated.length > 0 ? typeOfData : dataType,
      functionResult,
      reported,
    };
    const scope = new Scope();
    const found: ClearanceError[] = [];
    let ok = checkBody(c.body, scope, ctx, found);
    // A function argument the body does not type is `any`, as OPA infers it.
    if ('args' in c) for (const a of c.args ?? []) bindUntyped(a, scope);
    const head = (t: CTerm | undefined) => {
      const r = t === undefined ? undefined : checkHeadTerm(t, scope, ctx, found);
      if (r === null) ok = false;
      return r ?? undefined;
    };
    let t: Type | undefined;
    if (!('keyPath' in c)) t = head(c.value);
    else if (set.kind === 'set') {
      const m = head(c.member);
      t = m === undefined ? undefined : setOf(m);
    } else {
      const keys = c.keyPath.map(head);
      t = head(c.value);
      for (let i = keys.length - 1; i >= 0 && t !== undefined; i--) {
        const k = keys[i];
        t = k === undefined ? undefined : objectOf([], { key: k, v: t });
      }
    }
    if (input !== 'skip') errors.push(...found);
    onClause?.(c, scope);
    return ok ? t : null;
  };

  const typeRuleSet = (set: RuleSet): Type => {
    let t: Type | undefined;
    let failed = false;
    const clauses = set.default ? [...set.clauses, set.default] : set.clauses;
    for (const c of clauses) {
      const input = inputFor(c);
      const annotated = dataFor?.(c) ?? [];
      for (const branch of [c, ...c.elses]) {
        const bt = checkClause(branch, input, set, annotated);
        if (bt === null) failed = true;
        else if (bt !== undefined) t = merge(t, bt);
      }
    }
    return failed || t === undefined ? A : t;
  };

  for (const set of ruleSets) ruleType(set);
  return errors.sort((a, b) => {
    const x = a.location;
    const y = b.location;
    return (
      (x?.file ?? '').localeCompare(y?.file ?? '') ||
      (x?.start.line ?? 0) - (y?.start.line ?? 0) ||
      (x?.start.column ?? 0) - (y?.start.column ?? 0)
    );
  });
}

/**
 * OPA's `mergeTypes` (env.go), how a rule's clause types combine: sets union their element types,
 * objects without static properties merge their dynamic parts, anything else forms a union.
 */
function merge(a: Type | undefined, b: Type): Type {
  if (a === undefined) return b;
  if (a.k === 'set' && b.k === 'set') return setOf(or(a.of, b.of) ?? A);
  if (a.k === 'object' && b.k === 'object' && a.st.length === 0 && b.st.length === 0 && a.dyn && b.dyn) {
    return objectOf([], { key: or(a.dyn.key, b.dyn.key) ?? A, v: merge(a.dyn.v, b.dyn.v) });
  }
  const dynamicOnly = (t: Type) => t.k === 'object' && t.st.length === 0;
  if (
    (dynamicOnly(a) && b.k === 'any' && b.of.some(dynamicOnly)) ||
    (dynamicOnly(b) && a.k === 'any' && a.of.some(dynamicOnly))
  ) {
    // OPA widens the union's object in place here; not modelled, so nothing is assumed.
    return A;
  }
  return or(a, b) ?? A;
}

/** Types every variable of `t` still untyped in `scope` as `any`. */
function bindUntyped(t: CTerm, scope: Scope): void {
  if (t.t === 'var') {
    if (scope.get(t.slot) === undefined) scope.put(t.slot, A);
  } else if (t.t === 'array' || t.t === 'set') for (const x of t.items) bindUntyped(x, scope);
  else if (t.t === 'object') for (const entry of t.entries) for (const x of entry) bindUntyped(x, scope);
}
