/**
 * Rule indexing, as OPA does it: for a rule with many clauses, the clauses whose body requires
 * `input.<path> == <constant>` (or `glob.match(<pattern>, <delimiters>, input.<path>)`) are filed
 * under that constant (or in a trie of the pattern's segments), so evaluating the rule reads the
 * input once and runs only the clauses that can hold. An index only ever leaves out clauses whose
 * indexed condition is false for the input, so it never changes an answer.
 */

import { keyOf, RegoObject, type Value } from '../value/value';
import type { CExpr, CRule, CTerm, RuleSet } from './ir';

/** Below this many clauses a rule is cheaper to evaluate clause by clause than to index. */
const minIndexedClauses = 8;

/** Segments of glob patterns, and the clauses whose pattern ends at each node. */
interface GlobNode {
  literal: Map<string, GlobNode>;
  star?: GlobNode;
  clauses: number[];
}

/** The index of one rule set: one input path, its constants and its glob patterns. */
export interface RuleIndex {
  /** The input path every indexed condition tests (`["user", "id"]` for `input.user.id`). */
  path: Value[];
  /** Clauses by the key (`keyOf`) of the constant their equality requires. */
  byValue: Map<string, number[]>;
  /** Glob patterns, split at `delimiters`, for clauses with an indexable `glob.match`. */
  globs?: { delimiters: string; root: GlobNode };
  /** Clauses without an indexed condition: always candidates. */
  always: number[];
}

const indexes = new WeakMap<RuleSet, RuleIndex | null>();

/** The index of a rule set, built on first use; null when it has too few clauses or no indexable condition. */
export function selectRuleIndex(set: RuleSet): RuleIndex | null {
  let index = indexes.get(set);
  if (index === undefined) {
    index =
      set.clauses.length >= minIndexedClauses && set.kind !== 'function' ? buildIndex(set.clauses) : null;
    indexes.set(set, index);
  }
  return index;
}

/**
 * The clauses of `set` that can hold when the input has `value` at the index's path, in source
 * order. `value` undefined means there is none; clauses that require one are then left out.
 */
export function selectCandidates(set: RuleSet, index: RuleIndex, value: Value | undefined): CRule[] {
  const picked: number[][] = [index.always];
  if (value !== undefined) {
    const equal = index.byValue.get(keyOf(value));
    if (equal) picked.push(equal);
    if (index.globs && typeof value === 'string') collectGlobMatches(index.globs, value, picked);
  }
  const ids = picked.length === 1 ? index.always : [...new Set(picked.flat())].sort((a, b) => a - b);
  return ids.map((i) => set.clauses[i] as CRule);
}

/** Builds the index on the input path most clauses test, if any. */
function buildIndex(clauses: CRule[]): RuleIndex | null {
  const conditions = clauses.map((c) => (c.elses.length > 0 ? [] : findConditions(c.body.exprs)));
  const counts = new Map<string, { path: Value[]; n: number }>();
  for (const cs of conditions) {
    for (const key of new Set(cs.map((c) => c.pathKey))) {
      const entry = counts.get(key) ?? { path: cs.find((c) => c.pathKey === key)?.path ?? [], n: 0 };
      entry.n++;
      counts.set(key, entry);
    }
  }
  let best: { key: string; path: Value[]; n: number } | undefined;
  for (const [key, e] of counts) if (!best || e.n > best.n) best = { key, ...e };
  if (!best || best.n < 2) return null;
  const index: RuleIndex = { path: best.path, byValue: new Map(), always: [] };
  conditions.forEach((cs, i) => {
    const mine = cs.filter((c) => c.pathKey === best.key);
    const eq = mine.find((c) => c.kind === 'eq');
    if (eq?.kind === 'eq') {
      const key = keyOf(eq.value);
      const list = index.byValue.get(key) ?? [];
      list.push(i);
      index.byValue.set(key, list);
      return;
    }
    for (const g of mine) {
      if (g.kind !== 'glob') continue;
      index.globs ??= { delimiters: g.delimiters, root: newGlobNode() };
      if (index.globs.delimiters !== g.delimiters) continue;
      insertGlob(index.globs.root, g.segments, i);
      return;
    }
    index.always.push(i);
  });
  return index;
}

/** An indexable condition of a clause body. */
type Condition = { pathKey: string; path: Value[] } & (
  | { kind: 'eq'; value: Value }
  | { kind: 'glob'; delimiters: string; segments: string[] }
);

/** The indexable conditions among a body's top-level expressions. */
function findConditions(exprs: CExpr[]): Condition[] {
  const out: Condition[] = [];
  for (const e of exprs) {
    if (e.withs) continue;
    if (e.e === 'unify') {
      addEquality(out, e.left, e.right);
      addEquality(out, e.right, e.left);
    } else if (e.e === 'term' && e.term.t === 'call' && e.term.target.k === 'builtin') {
      const [a, b, c] = e.term.args;
      if (e.term.name === 'equal' && a && b && e.term.args.length === 2) {
        addEquality(out, a, b);
        addEquality(out, b, a);
      } else if (e.term.name === 'glob.match' && a && b && c) {
        addGlob(out, a, b, c);
      }
    }
  }
  return out;
}

function addEquality(out: Condition[], ref: CTerm, constant: CTerm): void {
  const path = inputPath(ref);
  if (path && constant.t === 'val')
    out.push({ kind: 'eq', pathKey: pathKeyOf(path), path, value: constant.v });
}

/** Indexes `glob.match(pattern, delimiters, input.x)` when every segment of the pattern is literal or `*`. */
function addGlob(out: Condition[], pattern: CTerm, delims: CTerm, ref: CTerm): void {
  const path = inputPath(ref);
  if (!path || pattern.t !== 'val' || typeof pattern.v !== 'string' || delims.t !== 'val') return;
  if (!Array.isArray(delims.v) || !delims.v.every((d) => typeof d === 'string' && !/[*?[\]{}\\]/.test(d)))
    return;
  // As glob.match reads them: an empty list means ".", and every character of a delimiter counts.
  const chars = [...new Set((delims.v.length === 0 ? ['.'] : (delims.v as string[])).join(''))]
    .sort()
    .join('');
  const segments = splitAt(pattern.v, chars);
  if (!segments.every((s) => s === '*' || !/[*?[\]{}\\]/.test(s))) return;
  out.push({ kind: 'glob', pathKey: pathKeyOf(path), path, delimiters: chars, segments });
}

/** The ground path of an `input.a.b` ref, or undefined for anything else. */
function inputPath(t: CTerm): Value[] | undefined {
  if (t.t !== 'ref' || t.head.t !== 'root' || t.head.which !== 'input') return undefined;
  const path: Value[] = [];
  for (const p of t.path) {
    if (p.t !== 'val' || typeof p.v !== 'string') return undefined;
    path.push(p.v);
  }
  return path.length > 0 ? path : undefined;
}

function pathKeyOf(path: Value[]): string {
  return JSON.stringify(path);
}

/** The value at `path` under `input`, or undefined. */
export function lookupPath(input: Value, path: Value[]): Value | undefined {
  let cur: Value | undefined = input;
  for (const key of path) {
    if (!(cur instanceof RegoObject)) return undefined;
    cur = cur.get(key);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function splitAt(text: string, delimiters: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (delimiters.includes(text[i] as string)) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function newGlobNode(): GlobNode {
  return { literal: new Map(), clauses: [] };
}

function insertGlob(root: GlobNode, segments: string[], clause: number): void {
  let node = root;
  for (const s of segments) {
    if (s === '*') {
      node.star ??= newGlobNode();
      node = node.star;
    } else {
      let next = node.literal.get(s);
      if (!next) {
        next = newGlobNode();
        node.literal.set(s, next);
      }
      node = next;
    }
  }
  node.clauses.push(clause);
}

/** Adds the clauses whose pattern matches `value` segment by segment (a `*` matches one whole segment). */
function collectGlobMatches(
  globs: { delimiters: string; root: GlobNode },
  value: string,
  out: number[][],
): void {
  const segments = splitAt(value, globs.delimiters);
  const walk = (node: GlobNode, i: number): void => {
    if (i === segments.length) {
      if (node.clauses.length > 0) out.push(node.clauses);
      return;
    }
    const next = node.literal.get(segments[i] as string);
    if (next) walk(next, i + 1);
    if (node.star) walk(node.star, i + 1);
  };
  walk(globs.root, 0);
}
