/** style/line-length: lines over 120 characters. */
import { lineLocation } from '../../context';
import { defineRule } from '../../types';

const MAX = 120;

export default defineRule({
  id: 'line-length',
  category: 'style',
  description: 'Line too long',
  rationale: 'Long lines are hard to read and to review side by side.',
  defaultLevel: 'warning',
  check: (ctx) =>
    ctx.lines.flatMap((l, i) =>
      l.length > MAX && /\s/.test(l.trim())
        ? [{ location: lineLocation(ctx, i + 1), message: `Line too long (${l.length} > ${MAX})` }]
        : [],
    ),
});
