/**
 * Partial rules at evaluation time: a set (`p contains x if ...`) or an object (`p[k] := v if ...`,
 * ref heads) built from every clause's solutions, or only the members under one key when the
 * caller looks one up (`p["alice"]`).
 */
import { formatPath } from '../compile/compile';
import type { ClauseOrigin, CTerm, RuleSet } from '../compile/ir';
import { equalValues, RegoObject, RegoSet, type Value } from '../value/value';
import type { Evaluator, Frame, K } from './eval';
import { conflict } from './eval-outputs';
import { runClause, selectClauses } from './eval-rules';
import { match } from './eval-unify';
import { anyUnknown, type EValue, Unknown } from './partial';
import { traceIndex } from './trace-hooks';

const TRUE_TERM: CTerm = { t: 'val', v: true };

/** True when a term can be matched before the body runs (a plain pattern). */
function isPattern(t: CTerm | undefined): t is CTerm {
  if (!t) return false;
  if (t.t === 'val' || t.t === 'var') return true;
  if (t.t === 'array') return t.items.every(isPattern);
  return false;
}

/** Evaluates a partial set rule (only members equal to `only` when given). */
export function evalSet(ev: Evaluator, set: RuleSet, only: Value | undefined): EValue {
  const out = new RegoSet();
  let conditional = false;
  const clauses = selectClauses(ev, set);
  if (ev.tracer) traceIndex(ev.tracer, set, clauses.length, false);
  for (const clause of clauses) {
    const member = clause.member ?? TRUE_TERM;
    const f: Frame = new Array(clause.nslots);
    const mark = ev.residuals.length;
    const produce: K = () =>
      runClause(ev, clause, f, () =>
        ev.evalTerm(member, f, (m) => {
          if (ev.residuals.length > mark || m instanceof Unknown) {
            conditional = true;
            return false;
          }
          if (only !== undefined) {
            if (!equalValues(m, only)) return false;
            out.add(m);
            return true;
          }
          out.add(m);
          return false;
        }),
      );
    if (only !== undefined && isPattern(member)) match(ev, member, only, f, produce);
    else produce();
    if (only !== undefined && out.size > 0) break;
  }
  if (conditional && !(only !== undefined && out.size > 0)) return new Unknown(formatPath(set.path));
  return out;
}

/** Evaluates an object-generating rule set (only the entry for `firstKey` when given). */
export function evalObject(ev: Evaluator, set: RuleSet, firstKey: Value | undefined): EValue {
  const out = new RegoObject();
  let conditional = false;
  const clauses = selectClauses(ev, set);
  if (ev.tracer) traceIndex(ev.tracer, set, clauses.length, false);
  for (const clause of clauses) {
    const f: Frame = new Array(clause.nslots);
    const mark = ev.residuals.length;
    const produce: K = () =>
      runClause(ev, clause, f, (vt, origin) =>
        ev.evalItems(clause.keyPath, f, (keys) =>
          ev.evalTerm(clause.member ?? vt, f, (leaf) => {
            if (ev.residuals.length > mark || leaf instanceof Unknown || anyUnknown(keys)) {
              conditional = true;
              return false;
            }
            if (firstKey !== undefined && !equalValues(keys[0] as Value, firstKey)) return false;
            insertPath(out, keys as Value[], leaf, clause.member !== undefined, origin);
            return false;
          }),
        ),
      );
    const first = clause.keyPath[0];
    if (firstKey !== undefined && isPattern(first)) match(ev, first, firstKey, f, produce);
    else produce();
  }
  return conditional ? new Unknown(formatPath(set.path)) : out;
}

/** Inserts a generated entry at a key path, creating objects and sets as needed. */
function insertPath(
  obj: RegoObject,
  keys: Value[],
  leaf: Value,
  member: boolean,
  origin: ClauseOrigin,
): void {
  let cur = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i] as Value;
    const next = cur.get(key);
    if (next === undefined) {
      const n = new RegoObject();
      cur.set(key, n);
      cur = n;
    } else if (next instanceof RegoObject) {
      cur = next;
    } else {
      conflict('object keys must be unique', origin);
    }
  }
  const last = keys[keys.length - 1] as Value;
  if (member) {
    let s = cur.get(last);
    if (s === undefined) {
      s = new RegoSet();
      cur.set(last, s);
    }
    if (!(s instanceof RegoSet)) conflict('object keys must be unique', origin);
    s.add(leaf);
    cur.set(last, s);
    return;
  }
  const existing = cur.get(last);
  if (existing !== undefined && !equalValues(existing, leaf)) conflict('object keys must be unique', origin);
  cur.set(last, leaf);
}
