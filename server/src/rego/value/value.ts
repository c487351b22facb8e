/**
 * Rego values at evaluation time: null, booleans, exact numbers, strings, arrays (JavaScript arrays),
 * sets and objects with structural keys. Implements OPA's total order (null < boolean < number <
 * string < array < object < set), structural equality, canonical keys for hashing, and conversion
 * to and from JSON.
 */
import { createHash } from 'node:crypto';
import {
  compareNumbers,
  formatNumber,
  isExactJs,
  numberFromBigInt,
  numberFromJs,
  RegoNumber,
  toBigInt,
  toJsNumber,
} from './number';

/** A Rego value. Arrays are plain (never mutated once built) JavaScript arrays. */
export type Value = null | boolean | string | RegoNumber | Value[] | RegoSet | RegoObject;

/**
 * JSON as the engine's API speaks it. Integers too large for a JavaScript number come out as
 * `bigint` so no digit is lost; `stringifyJson` writes them exactly.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Names of the Rego types, as `type_name` returns them. */
export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

const arrayKeys = new WeakMap<Value[], string>();

/**
 * Canonical texts longer than this are replaced by a digest of themselves, so a value that shares
 * members with itself (`o1 := {"a": o0, "b": o0}`, forty times) has a canonical text of bounded
 * length per node: hashing and comparing it costs time linear in its number of distinct nodes,
 * not in its (exponential) number of leaves. Equal values still get equal texts, by induction.
 */
const DIGEST_OVER = 1024;

/** The text itself, or `%` and its SHA-256 when it is long (`%` starts no other canonical text). */
function compact(text: string): string {
  if (text.length <= DIGEST_OVER) return text;
  tick(text.length >> 6);
  return `%${createHash('sha256').update(text).digest('base64')}`;
}

/** Work done on composite values (canonical texts, comparisons) not yet charged to the meter. */
let pendingWork = 0;
let workMeter: ((steps: number) => void) | undefined;

/** Charges the meter one step per 8 nodes of work, in batches (each batch also checks the clock). */
function tick(nodes: number): void {
  pendingWork += nodes;
  if (pendingWork >= 1024) {
    const steps = pendingWork >> 3;
    pendingWork = 0;
    workMeter?.(steps);
  }
}

/**
 * Runs `body` with comparisons and hashing of values charged to `charge` (an evaluation's step
 * limit), so comparing two huge values ends in `eval_cancel_error` like any other work.
 */
export function withValueMeter<T>(charge: (steps: number) => void, body: () => T): T {
  const previous = workMeter;
  workMeter = charge;
  try {
    return body();
  } finally {
    workMeter = previous;
  }
}

/** A Rego set: members are unique by structural equality; iteration is in sorted order. */
export class RegoSet {
  private readonly members = new Map<string, Value>();
  private sortedCache: Value[] | undefined;
  private keyCache: string | undefined;

  /** Builds a set from values (duplicates collapse). */
  static of(values: Iterable<Value>): RegoSet {
    const s = new RegoSet();
    for (const v of values) s.add(v);
    return s;
  }

  /** Adds a member; returns true when it was not present. */
  add(v: Value): boolean {
    const k = keyOf(v);
    if (this.members.has(k)) return false;
    this.members.set(k, v);
    this.sortedCache = undefined;
    this.keyCache = undefined;
    return true;
  }

  /** True when `v` is a member. */
  has(v: Value): boolean {
    return this.members.has(keyOf(v));
  }

  /** The stored member equal to `v`, if any. */
  get(v: Value): Value | undefined {
    return this.members.get(keyOf(v));
  }

  /** Number of members. */
  get size(): number {
    return this.members.size;
  }

  /** Members in OPA's sort order. */
  values(): Value[] {
    if (this.sortedCache === undefined) {
      this.sortedCache = [...this.members.values()].sort(compareValues);
    }
    return this.sortedCache;
  }

  /** Canonical text of the set (cached until the next `add`). */
  canonical(): string {
    if (this.keyCache === undefined) {
      tick(this.members.size + 1);
      const parts = [...this.members.values()].map(canonicalOf).sort();
      this.keyCache = compact(`<${parts.join(',')}>`);
    }
    return this.keyCache;
  }
}

/** A Rego object: keys are any values, unique by structural equality; iteration is in key order. */
export class RegoObject {
  private readonly entriesByKey = new Map<string, [Value, Value]>();
  private sortedCache: Array<[Value, Value]> | undefined;
  private keyCache: string | undefined;

  /** Builds an object from `[key, value]` pairs (later pairs win). */
  static of(pairs: Iterable<[Value, Value]>): RegoObject {
    const o = new RegoObject();
    for (const [k, v] of pairs) o.set(k, v);
    return o;
  }

  /** Sets `key` to `value`. */
  set(key: Value, value: Value): void {
    this.entriesByKey.set(keyOf(key), [key, value]);
    this.sortedCache = undefined;
    this.keyCache = undefined;
  }

  /** The value under `key`, or undefined. */
  get(key: Value): Value | undefined {
    return this.entriesByKey.get(keyOf(key))?.[1];
  }

  /** True when `key` is present. */
  has(key: Value): boolean {
    return this.entriesByKey.has(keyOf(key));
  }

  /** Number of entries. */
  get size(): number {
    return this.entriesByKey.size;
  }

  /** Entries sorted by key in OPA's order. */
  entries(): Array<[Value, Value]> {
    if (this.sortedCache === undefined) {
      this.sortedCache = [...this.entriesByKey.values()].sort((a, b) => compareValues(a[0], b[0]));
    }
    return this.sortedCache;
  }

  /** Keys sorted in OPA's order. */
  keys(): Value[] {
    return this.entries().map((e) => e[0]);
  }

  /** Canonical text of the object (cached until the next `set`). */
  canonical(): string {
    if (this.keyCache === undefined) {
      tick(this.entriesByKey.size + 1);
      const parts = [...this.entriesByKey.values()]
        .map(([k, v]) => `${canonicalOf(k)}:${canonicalOf(v)}`)
        .sort();
      this.keyCache = compact(`{${parts.join(',')}}`);
    }
    return this.keyCache;
  }
}

/** Canonical text of a value nested in a composite: equal values give equal texts. */
export function canonicalOf(v: Value): string {
  if (v === null) return 'n';
  if (v === true) return 't';
  if (v === false) return 'f';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof RegoNumber) return `#${v.key}`;
  if (Array.isArray(v)) {
    let k = arrayKeys.get(v);
    if (k === undefined) {
      tick(v.length + 1);
      k = compact(`[${v.map(canonicalOf).join(',')}]`);
      arrayKeys.set(v, k);
    }
    return k;
  }
  return v.canonical();
}

/** A map key for a value: a string is its own key; other values get a NUL-prefixed canonical text. */
export function keyOf(v: Value): string {
  if (typeof v === 'string') return v.charCodeAt(0) === 0 ? `\u0000s${v}` : v;
  return `\u0000${canonicalOf(v)}`;
}

/** The Rego type name of a value. */
export function typeNameOf(v: Value): TypeName {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof RegoNumber) return 'number';
  if (Array.isArray(v)) return 'array';
  if (v instanceof RegoSet) return 'set';
  return 'object';
}

const TYPE_RANK: Record<TypeName, number> = {
  null: 0,
  boolean: 1,
  number: 2,
  string: 3,
  array: 4,
  object: 5,
  set: 6,
};

/** Compares strings by Unicode code point, as Go compares UTF-8 bytes. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    // A surrogate stands for a code point above U+FFFF, so it sorts after every BMP character.
    if (xs && !ys && y >= 0xe000) return 1;
    if (ys && !xs && x >= 0xe000) return -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Composite nodes a top-level comparison visits before it first checks canonical texts (memoised
 * by identity) for equality: small values compare member by member, shared ones stay linear.
 */
const SHALLOW_NODES = 256;
/** Composite nodes visited by the current top-level comparison, and how deep it is nested. */
let visited = 0;
let nesting = 0;

/** True when a comparison has visited enough nodes that equal composites are told by their canonical texts. */
function sameCanonical(a: Value, b: Value): boolean {
  if (nesting === 0) visited = 0;
  tick(1);
  return ++visited > SHALLOW_NODES && canonicalOf(a) === canonicalOf(b);
}

/** OPA's total order over values: negative, zero or positive. */
export function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  const ta = typeNameOf(a);
  const tb = typeNameOf(b);
  if (ta !== tb) return TYPE_RANK[ta] - TYPE_RANK[tb];
  if (ta === 'array' || ta === 'set' || ta === 'object') {
    if (sameCanonical(a, b)) return 0;
    nesting++;
    try {
      return compareSame(ta, a, b);
    } finally {
      nesting--;
    }
  }
  return compareSame(ta, a, b);
}

/** Compares two values of the same type. */
function compareSame(ta: TypeName, a: Value, b: Value): number {
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'number':
      return compareNumbers(a as RegoNumber, b as RegoNumber);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareSequences(a as Value[], b as Value[]);
    case 'set':
      return compareSequences((a as RegoSet).values(), (b as RegoSet).values());
    case 'object': {
      const ea = (a as RegoObject).entries();
      const eb = (b as RegoObject).entries();
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const x = ea[i] as [Value, Value];
        const y = eb[i] as [Value, Value];
        const c = compareValues(x[0], y[0]) || compareValues(x[1], y[1]);
        if (c !== 0) {
          tick(i + 1);
          return c;
        }
      }
      tick(n);
      return ea.length - eb.length;
    }
  }
}

/** Lexicographic comparison, shorter first on a common prefix. */
function compareSequences(a: Value[], b: Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] as Value, b[i] as Value);
    if (c !== 0) {
      tick(i + 1);
      return c;
    }
  }
  tick(n);
  return a.length - b.length;
}

/** Structural equality. */
export function equalValues(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (a instanceof RegoNumber && b instanceof RegoNumber) return a.coef === b.coef && a.exp === b.exp;
  if (a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    if (sameCanonical(a, b)) return true;
    if (visited > SHALLOW_NODES) return false;
    tick(a.length);
    nesting++;
    try {
      for (let i = 0; i < a.length; i++) if (!equalValues(a[i] as Value, b[i] as Value)) return false;
    } finally {
      nesting--;
    }
    return true;
  }
  if (a instanceof RegoSet)
    return b instanceof RegoSet && a.size === b.size && a.canonical() === b.canonical();
  if (a instanceof RegoObject) {
    if (!(b instanceof RegoObject) || a.size !== b.size) return false;
    if (sameCanonical(a, b)) return true;
    if (visited > SHALLOW_NODES) return false;
    tick(a.size);
    nesting++;
    try {
      for (const [k, v] of a.entries()) {
        const w = b.get(k);
        if (w === undefined || !equalValues(v, w)) return false;
      }
    } finally {
      nesting--;
    }
    return true;
  }
  return false;
}

/** Converts JSON (as JavaScript data) to a Rego value. */
export function fromJson(j: JsonValue | undefined): Value {
  if (j === null || j === undefined) return null;
  switch (typeof j) {
    case 'boolean':
    case 'string':
      return j;
    case 'number':
      return numberFromJs(j);
    case 'bigint':
      return numberFromBigInt(j);
    default:
      if (Array.isArray(j)) return j.map(fromJson);
      {
        const o = new RegoObject();
        for (const [k, v] of Object.entries(j)) o.set(k, fromJson(v));
        return o;
      }
  }
}

/** Converts a Rego value to JSON: sets become sorted arrays, non-string keys their JSON text. */
export function toJson(v: Value): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  // Charged per node: a value whose members share structure is exponential in JSON, not in memory.
  tick(1);
  if (v instanceof RegoNumber) {
    if (isExactJs(v)) return toJsNumber(v);
    const big = toBigInt(v);
    return big ?? toJsNumber(v);
  }
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof RegoSet) return v.values().map(toJson);
  const out: { [key: string]: JsonValue } = {};
  for (const [k, val] of v.entries()) out[typeof k === 'string' ? k : formatJsonValue(k)] = toJson(val);
  return out;
}

/** Writes a Rego value as compact JSON text, numbers exact (sets as sorted arrays). */
export function formatJsonValue(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  tick(typeof v === 'string' ? 1 + (v.length >> 3) : 1);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof RegoNumber) return formatNumber(v);
  if (Array.isArray(v)) return `[${v.map(formatJsonValue).join(',')}]`;
  if (v instanceof RegoSet) return `[${v.values().map(formatJsonValue).join(',')}]`;
  const parts = v
    .entries()
    .map(
      ([k, val]) =>
        `${JSON.stringify(typeof k === 'string' ? k : formatJsonValue(k))}:${formatJsonValue(val)}`,
    );
  return `{${parts.join(',')}}`;
}

/** JSON.stringify for `JsonValue`, writing bigints as exact integers. */
export function stringifyJson(j: JsonValue, indent?: number): string {
  return JSON.stringify(
    j,
    (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v.toString()}` : v),
    indent,
  ).replace(/"\\u0000(-?\d+)"/g, '$1');
}

/** Writes a value as Rego source text: `{"a": 1}`, `{1, 2}`, `set()`. */
export function formatRegoValue(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  tick(typeof v === 'string' ? 1 + (v.length >> 3) : 1);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof RegoNumber) return formatNumber(v);
  if (Array.isArray(v)) return `[${v.map(formatRegoValue).join(', ')}]`;
  if (v instanceof RegoSet) {
    if (v.size === 0) return 'set()';
    return `{${v.values().map(formatRegoValue).join(', ')}}`;
  }
  return `{${v
    .entries()
    .map(([k, val]) => `${formatRegoValue(k)}: ${formatRegoValue(val)}`)
    .join(', ')}}`;
}

/** True for booleans `true` — the only value that makes a condition hold. */
export function isTruthy(v: Value): boolean {
  return v !== false;
}

/** Shorthand: a Rego number from a JavaScript number. */
export function num(n: number): RegoNumber {
  return numberFromJs(n);
}

export { RegoNumber };
