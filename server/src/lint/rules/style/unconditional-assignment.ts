/** style/unconditional-assignment: `p := x if { x := 1 }`, a value assigned in the body for nothing. */
import { defineRule } from '../../types';

export default defineRule({
  id: 'unconditional-assignment',
  category: 'style',
  description: 'Unconditional assignment in rule body',
  rationale: 'When the body only assigns the head value, `p := 1` says the same without the detour.',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => {
        const v = r.head.value;
        const only = r.body.exprs[0];
        return (
          v?.type === 'var' &&
          r.body.exprs.length === 1 &&
          (only?.type === 'assign' || only?.type === 'unify') &&
          only.left.type === 'var' &&
          only.left.name === v.name &&
          !only.with?.length
        );
      })
      .map((r) => ({ location: r.body.location })),
});
