/**
 * Reading the input before it is converted. An evaluation receives its input as JSON; converting
 * all of it into Rego values (an object with a Map per level) costs more than most decisions, which
 * read a few scalars at constant paths (`input.user.role`). Such a ref reads the JSON directly and
 * converts only the scalar it reaches; anything else (a composite value, an iteration, `with
 * input`) converts the input once. The answers are those of the converted input: a key is what
 * `fromJson` would keep (an own enumerable property) and an absent value reads as null.
 */

import type { CTerm } from '../compile/ir';
import { fromJson, type JsonValue, type Value } from '../value/value';
import type { Frame } from './eval';

/** The path leads to nothing: the ref is undefined. */
export const NOTHING: unique symbol = Symbol('nothing');

/** The path leads to a composite value or needs the converted input (a variable key, an array index). */
export const COMPOSITE: unique symbol = Symbol('composite');

/** What a read of the unconverted input found. */
export type JsonRead = Value | typeof NOTHING | typeof COMPOSITE;

const isEnumerable = Object.prototype.propertyIsEnumerable;

/** The scalar at a ref path into JSON input, whose keys are constants or bound variables. */
export function scalarAt(json: JsonValue, path: CTerm[], f: Frame): JsonRead {
  let cur: unknown = json;
  for (let i = 0; i < path.length; i++) {
    const p = path[i] as CTerm;
    const key = p.t === 'val' ? p.v : p.t === 'var' ? f[p.slot] : undefined;
    if (typeof key !== 'string') return COMPOSITE;
    cur = step(cur, key);
    if (cur === NOTHING || cur === COMPOSITE) return cur;
  }
  return leaf(cur);
}

/** The scalar at a path of constant keys (a rule index's input path). */
export function scalarAtKeys(json: JsonValue, path: readonly Value[]): JsonRead {
  let cur: unknown = json;
  for (const key of path) {
    if (typeof key !== 'string') return COMPOSITE;
    cur = step(cur, key);
    if (cur === NOTHING || cur === COMPOSITE) return cur;
  }
  return leaf(cur);
}

/** One step of a path: an object's member (an absent value as null), nothing for a scalar, or give up. */
function step(cur: unknown, key: string): unknown {
  if (cur === null || cur === undefined) return NOTHING;
  switch (typeof cur) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return NOTHING;
    case 'object':
      if (Array.isArray(cur)) return COMPOSITE;
      return isEnumerable.call(cur, key) ? ((cur as Record<string, unknown>)[key] ?? null) : NOTHING;
    default:
      return COMPOSITE;
  }
}

/** A scalar as `fromJson` converts it, or COMPOSITE. */
function leaf(v: unknown): JsonRead {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'number':
    case 'bigint':
      return fromJson(v);
    default:
      return COMPOSITE;
  }
}
