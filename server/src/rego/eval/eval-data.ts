/**
 * The data document at evaluation time: walking `data` through the rule tree and the base
 * documents, with `with data...` replacements, asking eval-rules.ts for the rules met on the way.
 */

import { formatPath } from '../compile/compile';
import type { CTerm, RuleNode } from '../compile/ir';
import { equalValues, keyOf, RegoObject, RegoSet, type Value } from '../value/value';
import type { DataOverride, Evaluator, Frame, VK } from './eval';
import { directValue, NOT_DIRECT } from './eval-direct';
import { evalKey, lookupKey, setPath, walkValue } from './eval-refs';
import { evalRuleSetKey, evalRuleSetValue } from './eval-rules';
import { EvalHalt } from './limits';
import { type EValue, Unknown } from './partial';

/** Evaluates `data` followed by `path`. */
export function evalDataRef(ev: Evaluator, path: CTerm[], f: Frame, k: VK): boolean {
  const tr = ev.tracer;
  if (tr === undefined) return walkData(ev, ev.policy.root, ev.ctx.data, [], path, 0, f, k);
  // A rule's events after its first value follow the caller's continuation, as in OPA.
  const mark = tr.deferredMark();
  const stop = walkData(ev, ev.policy.root, ev.ctx.data, [], path, 0, f, k);
  tr.flushDeferred(mark, stop);
  return stop;
}

/** Walks the rule tree and base data in step. */
function walkData(
  ev: Evaluator,
  node: RuleNode | undefined,
  base: Value | undefined,
  abs: Value[],
  path: CTerm[],
  i: number,
  f: Frame,
  k: VK,
): boolean {
  const overrides = ev.ctx.dataOverrides;
  if (overrides.length > 0) {
    const ov = findOverride(overrides, abs);
    if (ov) return walkValue(ev, ov.value, path, i, f, k);
  }
  if (!node && (overrides.length === 0 || !overrideBelow(overrides, abs))) {
    return base === undefined ? false : walkValue(ev, base, path, i, f, k);
  }
  const p = path[i];
  if (node?.rules) {
    const set = node.rules;
    if (set.kind === 'function') return false;
    if (
      p &&
      node.children.size === 0 &&
      (set.kind === 'set' || set.kind === 'object') &&
      !ev.ctx.cache?.has(set)
    ) {
      const key = p.t === 'val' ? p.v : p.t === 'var' ? f[p.slot] : undefined;
      if (key !== undefined && !(key instanceof Unknown)) {
        const v = evalRuleSetKey(ev, set, key);
        return v === undefined ? false : walkValue(ev, v, path, i + 1, f, k);
      }
    }
    const v = nodeValue(ev, node, base, abs);
    return v === undefined ? false : walkValue(ev, v, path, i, f, k);
  }
  if (p === undefined) {
    const v = nodeValue(ev, node, base, abs);
    return v === undefined ? false : k(v);
  }
  if (p.t === 'val') return walkDataKey(ev, node, base, abs, p.v, path, i, f, k);
  if (p.t === 'var' && f[p.slot] !== undefined) {
    return walkDataKey(ev, node, base, abs, f[p.slot] as EValue, path, i, f, k);
  }
  if (p.t !== 'var' && ev.unknowns === undefined) {
    const direct = directValue(ev, p, f);
    if (direct === undefined) return false;
    if (direct !== NOT_DIRECT) return walkDataKey(ev, node, base, abs, direct, path, i, f, k);
  }
  return evalKey(
    ev,
    p,
    f,
    (key) => walkDataKey(ev, node, base, abs, key, path, i, f, k),
    childKeys(node, base),
  );
}

/** Walks on from the rule-tree node (or base document) under `key`, the value of `path[i]`. */
function walkDataKey(
  ev: Evaluator,
  node: RuleNode | undefined,
  base: Value | undefined,
  abs: Value[],
  key: EValue,
  path: CTerm[],
  i: number,
  f: Frame,
  k: VK,
): boolean {
  if (key instanceof Unknown) return false;
  const overrides = ev.ctx.dataOverrides;
  const child = node?.children.get(keyOf(key));
  const baseChild = base === undefined ? undefined : lookupKey(base, key);
  if (child === undefined && overrides.length === 0) {
    // Only base data below: walk it as a value (what walkData would do one level down).
    return baseChild === undefined ? false : walkValue(ev, baseChild, path, i + 1, f, k);
  }
  const nextAbs = [...abs, key];
  if (!child && baseChild === undefined && !(overrides.length > 0 && overrideBelow(overrides, nextAbs))) {
    return false;
  }
  return walkData(ev, child?.node, baseChild, nextAbs, path, i + 1, f, k);
}

/** The keys under a node: its children's and the base document's. */
function childKeys(node: RuleNode | undefined, base: Value | undefined): Value {
  const s = new RegoSet();
  if (node) for (const c of node.children.values()) s.add(c.key);
  if (base instanceof RegoObject) for (const k of base.keys()) s.add(k);
  return s;
}

/** The override whose path is exactly `abs` (latest wins). */
function findOverride(overrides: readonly DataOverride[], abs: Value[]) {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i] as { path: Value[]; value: EValue };
    if (o.path.length === abs.length && o.path.every((p, j) => equalValues(p, abs[j] as Value))) return o;
  }
  return undefined;
}

/** True when some override lies at or below `abs`. */
function overrideBelow(overrides: readonly DataOverride[], abs: Value[]): boolean {
  return overrides.some(
    (o) => o.path.length >= abs.length && abs.every((p, j) => equalValues(p, o.path[j] as Value)),
  );
}

/** The whole value of a node: base data merged with its rules and children. */
function nodeValue(
  ev: Evaluator,
  node: RuleNode | undefined,
  base: Value | undefined,
  abs: Value[],
): EValue | undefined {
  let out: EValue | undefined;
  if (!node) {
    out = base;
  } else if (node.rules && node.children.size === 0) {
    out = evalRuleSetValue(ev, node.rules);
  } else {
    const obj = new RegoObject();
    if (base instanceof RegoObject) for (const [k, v] of base.entries()) obj.set(k, v);
    if (node.rules) {
      const v = evalRuleSetValue(ev, node.rules);
      if (v instanceof Unknown) return v;
      if (v instanceof RegoObject) for (const [k, x] of v.entries()) obj.set(k, x);
    }
    for (const c of node.children.values()) {
      const baseChild = base instanceof RegoObject ? base.get(c.key) : undefined;
      // Like OPA, a base document shadows a rule of the same name when the whole tree is read.
      if (baseChild !== undefined && c.node.rules && c.node.children.size === 0) continue;
      const cv = nodeValue(ev, c.node, baseChild, [...abs, c.key]);
      if (cv instanceof Unknown) return new Unknown(formatPath(abs));
      if (cv === undefined) continue;
      const existing = node.rules ? obj.get(c.key) : undefined;
      if (existing !== undefined && !equalValues(existing, cv)) {
        throw new EvalHalt(
          'eval_conflict_error',
          `object keys must be unique: ${formatPath([...abs, c.key])}`,
        );
      }
      obj.set(c.key, cv);
    }
    out = obj;
  }
  const overrides = ev.ctx.dataOverrides;
  if (overrides.length > 0) {
    for (const o of overrides) {
      if (o.path.length > abs.length && abs.every((p, j) => equalValues(p, o.path[j] as Value))) {
        // `with data.a.b.c as 1` where nothing is at data.a.b makes it `{"c": 1}`, as in OPA.
        out = setPath(out ?? new RegoObject(), o.path.slice(abs.length), o.value);
      }
    }
  }
  return out;
}
