/** style/function-arg-return: a builtin's result taken as an extra argument (`count(x, n)`). */
import { lookupBuiltin } from '../../../rego/builtins';
import { defineRule } from '../../types';
import { callName, exprsIn } from '../../walk';

export default defineRule({
  id: 'function-arg-return',
  category: 'style',
  description: 'Function argument used for return value',
  rationale: '`count(x, n)` hides an assignment in an argument; `n := count(x)` shows it.',
  check: (ctx) =>
    exprsIn(ctx.module.rules).flatMap((e) => {
      if (e.type !== 'term' || e.term.type !== 'call' || e.term.infix) return [];
      const def = lookupBuiltin(callName(e.term));
      if (!def || def.signature.variadic) return [];
      return e.term.args.length === def.signature.args.length + 1 ? [{ location: e.term.location }] : [];
    }),
});
