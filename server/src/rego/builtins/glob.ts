/**
 * Glob matching as OPA does it (gobwas/glob): `*` stops at delimiters, `**` does not, `?` is one
 * non-delimiter character, `[abc]`/`[!a-c]` lists, `{a,b}` alternatives, `\` escapes.
 */
import { RegoSet, type Value } from '../value';
import { type BuiltinDef, builtinError, defineBuiltin, operandTypeError, param, stringArg } from './registry';

const globCache = new Map<string, RegExp>();

/** Escapes a string for a RegExp character class or pattern. */
function reEscape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Translates a glob to a RegExp source; `i` walks the pattern, `inAlt` stops at `,` and `}`. */
function translate(p: string, delims: string[], state: { i: number }, inAlt: boolean): string {
  const notDelim = delims.length > 0 ? `[^${delims.map(reEscape).join('')}]` : '[\\s\\S]';
  let out = '';
  while (state.i < p.length) {
    const c = p[state.i] as string;
    if (inAlt && (c === ',' || c === '}')) return out;
    state.i++;
    if (c === '\\') {
      const next = p[state.i];
      if (next === undefined) builtinError('unexpected end of input');
      out += reEscape(next as string);
      state.i++;
    } else if (c === '*') {
      if (p[state.i] === '*') {
        while (p[state.i] === '*') state.i++;
        out += '[\\s\\S]*';
      } else out += `${notDelim}*`;
    } else if (c === '?') {
      out += notDelim;
    } else if (c === '[') {
      const end = p.indexOf(']', state.i);
      if (end < 0) builtinError('unexpected end of input');
      let body = p.slice(state.i, end);
      state.i = end + 1;
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      const cls = body.replace(/[\\^\]]/g, '\\$&');
      out += negate ? `[^${cls}]` : `[${cls}]`;
    } else if (c === '{') {
      const alts: string[] = [];
      for (;;) {
        alts.push(translate(p, delims, state, true));
        const d = p[state.i];
        state.i++;
        if (d === '}') break;
        if (d !== ',') builtinError('unexpected end of input');
      }
      out += `(?:${alts.join('|')})`;
    } else {
      out += reEscape(c);
    }
  }
  if (inAlt) builtinError('unexpected end of input');
  return out;
}

/** Compiles a glob pattern with delimiters (cached). */
export function compileGlob(pattern: string, delims: string[]): RegExp {
  const key = `${JSON.stringify(delims)}\u0000${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    re = new RegExp(`^${translate(pattern, delims, { i: 0 }, false)}$`, 'u');
    if (globCache.size > 500) globCache.clear();
    globCache.set(key, re);
  }
  return re;
}

/** Reads the delimiters operand: null means none, an empty array means ".". */
function delimiters(v: Value): string[] {
  if (v === null) return [];
  const items = Array.isArray(v) ? v : v instanceof RegoSet ? v.values() : operandTypeError(2, v, 'array');
  const out = items.map((d) => (typeof d === 'string' ? d : operandTypeError(2, d, 'string')));
  return out.length === 0 ? ['.'] : out;
}

/** The glob builtins. */
export const globBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'glob.match',
    signature: {
      args: [
        param('pattern', 'string'),
        param('delimiters', 'any<null, array[string]>'),
        param('match', 'string'),
      ],
      result: param('result', 'boolean'),
    },
    description: 'Parses and matches strings against the glob notation.',
    implementation: (args) => {
      const pattern = stringArg(args, 0);
      const delims = delimiters(args[1] ?? null);
      const match = stringArg(args, 2);
      return compileGlob(pattern, delims).test(match);
    },
  }),
  defineBuiltin({
    name: 'glob.quote_meta',
    signature: { args: [param('pattern', 'string')], result: param('output', 'string') },
    description:
      'Returns a string which represents a version of the pattern where all asterisks have been escaped.',
    implementation: (args) => stringArg(args, 0).replace(/[*?\\[\]{}]/g, '\\$&'),
  }),
];
