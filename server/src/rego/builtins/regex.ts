/**
 * Regular expressions with Go's RE2 semantics (via re2js): regex.match, is_valid, split, find_n,
 * find_all_string_submatch_n, replace, template_match. Patterns are cached once compiled.
 */
import { RE2JS } from 're2js';
import type { Value } from '../value/value';
import {
  type BuiltinDef,
  builtinError,
  chargeBytes,
  defineBuiltin,
  intArg,
  param,
  stringArg,
} from './registry';

const cache = new Map<string, RE2JS>();

/** Compiles (or reuses) a pattern; a bad pattern is a builtin error worded like Go's. */
export function compileRegex(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      return builtinError(e instanceof Error ? e.message : String(e));
    }
    if (cache.size > 500) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** One match: the whole match and each group (null when a group did not take part). */
interface Match {
  start: number;
  end: number;
  groups: Array<string | null>;
}

/** All non-overlapping matches, Go-style (an empty match right after a match is skipped). */
export function findAll(re: RE2JS, s: string, n: number): Match[] {
  const out: Match[] = [];
  const m = re.matcher(s);
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && m.find()) {
    const start = m.start();
    const end = m.end();
    if (start === end && start === prevEnd) continue;
    const groups: Array<string | null> = [];
    for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
    out.push({ start, end, groups });
    prevEnd = end;
  }
  return out;
}

/** Expands Go's replacement template: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expand(template: string, match: Match, names: Record<string, number>): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_all, dollar: string, braced?: string, bare?: string) => {
      if (dollar === '$') return '$';
      const name = braced ?? bare ?? '';
      const index = /^\d+$/.test(name) ? Number(name) : names[name];
      if (index === undefined) return '';
      return match.groups[index] ?? '';
    },
  );
}

/** The regex builtins. */
export const regexBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'regex.match',
    signature: {
      args: [param('pattern', 'string'), param('value', 'string')],
      result: param('result', 'boolean'),
    },
    description: 'Matches a string against a regular expression (RE2 syntax).',
    implementation: (args) => compileRegex(stringArg(args, 0)).test(stringArg(args, 1)),
  }),
  defineBuiltin({
    name: 're_match',
    signature: {
      args: [param('pattern', 'string'), param('value', 'string')],
      result: param('result', 'boolean'),
    },
    description: 'Matches a string against a regular expression (deprecated: use regex.match).',
    implementation: (args) => compileRegex(stringArg(args, 0)).test(stringArg(args, 1)),
  }),
  defineBuiltin({
    name: 'regex.is_valid',
    signature: { args: [param('pattern', 'string')], result: param('result', 'boolean') },
    description: 'Checks if a string is a valid regular expression (RE2 syntax).',
    implementation: ([p]) => {
      if (typeof p !== 'string') return false;
      try {
        RE2JS.compile(p);
        return true;
      } catch {
        return false;
      }
    },
  }),
  defineBuiltin({
    name: 'regex.split',
    signature: {
      args: [param('pattern', 'string'), param('value', 'string')],
      result: param('output', 'array[string]'),
    },
    description: 'Splits the input string by the occurrences of the given pattern.',
    implementation: (args) => {
      const re = compileRegex(stringArg(args, 0));
      const s = stringArg(args, 1);
      if (s === '') return [''];
      const out: Value[] = [];
      let last = 0;
      for (const m of findAll(re, s, -1)) {
        if (m.end === 0) continue;
        out.push(s.slice(last, m.start));
        last = m.end;
      }
      out.push(s.slice(last));
      return out;
    },
  }),
  defineBuiltin({
    name: 'regex.find_n',
    signature: {
      args: [param('pattern', 'string'), param('value', 'string'), param('number', 'number')],
      result: param('output', 'array[string]'),
    },
    description:
      'Returns the specified number of matches when matching the input against the pattern (-1: all).',
    implementation: (args) => {
      const re = compileRegex(stringArg(args, 0));
      return findAll(re, stringArg(args, 1), intArg(args, 2)).map((m) => m.groups[0] ?? '');
    },
  }),
  defineBuiltin({
    name: 'regex.find_all_string_submatch_n',
    signature: {
      args: [param('pattern', 'string'), param('value', 'string'), param('number', 'number')],
      result: param('output', 'array[array[string]]'),
    },
    description: 'Returns all successive matches of the expression, with their submatches.',
    implementation: (args) => {
      const re = compileRegex(stringArg(args, 0));
      return findAll(re, stringArg(args, 1), intArg(args, 2)).map((m) => m.groups.map((g) => g ?? ''));
    },
  }),
  defineBuiltin({
    name: 'regex.replace',
    signature: {
      args: [param('s', 'string'), param('pattern', 'string'), param('value', 'string')],
      result: param('output', 'string'),
    },
    description: 'Replaces all matches of a regular expression, expanding `$1`-style references.',
    implementation: (args, ctx) => {
      const s = stringArg(args, 0);
      const re = compileRegex(stringArg(args, 1));
      const value = stringArg(args, 2);
      const names = re.namedGroups();
      let out = '';
      let last = 0;
      let pending = 0;
      for (const m of findAll(re, s, -1)) {
        const piece = s.slice(last, m.start) + expand(value, m, names);
        // Charged as the output grows: every match may expand to a long replacement.
        pending += piece.length;
        if (pending > 65536) {
          chargeBytes(ctx, pending);
          pending = 0;
        }
        out += piece;
        last = m.end;
      }
      return out + s.slice(last);
    },
  }),
  defineBuiltin({
    name: 'regex.template_match',
    signature: {
      args: [
        param('template', 'string'),
        param('value', 'string'),
        param('delimiter_start', 'string'),
        param('delimiter_end', 'string'),
      ],
      result: param('result', 'boolean'),
    },
    description: 'Matches a string against a pattern where regular expressions sit between delimiters.',
    implementation: (args) => {
      const template = stringArg(args, 0);
      const value = stringArg(args, 1);
      const open = stringArg(args, 2);
      const close = stringArg(args, 3);
      if ([...open].length !== 1 || [...close].length !== 1)
        builtinError('delimiters must be single characters');
      let pattern = '^';
      let i = 0;
      while (i < template.length) {
        const s = template.indexOf(open, i);
        if (s < 0) {
          pattern += RE2JS.quote(template.slice(i));
          break;
        }
        pattern += RE2JS.quote(template.slice(i, s));
        let depth = 0;
        let j = s;
        for (; j < template.length; j++) {
          if (template[j] === open) depth++;
          else if (template[j] === close) {
            depth--;
            if (depth === 0) break;
          }
        }
        if (depth !== 0) builtinError(`unbalanced braces in template ${template}`);
        pattern += `(${template.slice(s + open.length, j)})`;
        i = j + close.length;
      }
      pattern += '$';
      return compileRegex(pattern).test(value);
    },
  }),
];
