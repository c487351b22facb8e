/** style/default-over-else: a final `else := value` with no condition, which a `default` rule says. */
import type { ElseClause } from '../../../rego/syntax/ast';
import { defineRule, type Finding } from '../../types';

export default defineRule({
  id: 'default-over-else',
  category: 'style',
  description: 'Prefer default assignment over fallback `else`',
  rationale: 'A `default` rule states the fallback value once, where readers look for it.',
  check: (ctx) => {
    const out: Finding[] = [];
    for (const r of ctx.module.rules) {
      if (r.head.args) continue;
      let e: ElseClause | undefined = r.else;
      while (e?.else) e = e.else;
      if (e && e.body.exprs.length === 0) out.push({ location: e.location });
    }
    return out;
  },
});
