/** testing/dubious-print-sprintf: `print(sprintf(...))`, where print takes the values itself. */
import { defineRule } from '../../types';
import { callName, callsIn } from '../../walk';

export default defineRule({
  id: 'dubious-print-sprintf',
  category: 'testing',
  description: 'Dubious use of print and sprintf',
  rationale:
    '`print` takes several values and prints undefined ones as `<undefined>`; inside `sprintf` an undefined value hides the whole line.',
  check: (ctx) =>
    callsIn(ctx.module.rules)
      .filter(
        ({ call, name }) =>
          name === 'print' && call.args.some((a) => a.type === 'call' && callName(a) === 'sprintf'),
      )
      .map(({ call }) => ({ location: call.location })),
});
