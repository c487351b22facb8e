/**
 * The recursion check, one of the compiler's stages: a rule that depends on itself, through other
 * rules or directly, is a `rego_recursion_error`, as in OPA. A data ref depends on every rule it may
 * read: the rules on its path, and all rules below its end (a package, or a variable key).
 */
import type { ClearanceError } from '../../errors';
import type { CElse, CRule, CTerm, RuleSet } from './ir';

/** Reports `rego_recursion_error` for every cycle among rules. */
export function checkRecursion(ruleSets: RuleSet[], errors: ClearanceError[]): void {
  // A trie of rule set paths answers each ref in time proportional to what it matches: comparing
  // every ref with every rule set took seconds on a policy of a few thousand rules.
  const trie = buildPathTrie(ruleSets);
  const deps = new Map<RuleSet, Set<RuleSet>>();
  for (const set of ruleSets) {
    const out = new Set<RuleSet>();
    const clauses = set.default ? [...set.clauses, set.default] : set.clauses;
    for (const c of clauses) for (const r of clauseRefs(c)) matchPattern(trie, r, 0, out);
    deps.set(set, out);
  }
  const index = new Map<RuleSet, number>();
  const low = new Map<RuleSet, number>();
  const onStack = new Set<RuleSet>();
  const stack: RuleSet[] = [];
  let counter = 0;
  const reported = new Set<RuleSet>();
  const visit = (v: RuleSet): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of deps.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: RuleSet[] = [];
      let w: RuleSet | undefined;
      do {
        w = stack.pop() as RuleSet;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      const cyclic = scc.length > 1 || deps.get(v)?.has(v);
      if (cyclic) {
        for (const s of scc) {
          if (reported.has(s)) continue;
          reported.add(s);
          const cycle = [...scc].reverse().map((x) => `data.${x.path.join('.')}`);
          const name = `data.${s.path.join('.')}`;
          const clause = s.clauses[0] ?? s.default;
          const err: ClearanceError = {
            code: 'rego_recursion_error',
            message: `rule ${name} is recursive: ${[...cycle, cycle[0]].join(' -> ')}`,
          };
          if (clause) err.location = clause.origin.location;
          errors.push(err);
        }
      }
    }
  };
  for (const s of ruleSets) if (!index.has(s)) visit(s);
}

/** Rule sets by path segment: the sets whose path ends at a node, and its children. */
interface PathTrie {
  sets: RuleSet[];
  children: Map<string, PathTrie>;
  /** Every set at or below this node, gathered on first use. */
  below?: RuleSet[];
}

/** The trie of the rule sets' paths. */
function buildPathTrie(ruleSets: RuleSet[]): PathTrie {
  const root: PathTrie = { sets: [], children: new Map() };
  for (const set of ruleSets) {
    let node = root;
    for (const key of set.path) {
      let child = node.children.get(key);
      if (!child) {
        child = { sets: [], children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
    node.sets.push(set);
  }
  return root;
}

/** Every rule set at or below `node`. */
function setsBelow(node: PathTrie): RuleSet[] {
  if (!node.below) {
    const all = [...node.sets];
    for (const child of node.children.values()) all.push(...setsBelow(child));
    node.below = all;
  }
  return node.below;
}

/**
 * Adds to `out` each rule set a data ref with this pattern may read (null: any key): the sets on
 * the pattern's path (a ref into a rule's value) and every set below its end (a ref to a package).
 */
function matchPattern(node: PathTrie, pattern: Array<string | null>, i: number, out: Set<RuleSet>): void {
  if (i === pattern.length) {
    for (const s of setsBelow(node)) out.add(s);
    return;
  }
  for (const s of node.sets) out.add(s);
  const key = pattern[i];
  if (key === null) {
    for (const child of node.children.values()) matchPattern(child, pattern, i + 1, out);
    return;
  }
  const child = key === undefined ? undefined : node.children.get(key);
  if (child) matchPattern(child, pattern, i + 1, out);
}

/** Each compiled clause's ref patterns: a clause kept between compilations is not walked again. */
const refsByClause = new WeakMap<CRule, Array<Array<string | null>>>();

function clauseRefs(c: CRule): Array<Array<string | null>> {
  let refs = refsByClause.get(c);
  if (!refs) {
    refs = [];
    collectClauseRefs(c, refs);
    refsByClause.set(c, refs);
  }
  return refs;
}

/** Collects the key patterns of every data ref and user function a clause reads. */
function collectClauseRefs(c: CRule | CElse, out: Array<Array<string | null>>): void {
  const visitTerm = (t: CTerm): void => {
    switch (t.t) {
      case 'ref': {
        if (t.head.t === 'root' && t.head.which === 'data') {
          out.push(t.path.map((p) => (p.t === 'val' && typeof p.v === 'string' ? p.v : null)));
        } else visitTerm(t.head);
        for (const p of t.path) visitTerm(p);
        return;
      }
      case 'array':
      case 'set':
        for (const i of t.items) visitTerm(i);
        return;
      case 'object':
        for (const [k, v] of t.entries) {
          visitTerm(k);
          visitTerm(v);
        }
        return;
      case 'call':
        if (t.target.k === 'func') out.push(t.target.path);
        for (const a of t.args) visitTerm(a);
        return;
      case 'template':
        for (const p of t.parts) if (typeof p !== 'string') visitTerm(p);
        return;
      case 'acomp':
      case 'scomp':
        visitBody(t.body);
        visitTerm(t.term);
        return;
      case 'ocomp':
        visitBody(t.body);
        visitTerm(t.key);
        visitTerm(t.value);
        return;
      default:
        return;
    }
  };
  const visitBody = (b: CRule['body']): void => {
    for (const e of b.exprs) {
      for (const w of e.withs ?? []) {
        visitTerm(w.value);
        if (w.fnValue?.k === 'func') out.push(w.fnValue.path);
      }
      switch (e.e) {
        case 'term':
          visitTerm(e.term);
          break;
        case 'unify':
          visitTerm(e.left);
          visitTerm(e.right);
          break;
        case 'somein':
          if (e.key) visitTerm(e.key);
          visitTerm(e.value);
          visitTerm(e.coll);
          break;
        case 'every':
          visitTerm(e.coll);
          visitBody(e.body);
          break;
        case 'not':
          visitBody(e.body);
          break;
        case 'logic':
          for (const b of e.operands) visitBody(b);
          break;
        default:
          break;
      }
    }
  };
  visitBody(c.body);
  if (c.value) visitTerm(c.value);
  if ('keyPath' in c) {
    for (const k of c.keyPath) visitTerm(k);
    if (c.member) visitTerm(c.member);
    for (const e of c.elses) collectClauseRefs(e, out);
  }
}
