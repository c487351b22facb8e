/** idiomatic/use-strings-count: `count(indexof_n(s, x))`, which is `strings.count(s, x)`. */
import { defineRule } from '../../types';
import { callName, callsIn } from '../../walk';

export default defineRule({
  id: 'use-strings-count',
  category: 'idiomatic',
  description: 'Use `strings.count` where possible',
  rationale: '`strings.count` says what is counted and does not build the list of indexes.',
  check: (ctx) =>
    callsIn(ctx.module.rules)
      .filter(({ call, name }) => {
        const arg = call.args[0];
        return name === 'count' && arg?.type === 'call' && callName(arg) === 'indexof_n';
      })
      .map(({ call }) => ({ location: call.location })),
});
