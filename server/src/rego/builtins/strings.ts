/**
 * String functions: concat, contains, startswith, endswith, lower, upper, split, replace, trim*,
 * sprintf, format_int, indexof, substring, strings.*. Indices count Unicode code points, as Go's
 * runes do in OPA.
 */
import { toBigInt } from '../value/number';
import { num, RegoSet, type Value } from '../value/value';
import {
  arrayArg,
  type BuiltinContext,
  type BuiltinDef,
  builtinError,
  chargeBytes,
  chargeSerialised,
  defineBuiltin,
  intArg,
  numberArg,
  objectArg,
  operandTypeError,
  param,
  stringArg,
  stringsArg,
  typeError,
} from './registry';
import { goSprintf } from './sprintf';

/** Declares a string → string function. */
function mapString(name: string, f: (s: string) => string, description: string): BuiltinDef {
  return defineBuiltin({
    name,
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description,
    implementation: (args) => f(stringArg(args, 0)),
  });
}

/** Declares a (string, string) → value function. */
function twoStrings(
  name: string,
  a: string,
  b: string,
  result: string,
  f: (x: string, y: string) => Value,
  description: string,
): BuiltinDef {
  return defineBuiltin({
    name,
    signature: { args: [param(a, 'string'), param(b, 'string')], result: param('result', result) },
    description,
    implementation: (args) => f(stringArg(args, 0), stringArg(args, 1)),
  });
}

/** Go's strings.Trim family: removes any of the cutset's characters. */
function trimChars(s: string, cutset: string, left: boolean, right: boolean): string {
  const cut = new Set([...cutset]);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  if (left) while (start < end && cut.has(chars[start] as string)) start++;
  if (right) while (end > start && cut.has(chars[end - 1] as string)) end--;
  return chars.slice(start, end).join('');
}

/** Go's strings.TrimSpace whitespace. */
const GO_SPACE = /^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu;

/** Go's strings.Split: an empty separator splits into characters. */
function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** Go's strings.Replace with a count (-1: all); the output's size is charged before it is built. */
function goReplace(s: string, old: string, replacement: string, n: number, ctx: BuiltinContext): string {
  if (n === 0 || old === replacement) return s;
  let hits = old === '' ? s.length + 1 : 0;
  if (old !== '') for (let i = s.indexOf(old); i >= 0; i = s.indexOf(old, i + old.length)) hits++;
  if (n >= 0) hits = Math.min(hits, n);
  chargeBytes(ctx, s.length + hits * replacement.length);
  if (old === '') {
    const chars = [...s];
    const out: string[] = [];
    let done = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || done < n) {
        out.push(replacement);
        done++;
      }
      if (i < chars.length) out.push(chars[i] as string);
    }
    return out.join('');
  }
  let out = '';
  let rest = s;
  let done = 0;
  while (n < 0 || done < n) {
    const i = rest.indexOf(old);
    if (i < 0) break;
    out += rest.slice(0, i) + replacement;
    rest = rest.slice(i + old.length);
    done++;
  }
  return out + rest;
}

/** Index of `needle` in `s` in code points, or -1. */
function runeIndexOf(s: string, needle: string, from = 0): number {
  const chars = [...s];
  const n = [...needle];
  for (let i = from; i + n.length <= chars.length; i++) {
    let ok = true;
    for (let j = 0; j < n.length; j++) {
      if (chars[i + j] !== n[j]) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return -1;
}

/** The string builtins. */
export const stringBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'concat',
    signature: {
      args: [param('delimiter', 'string'), param('collection', 'any<array[string], set[string]>')],
      result: param('output', 'string'),
    },
    description: 'Joins a set or array of strings with a delimiter.',
    implementation: (args, ctx) => {
      const parts = stringsArg(args, 1);
      const sep = stringArg(args, 0);
      // The members may all be one shared string: charge the joined size before building it.
      let size = sep.length * Math.max(0, parts.length - 1);
      for (const p of parts) size += p.length;
      chargeBytes(ctx, size);
      return parts.join(sep);
    },
  }),
  twoStrings(
    'contains',
    'haystack',
    'needle',
    'boolean',
    (a, b) => a.includes(b),
    'Returns `true` if the search string is included in the base string.',
  ),
  twoStrings(
    'startswith',
    'search',
    'base',
    'boolean',
    (a, b) => a.startsWith(b),
    'Returns true if the search string begins with the base string.',
  ),
  twoStrings(
    'endswith',
    'search',
    'base',
    'boolean',
    (a, b) => a.endsWith(b),
    'Returns true if the search string ends with the base string.',
  ),
  mapString(
    'lower',
    (s) => s.toLowerCase(),
    'Returns the input string but with all characters in lower-case.',
  ),
  mapString(
    'upper',
    (s) => s.toUpperCase(),
    'Returns the input string but with all characters in upper-case.',
  ),
  mapString(
    'trim_space',
    (s) => s.replace(GO_SPACE, ''),
    'Return the given string with all leading and trailing white space removed.',
  ),
  mapString('strings.reverse', (s) => [...s].reverse().join(''), 'Reverses a given string.'),
  twoStrings(
    'split',
    'x',
    'delimiter',
    'array[string]',
    (a, b) => goSplit(a, b),
    'Split returns an array containing elements of the input string split on a delimiter.',
  ),
  defineBuiltin({
    name: 'strings.split_n',
    signature: {
      args: [param('x', 'string'), param('delimiter', 'string'), param('n', 'number')],
      result: param('ys', 'array[string]'),
    },
    description:
      'Splits the input string on a delimiter and keeps the first n parts (the last |n| when n < 0).',
    implementation: (args) => {
      const parts = goSplit(stringArg(args, 0), stringArg(args, 1));
      const n = intArg(args, 2);
      return n >= 0 ? parts.slice(0, n) : parts.slice(Math.max(0, parts.length + n));
    },
  }),
  defineBuiltin({
    name: 'replace',
    signature: {
      args: [param('x', 'string'), param('old', 'string'), param('new', 'string')],
      result: param('y', 'string'),
    },
    description: 'Replace replaces all instances of a sub-string.',
    implementation: (args, ctx) =>
      goReplace(stringArg(args, 0), stringArg(args, 1), stringArg(args, 2), -1, ctx),
  }),
  defineBuiltin({
    name: 'strings.replace_n',
    signature: {
      args: [param('patterns', 'object[string: string]'), param('value', 'string')],
      result: param('output', 'string'),
    },
    description: 'Replaces a string from a list of old, new string pairs.',
    implementation: (args, ctx) => {
      const patterns = objectArg(args, 0);
      const value = stringArg(args, 1);
      const pairs: Array<[string, string]> = [];
      for (const [k, v] of patterns.entries()) {
        if (typeof k !== 'string') typeError('operand 1 non-string key found in pattern object');
        if (typeof v !== 'string') typeError('operand 1 non-string value found in pattern object');
        pairs.push([k, v]);
      }
      return replaceAllPairs(value, pairs, ctx);
    },
  }),
  twoStrings(
    'trim',
    'x',
    'cutset',
    'string',
    (s, c) => trimChars(s, c, true, true),
    'Returns `value` with all leading or trailing instances of the `cutset` characters removed.',
  ),
  twoStrings(
    'trim_left',
    'x',
    'cutset',
    'string',
    (s, c) => trimChars(s, c, true, false),
    'Returns `value` with all leading instances of the `cutset` characters removed.',
  ),
  twoStrings(
    'trim_right',
    'x',
    'cutset',
    'string',
    (s, c) => trimChars(s, c, false, true),
    'Returns `value` with all trailing instances of the `cutset` characters removed.',
  ),
  twoStrings(
    'trim_prefix',
    'x',
    'prefix',
    'string',
    (s, p) => (s.startsWith(p) ? s.slice(p.length) : s),
    'Returns `value` without the prefix.',
  ),
  twoStrings(
    'trim_suffix',
    'x',
    'suffix',
    'string',
    (s, p) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s),
    'Returns `value` without the suffix.',
  ),
  defineBuiltin({
    name: 'sprintf',
    signature: {
      args: [param('format', 'string'), param('values', 'array[any]')],
      result: param('output', 'string'),
    },
    description: 'Returns the given string, formatted (Go fmt verbs).',
    implementation: (args, ctx) => {
      const values = arrayArg(args, 1);
      chargeSerialised(ctx, values);
      return goSprintf(stringArg(args, 0), values);
    },
  }),
  defineBuiltin({
    name: 'format_int',
    signature: {
      args: [param('number', 'number'), param('base', 'number')],
      result: param('output', 'string'),
    },
    description:
      'Returns the string representation of the number in the given base after rounding it down to an integer value.',
    implementation: (args) => {
      const n = numberArg(args, 0);
      const base = intArg(args, 1);
      if (![2, 8, 10, 16].includes(base)) builtinError('operand 2 must be one of {2, 8, 10, 16}');
      // Like OPA (big.Float.Int), fractions are truncated towards zero.
      const i = toBigInt(n) ?? n.coef / 10n ** BigInt(-n.exp);
      return i.toString(base);
    },
  }),
  twoStrings(
    'indexof',
    'haystack',
    'needle',
    'number',
    (s, n) => num(runeIndexOf(s, n)),
    'Returns the index of a substring contained inside a string (-1 if absent).',
  ),
  twoStrings(
    'indexof_n',
    'haystack',
    'needle',
    'array[number]',
    (s, n) => {
      const out: Value[] = [];
      if (n === '') return out;
      for (let i = runeIndexOf(s, n); i >= 0; i = runeIndexOf(s, n, i + 1)) out.push(num(i));
      return out;
    },
    'Returns a list of all the indexes of a substring contained inside a string.',
  ),
  defineBuiltin({
    name: 'substring',
    signature: {
      args: [param('value', 'string'), param('offset', 'number'), param('length', 'number')],
      result: param('output', 'string'),
    },
    description:
      'Returns the portion of a string for a given `offset` and a `length`; a negative length means to the end.',
    implementation: (args) => {
      const s = stringArg(args, 0);
      const offset = intArg(args, 1);
      const length = intArg(args, 2);
      if (offset < 0) builtinError('negative offset');
      const chars = [...s];
      if (offset >= chars.length) return '';
      const end = length < 0 ? chars.length : Math.min(chars.length, offset + length);
      return chars.slice(offset, end).join('');
    },
  }),
  defineBuiltin({
    name: 'strings.count',
    signature: {
      args: [param('search', 'string'), param('substring', 'string')],
      result: param('output', 'number'),
    },
    description: 'Counts the number of non-overlapping instances of a substring in a string.',
    implementation: (args) => {
      const s = stringArg(args, 0);
      const sub = stringArg(args, 1);
      if (sub === '') return num([...s].length + 1);
      return num(s.split(sub).length - 1);
    },
  }),
  defineBuiltin({
    name: 'strings.any_prefix_match',
    signature: {
      args: [
        param('search', 'any<string, array[string], set[string]>'),
        param('base', 'any<string, array[string], set[string]>'),
      ],
      result: param('result', 'boolean'),
    },
    description: 'Returns true if any of the search strings begins with any of the base strings.',
    implementation: (args) => {
      const a = stringOrStrings(args, 0);
      const b = stringOrStrings(args, 1);
      return a.some((s) => b.some((p) => s.startsWith(p)));
    },
  }),
  defineBuiltin({
    name: 'strings.any_suffix_match',
    signature: {
      args: [
        param('search', 'any<string, array[string], set[string]>'),
        param('base', 'any<string, array[string], set[string]>'),
      ],
      result: param('result', 'boolean'),
    },
    description: 'Returns true if any of the search strings ends with any of the base strings.',
    implementation: (args) => {
      const a = stringOrStrings(args, 0);
      const b = stringOrStrings(args, 1);
      return a.some((s) => b.some((p) => s.endsWith(p)));
    },
  }),
];

/**
 * Go's strings.NewReplacer(...).Replace: at each position the first matching old string (in
 * argument order, here key order) wins; an empty old string matches at every position.
 */
function replaceAllPairs(value: string, pairs: Array<[string, string]>, ctx: BuiltinContext): string {
  const empty = pairs.find(([old]) => old === '');
  // Each position tries every pair; the output grows by at most the longest replacement per position.
  ctx.charge(Math.ceil((pairs.length * value.length) / 256));
  let longest = 1;
  for (const [, v] of pairs) longest = Math.max(longest, v.length);
  let pending = 0;
  let out = '';
  let pos = 0;
  for (;;) {
    pending += longest + 1;
    if (pending > 65536) {
      chargeBytes(ctx, pending);
      pending = 0;
    }
    if (empty) out += empty[1];
    if (pos >= value.length) break;
    const hit = pairs.find(([old]) => old !== '' && value.startsWith(old, pos));
    if (hit) {
      out += hit[1];
      pos += hit[0].length;
      continue;
    }
    const cp = value.codePointAt(pos) as number;
    const ch = String.fromCodePoint(cp);
    out += ch;
    pos += ch.length;
  }
  return out;
}

/** A string, or an array/set of strings, as a list. */
function stringOrStrings(args: Value[], i: number): string[] {
  const v = args[i] ?? null;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) || v instanceof RegoSet) return stringsArg(args, i);
  return operandTypeError(i + 1, v, 'string', 'set', 'array');
}
