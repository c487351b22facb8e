/** bugs/time-now-ns-twice: `time.now_ns()` called more than once in one rule. */
import { defineRule, type Finding } from '../../types';
import { callsIn } from '../../walk';

export default defineRule({
  id: 'time-now-ns-twice',
  category: 'bugs',
  description: 'Repeated calls to `time.now_ns`',
  rationale: '`time.now_ns()` gives the same value for the whole query; call it once and reuse the value.',
  check: (ctx) => {
    const out: Finding[] = [];
    for (const r of ctx.module.rules) {
      const calls = callsIn(r.body).filter(({ name }) => name === 'time.now_ns');
      for (const c of calls.slice(1)) out.push({ location: c.call.location });
    }
    return out;
  },
});
