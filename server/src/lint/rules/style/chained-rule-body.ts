/** style/chained-rule-body: `p if { a } { b }`, a second body chained to a head. */
import { defineRule } from '../../types';

export default defineRule({
  id: 'chained-rule-body',
  category: 'style',
  description: 'Avoid chaining rule bodies',
  rationale: 'Chained bodies are an OR that is easy to misread as one body; write the rule twice.',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => ctx.text[r.location.start.offset] === '{')
      .map((r) => ({ location: r.location })),
});
