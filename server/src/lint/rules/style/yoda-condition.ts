/** style/yoda-condition: `"admin" == input.role`, the constant first. */
import { locate } from '../../context';
import { defineRule } from '../../types';
import { callsIn, isScalar } from '../../walk';

const SWAPPABLE: Record<string, string> = { equal: '==', neq: '!=' };

export default defineRule({
  id: 'yoda-condition',
  category: 'style',
  description: 'Yoda condition, it is',
  rationale: 'Comparisons read best with the value examined on the left and the constant on the right.',
  fixable: true,
  check: (ctx) =>
    callsIn(ctx.module.rules).flatMap(({ call, name }) => {
      const [a, b] = call.args;
      if (
        !call.infix ||
        !a ||
        !b ||
        !isScalar(a) ||
        isScalar(b) ||
        !['equal', 'neq', 'lt', 'lte', 'gt', 'gte'].includes(name)
      )
        return [];
      const op = SWAPPABLE[name];
      const src = (t: typeof a) => ctx.text.slice(t.location.start.offset, t.location.end.offset);
      return [
        {
          location: call.location,
          ...(op
            ? {
                fix: {
                  title: 'Swap the operands',
                  edits: [
                    {
                      ...locate(ctx, a.location.start.offset, b.location.end.offset),
                      text: `${src(b)} ${op} ${src(a)}`,
                    },
                  ],
                },
              }
            : {}),
        },
      ];
    }),
});
