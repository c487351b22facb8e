/**
 * regex.globs_match: whether two patterns of the simple regular-expression dialect OPA's
 * glob-intersection library reads (characters, `.`, `[...]` sets with ranges and `^`, `\` escapes,
 * and the `*` / `+` quantifiers) match at least one string in common. Each pattern becomes
 * a list of character-set tokens; the two lists are walked together as a product automaton.
 */
import { type BuiltinDef, builtinError, defineBuiltin, param, stringArg } from './registry';

/** A set of code points as sorted, disjoint inclusive ranges. */
type Ranges = Array<[number, number]>;

const MAX_CODE_POINT = 0x10ffff;
const ANY: Ranges = [[0, MAX_CODE_POINT]];

/** One pattern position: a character set, once or any number of times. */
interface Token {
  set: Ranges;
  repeat: 'one' | 'star';
}

/** Raises the library's "invalid input" error, with its 1-based position. */
function invalid(input: string, pos: number, what: string): never {
  return builtinError(`input:${input}, pos:${pos}, ${what}: the input provided is invalid`);
}

/** Sorts and merges ranges. */
function normalise(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** The complement of a range set. */
function complement(ranges: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [lo, hi] of normalise(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** True when two range sets share a code point. */
function intersects(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i] as [number, number];
    const [blo, bhi] = b[j] as [number, number];
    if (alo <= bhi && blo <= ahi) return true;
    if (ahi < bhi) i++;
    else j++;
  }
  return false;
}

/** Reads a `[...]` set starting after its `[`; returns the ranges and the index after `]`. */
function readSet(chars: string[], start: number, input: string): { set: Ranges; next: number } {
  let i = start;
  const negate = chars[i] === '^';
  if (negate) i++;
  const ranges: Ranges = [];
  while (i < chars.length && chars[i] !== ']') {
    let c = chars[i] as string;
    if (c === '\\') {
      i++;
      if (i >= chars.length) invalid(input, i, "escape '\\' at the end of the input");
      c = chars[i] as string;
    }
    const lo = c.codePointAt(0) as number;
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
      const hi = (chars[i + 2] as string).codePointAt(0) as number;
      if (hi < lo) invalid(input, i + 3, `range '${c}-${chars[i + 2]}' out of order`);
      ranges.push([lo, hi]);
      i += 3;
    } else {
      ranges.push([lo, lo]);
      i++;
    }
  }
  if (i >= chars.length) invalid(input, start, "set-open '[' with no following set-close ']'");
  return { set: negate ? complement(ranges) : normalise(ranges), next: i + 1 };
}

/** Parses a pattern into tokens (`x+` becomes `x` then `x*`). */
function parsePattern(input: string): Token[] {
  const chars = [...input];
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === '*' || c === '+') {
      const last = tokens[tokens.length - 1];
      if (last?.repeat !== 'one') invalid(input, i + 1, `flag '${c}' with no preceding character`);
      if (c === '*') last.repeat = 'star';
      else tokens.push({ set: last.set, repeat: 'star' });
      i++;
      continue;
    }
    if (c === ']') invalid(input, i + 1, "set-close ']' with no preceding '['");
    if (c === '[') {
      const { set, next } = readSet(chars, i + 1, input);
      tokens.push({ set, repeat: 'one' });
      i = next;
      continue;
    }
    if (c === '.') {
      tokens.push({ set: ANY, repeat: 'one' });
      i++;
      continue;
    }
    let literal = c;
    if (c === '\\') {
      i++;
      if (i >= chars.length) invalid(input, i, "escape '\\' at the end of the input");
      literal = chars[i] as string;
    }
    const cp = literal.codePointAt(0) as number;
    tokens.push({ set: [[cp, cp]], repeat: 'one' });
    i++;
  }
  return tokens;
}

/** True when some string matches both token lists (a search over pairs of positions). */
function intersect(a: Token[], b: Token[]): boolean {
  const seen = new Set<number>();
  const stack: Array<[number, number]> = [[0, 0]];
  const width = b.length + 1;
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const ta = a[i];
    const tb = b[j];
    if (ta && ta.repeat === 'star') stack.push([i + 1, j]);
    if (tb && tb.repeat === 'star') stack.push([i, j + 1]);
    if (ta && tb && intersects(ta.set, tb.set)) {
      stack.push([ta.repeat === 'star' ? i : i + 1, tb.repeat === 'star' ? j : j + 1]);
      if (ta.repeat === 'star' && tb.repeat === 'star') stack.push([i + 1, j + 1]);
    }
  }
  return false;
}

/** The glob-intersection builtins. */
export const regexGlobBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'regex.globs_match',
    signature: {
      args: [param('glob1', 'string'), param('glob2', 'string')],
      result: param('result', 'boolean'),
    },
    description:
      'Checks if the intersection of two glob-style regular expressions matches a non-empty set of non-empty strings. The set of regex symbols is limited for this builtin: only `.`, `*`, `+`, `[`, `-`, `]` and `\\` are treated as special symbols.',
    implementation: (args) => intersect(parsePattern(stringArg(args, 0)), parsePattern(stringArg(args, 1))),
  }),
];
