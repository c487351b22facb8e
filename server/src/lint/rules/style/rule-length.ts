/** style/rule-length: rules over 30 lines. */
import { defineRule } from '../../types';

const MAX = 30;

export default defineRule({
  id: 'rule-length',
  category: 'style',
  description: 'Max rule length exceeded',
  rationale: 'Long rules do many things; smaller rules and functions are easier to test and to read.',
  defaultLevel: 'warning',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => r.location.end.line - r.location.start.line + 1 > MAX)
      .map((r) => ({
        location: r.head.location,
        message: `Rule is ${r.location.end.line - r.location.start.line + 1} lines (max ${MAX})`,
      })),
});
