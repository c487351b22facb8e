/** performance/walk-no-path: `walk(x, [path, value])` with `path` unused, which builds every path for nothing. */
import { defineRule, type Finding } from '../../types';
import { callsIn, termsIn } from '../../walk';

export default defineRule({
  id: 'walk-no-path',
  category: 'performance',
  description: 'Call to `walk` can be optimized',
  rationale: 'When the path is not used, `walk(x, [_, value])` lets OPA skip building every path.',
  check: (ctx) => {
    const out: Finding[] = [];
    for (const rule of ctx.module.rules) {
      const vars = termsIn(rule).filter((t) => t.type === 'var');
      for (const { call, name } of callsIn(rule)) {
        const pair = call.args[1];
        const path = pair?.type === 'array' ? pair.items[0] : undefined;
        if (name !== 'walk' || path?.type !== 'var' || path.generated) continue;
        if (vars.filter((v) => v.type === 'var' && v.name === path.name).length > 1) continue;
        out.push({
          location: call.location,
          message: `Path \`${path.name}\` of walk is not used: write \`_\``,
        });
      }
    }
    return out;
  },
});
