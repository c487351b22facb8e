/** idiomatic/non-raw-regex-pattern: a regex pattern written as a quoted string with escapes. */
import { locate } from '../../context';
import { defineRule } from '../../types';
import { callsIn } from '../../walk';

/** Builtins whose first argument is a pattern. */
const PATTERN_FIRST = new Set([
  'regex.match',
  'regex.is_valid',
  'regex.split',
  'regex.find_n',
  'regex.find_all_string_submatch_n',
  'regex.replace',
  'regex.template_match',
  'regex.globs_match',
]);

export default defineRule({
  id: 'non-raw-regex-pattern',
  category: 'idiomatic',
  description: 'Use raw strings for regex patterns',
  rationale:
    'In a quoted string every backslash is doubled (`"\\\\d"`); a raw string (`` `\\d` ``) reads as the pattern it is.',
  fixable: true,
  check: (ctx) =>
    callsIn(ctx.module.rules).flatMap(({ call, name }) => {
      const idx = name === 'regex.replace' ? 1 : 0;
      const p = name === 'regex.replace' ? call.args[1] : call.args[0];
      if (!PATTERN_FIRST.has(name) || !p || p.type !== 'string') return [];
      const src = ctx.text.slice(p.location.start.offset, p.location.end.offset);
      if (!src.startsWith('"') || !src.includes('\\\\')) return [];
      const value = String(p.value);
      const fixable = !value.includes('`') && idx >= 0;
      return [
        {
          location: p.location,
          ...(fixable
            ? {
                fix: {
                  title: 'Use a raw string',
                  edits: [
                    { ...locate(ctx, p.location.start.offset, p.location.end.offset), text: `\`${value}\`` },
                  ],
                },
              }
            : {}),
        },
      ];
    }),
});
