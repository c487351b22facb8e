/**
 * OPA's ref checker (v1/ast/check.go `refChecker`): walks a ref through the type of its head,
 * binding the variables it iterates with to the keys' type, and reports OPA's `undefined ref`
 * (`RefErrInvalidDetail` / `RefErrUnsupportedDetail` lines) where a key is not in the type or a
 * value cannot be dereferenced.
 */
import type { CTerm } from '../compile/ir';
import { type Run, report, type Scope, typeOf, unify1 } from './check-body';
import {
  A,
  compareKeys,
  isNil,
  type Key,
  keyOfValue,
  keys,
  select,
  sprint,
  type Type,
  unifies,
  values,
} from './types';

/** Binds the variables a ref iterates with (OPA's `checkRef` / `checkRefLeaf`); false on a ref error. */
export function checkRefVars(ref: Extract<CTerm, { t: 'ref' }>, scope: Scope, run: Run): boolean {
  const h = ref.head;
  let cur: Type | undefined;
  let start = 0;
  // OPA reports a ref error on every ref; here only where the type is the schema's or a local
  // value's (rule types read through `data` are not reported on).
  let annotated = true;
  if (h.t === 'root' && h.which === 'input') cur = run.ctx.input;
  else if (h.t === 'root') {
    const found = run.ctx.dataType(ref.path);
    for (const p of ref.path.slice(0, found.rest)) if (p.t !== 'val') unify1(p, A, scope, run, false);
    cur = found.type ?? A;
    start = found.rest;
    annotated = found.annotated === true;
  } else if (h.t === 'var') {
    cur = scope.get(h.slot);
    if (cur === undefined) {
      scope.put(h.slot, A);
      cur = A;
    }
  } else cur = typeOf(h, scope, run) ?? A;
  for (let i = start; i < ref.path.length; i++) {
    const p = ref.path[i] as CTerm;
    const k = keys(cur);
    if (k === undefined) {
      if (annotated && !isNil(cur)) refError(ref, i, run, `have: ${sprint(cur)}`, true);
      return false;
    }
    if (p.t === 'val' && keyOfValue(p.v) !== undefined) {
      const key = keyOfValue(p.v) as Key;
      const next = select(cur, key);
      if (next === undefined) {
        if (annotated && !isNil(cur))
          refError(ref, i, run, `have: ${keyText(key)}\n\t{pad}${wantText(cur, k)}`);
        return false;
      }
      cur = next;
      continue;
    }
    if (p.t === 'var') {
      const exist = scope.get(p.slot);
      if (exist !== undefined) {
        if (!unifies(exist, k)) {
          if (annotated && !isNil(cur) && !isNil(exist))
            refError(ref, i, run, `have (type): ${sprint(exist)}\n\t{pad}${wantText(cur, k)}`);
          return false;
        }
      } else scope.put(p.slot, k);
    } else if (p.t === 'ref' || p.t === 'call') {
      const exist = typeOf(p, scope, run);
      if (exist !== undefined && !unifies(exist, k)) return false;
    } else if (p.t === 'array' || p.t === 'object' || p.t === 'set') {
      if (!unify1(p, k, scope, run, false)) return false;
    }
    cur = values(cur);
  }
  return true;
}

/** A ref as OPA prints it (`data.acl.foo`, `x[i]["a b"]`), when every term is printable. */
function refText(ref: Extract<CTerm, { t: 'ref' }>, upTo: number): string | undefined {
  const h = ref.head;
  let text = h.t === 'root' ? h.which : h.t === 'var' ? h.name : undefined;
  if (text === undefined) return undefined;
  for (const p of ref.path.slice(0, upTo)) {
    // A wildcard prints as the parser named it (`$0`, as OPA's parser names `_`).
    if (p.t === 'var' && (!p.generated || p.name.startsWith('$'))) text += `[${p.name}]`;
    else if (p.t === 'val' && typeof p.v === 'string')
      text += /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.v) ? `.${p.v}` : `[${JSON.stringify(p.v)}]`;
    else if (p.t === 'val' && keyOfValue(p.v) !== undefined) text += `[${String(keyOfValue(p.v))}]`;
    else return undefined;
  }
  return text;
}

/**
 * Reports OPA's `undefined ref` for path term `i` of `ref`: the ref, a caret under the term (a
 * run of carets up to it for a value that cannot be dereferenced), then the `detail` lines.
 */
function refError(
  ref: Extract<CTerm, { t: 'ref' }>,
  i: number,
  run: Run,
  detail: string,
  unsupported = false,
): void {
  const whole = refText(ref, ref.path.length);
  const before = refText(ref, i);
  if (whole === undefined || before === undefined) return;
  if (unsupported) {
    report(run, ref.loc, `undefined ref: ${whole}\n\t${whole}\n\t${'^'.repeat(before.length)}\n\t${detail}`);
    return;
  }
  const pad = ' '.repeat(before.length + 1);
  report(
    run,
    ref.loc,
    `undefined ref: ${whole}\n\t${whole}\n\t${pad}^\n\t${pad}${detail.replace('{pad}', pad)}`,
  );
}

/** A static key as OPA prints a term: strings quoted, numbers and the rest as written. */
function keyText(key: Key): string {
  return typeof key === 'string' ? JSON.stringify(key) : String(key);
}

/** OPA's `want` line: the keys an object type has (`want (one of): [...]`), else the keys' type. */
function wantText(t: Type | undefined, keysType: Type): string {
  const objects = t?.k === 'object' ? [t] : t?.k === 'any' ? t.of.filter((x) => x.k === 'object') : [];
  const names = new Map<string, Key>();
  for (const o of objects) if (o.k === 'object') for (const p of o.st) names.set(keyText(p.key), p.key);
  if (names.size === 0) return `want (type): ${sprint(keysType)}`;
  const sorted = [...names.values()].sort(compareKeys);
  return `want (one of): [${sorted.map(keyText).join(' ')}]`;
}
