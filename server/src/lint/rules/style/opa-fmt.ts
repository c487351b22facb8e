/** style/opa-fmt: the file is not formatted as `opa fmt` formats it. */

import { formatSource } from '../../../rego/format';
import { lineLocation, locate } from '../../context';
import { defineRule } from '../../types';

export default defineRule({
  id: 'opa-fmt',
  category: 'style',
  description: 'File should be formatted with `opa fmt`',
  rationale: 'One layout for every policy keeps diffs about content, not whitespace.',
  fixable: true,
  check: (ctx) => {
    const r = formatSource(ctx.text, { target: ctx.module.regoVersion === 0 ? 'v0' : 'v1', file: ctx.file });
    if (!r.ok || r.text === ctx.text) return [];
    let line = 0;
    const formatted = r.text.split('\n');
    while (line < ctx.lines.length && ctx.lines[line] === formatted[line]) line++;
    return [
      {
        location: lineLocation(ctx, Math.min(line + 1, ctx.lines.length)),
        message: 'File should be formatted with `opa fmt`',
        fix: { title: 'Format the file', edits: [{ ...locate(ctx, 0, ctx.text.length), text: r.text }] },
      },
    ];
  },
});
