/** bugs/zero-arity-function: `f() := ...`, a function without arguments. */
import { defineRule } from '../../types';

export default defineRule({
  id: 'zero-arity-function',
  category: 'bugs',
  description: 'Avoid functions without args',
  rationale:
    'A function without arguments is a rule in disguise (OPA treats `f()` heads as rules); write a rule.',
  check: (ctx) =>
    ctx.module.rules.filter((r) => r.head.emptyParens === true).map((r) => ({ location: r.head.location })),
});
