/** idiomatic/boolean-assignment: `p := input.x == 1`, a rule assigned a comparison. */
import { defineRule } from '../../types';
import { callName } from '../../walk';

const COMPARISONS = new Set(['equal', 'neq', 'lt', 'lte', 'gt', 'gte']);

export default defineRule({
  id: 'boolean-assignment',
  category: 'idiomatic',
  description: 'Prefer `if` over boolean assignment',
  rationale:
    '`p := input.x == 1` is false (not undefined) when the comparison fails, and reads unlike the rest of Rego; write `p if input.x == 1`.',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => r.head.value?.type === 'call' && COMPARISONS.has(callName(r.head.value)) && !r.isDefault)
      .map((r) => ({ location: r.head.location })),
});
