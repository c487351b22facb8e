/** testing/print-or-trace-call: `print` or `trace` left in a policy (outside tests). */
import { defineRule } from '../../types';
import { callsIn } from '../../walk';

export default defineRule({
  id: 'print-or-trace-call',
  category: 'testing',
  description: 'Call to print or trace function',
  rationale:
    '`print` and `trace` are for debugging; left in a policy they add output and cost to every decision.',
  check: (ctx) =>
    ctx.isTest
      ? []
      : callsIn(ctx.module.rules)
          .filter(({ name }) => name === 'print' || name === 'trace')
          .map(({ call }) => ({ location: call.location })),
});
