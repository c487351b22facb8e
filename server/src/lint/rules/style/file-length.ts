/** style/file-length: files over 500 lines. */
import { lineLocation } from '../../context';
import { defineRule } from '../../types';

const MAX = 500;

export default defineRule({
  id: 'file-length',
  category: 'style',
  description: 'Max file length exceeded',
  rationale: 'Very long policy files are hard to review; split them by concern into packages.',
  check: (ctx) =>
    ctx.lines.length > MAX
      ? [{ location: lineLocation(ctx, 1), message: `File has ${ctx.lines.length} lines (max ${MAX})` }]
      : [],
});
