/** idiomatic/single-item-in: `x in {"a"}`, membership in a one-item collection. */
import { defineRule } from '../../types';
import { callsIn } from '../../walk';

export default defineRule({
  id: 'single-item-in',
  category: 'idiomatic',
  description: 'Avoid `in` for single item collection',
  rationale: 'Membership in a collection of one item is an equality: `x == "a"` says it directly.',
  check: (ctx) =>
    callsIn(ctx.module.rules)
      .filter(({ call, name }) => {
        const coll = call.args[call.args.length - 1];
        if (name !== 'internal.member_2' || !coll) return false;
        return (coll.type === 'array' || coll.type === 'set') && coll.items.length === 1;
      })
      .map(({ call }) => ({ location: call.location })),
});
