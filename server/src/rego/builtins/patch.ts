/**
 * json.patch: RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over Rego values,
 * applied without mutation. Any failing operation makes the result undefined, as in OPA.
 */
import { toSafeInteger } from '../value/number';
import { equalValues, RegoNumber, RegoObject, RegoSet, type Value } from '../value/value';
import { arrayArg, type BuiltinDef, defineBuiltin, param } from './registry';

/** Signals a failed operation (caught inside this file only). */
class PatchFailure extends Error {}

/** Fails the patch. */
function fail(): never {
  throw new PatchFailure();
}

/**
 * Parses a path as OPA's parsePath does: an array is its segments (any values, composites
 * included); a string is a JSON pointer whose leading slashes are optional (`"a/b"` is `/a/b`).
 */
function pointer(p: Value | undefined): Value[] {
  if (Array.isArray(p)) return p;
  if (typeof p !== 'string') return fail();
  if (p === '') return [];
  return p
    .replace(/^\/+/, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** An array index from a segment (no leading zeros), or undefined. */
function index(seg: Value, len: number, allowEnd: boolean): number {
  if (seg === '-' && allowEnd) return len;
  let i: number | undefined;
  if (typeof seg === 'string' && /^(0|[1-9]\d*)$/.test(seg)) i = Number(seg);
  else if (seg instanceof RegoNumber) i = toSafeInteger(seg);
  if (i === undefined || i < 0 || i > (allowEnd ? len : len - 1)) return fail();
  return i;
}

/** The value at a path. */
function getAt(doc: Value, path: Value[]): Value {
  let cur = doc;
  for (const seg of path) {
    let next: Value | undefined;
    if (cur instanceof RegoObject) next = cur.get(seg);
    else if (Array.isArray(cur)) next = cur[index(seg, cur.length, false)];
    else if (cur instanceof RegoSet) next = cur.get(seg);
    if (next === undefined) return fail();
    cur = next;
  }
  return cur;
}

/** Returns `doc` with the parent of `path` updated by `edit(parent, lastSegment)`. */
function update(doc: Value, path: Value[], edit: (parent: Value, seg: Value) => Value): Value {
  const [seg, ...rest] = path;
  if (seg === undefined) return fail();
  if (rest.length === 0) return edit(doc, seg);
  if (doc instanceof RegoObject) {
    const child = doc.get(seg);
    if (child === undefined) return fail();
    const out = RegoObject.of(doc.entries());
    out.set(seg, update(child, rest, edit));
    return out;
  }
  if (Array.isArray(doc)) {
    const i = index(seg, doc.length, false);
    const out = [...doc];
    out[i] = update(doc[i] as Value, rest, edit);
    return out;
  }
  if (doc instanceof RegoSet) {
    // A set member is addressed by its value; the edited member replaces it.
    if (!doc.has(seg)) return fail();
    const edited = update(seg, rest, edit);
    return RegoSet.of([...doc.values().filter((v) => !equalValues(v, seg)), edited]);
  }
  return fail();
}

/** Adds `value` at `path`. */
function add(doc: Value, path: Value[], value: Value): Value {
  if (path.length === 0) return value;
  return update(doc, path, (parent, seg) => {
    if (parent instanceof RegoObject) {
      const out = RegoObject.of(parent.entries());
      out.set(seg, value);
      return out;
    }
    if (Array.isArray(parent)) {
      const out = [...parent];
      out.splice(index(seg, parent.length, true), 0, value);
      return out;
    }
    if (parent instanceof RegoSet) return RegoSet.of([...parent.values(), value]);
    return fail();
  });
}

/** Removes the value at `path`. */
function remove(doc: Value, path: Value[]): Value {
  if (path.length === 0) return fail();
  return update(doc, path, (parent, seg) => {
    if (parent instanceof RegoObject) {
      if (!parent.has(seg)) fail();
      return RegoObject.of(parent.entries().filter(([k]) => !equalValues(k, seg)));
    }
    if (Array.isArray(parent)) {
      const out = [...parent];
      out.splice(index(seg, parent.length, false), 1);
      return out;
    }
    if (parent instanceof RegoSet) {
      if (!parent.has(seg)) fail();
      return RegoSet.of(parent.values().filter((v) => !equalValues(v, seg)));
    }
    return fail();
  });
}

/** Replaces the value at `path` in one walk (a removal then an addition would lose a set member's address). */
function replace(doc: Value, path: Value[], value: Value): Value {
  if (path.length === 0) return value;
  return update(doc, path, (parent, seg) => {
    if (parent instanceof RegoObject) {
      if (!parent.has(seg)) fail();
      const out = RegoObject.of(parent.entries());
      out.set(seg, value);
      return out;
    }
    if (Array.isArray(parent)) {
      const out = [...parent];
      out[index(seg, parent.length, false)] = value;
      return out;
    }
    if (parent instanceof RegoSet) {
      if (!parent.has(seg)) fail();
      return RegoSet.of([...parent.values().filter((v) => !equalValues(v, seg)), value]);
    }
    return fail();
  });
}

/** The operation's `value` member (null is a value; absence is a failure). */
function operationValue(op: RegoObject): Value {
  const v = op.get('value');
  return v === undefined ? fail() : v;
}

/** Applies one operation. */
function apply(doc: Value, op: Value): Value {
  if (!(op instanceof RegoObject)) return fail();
  const kind = op.get('op');
  const path = pointer(op.get('path'));
  switch (kind) {
    case 'add':
      return add(doc, path, operationValue(op));
    case 'remove':
      return remove(doc, path);
    case 'replace':
      return replace(doc, path, operationValue(op));
    case 'move': {
      const from = pointer(op.get('from'));
      if (from.length < path.length && from.every((s, i) => equalValues(s, path[i] as Value))) fail();
      const v = getAt(doc, from);
      return add(remove(doc, from), path, v);
    }
    case 'copy':
      return add(doc, path, getAt(doc, pointer(op.get('from'))));
    case 'test':
      return equalValues(getAt(doc, path), operationValue(op)) ? doc : fail();
    default:
      return fail();
  }
}

/** The JSON patch builtin. */
export const patchBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'json.patch',
    signature: {
      args: [param('object', 'any'), param('patches', 'array[object[string: any]]')],
      result: param('output', 'any'),
    },
    description: 'Patches an object according to RFC6902; undefined when an operation fails.',
    implementation: (args) => {
      const ops = arrayArg(args, 1);
      let doc = args[0] ?? null;
      try {
        for (const op of ops) doc = apply(doc, op);
      } catch (e) {
        if (e instanceof PatchFailure) return undefined;
        throw e;
      }
      return doc;
    },
  }),
];
