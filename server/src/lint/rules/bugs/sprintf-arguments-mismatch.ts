/** bugs/sprintf-arguments-mismatch: a format string whose verbs and values do not add up. */
import { defineRule } from '../../types';
import { callsIn } from '../../walk';

export default defineRule({
  id: 'sprintf-arguments-mismatch',
  category: 'bugs',
  description: 'Mismatch in `sprintf` arguments count',
  rationale: 'More verbs than values prints `%!v(MISSING)`; more values than verbs prints `%!(EXTRA ...)`.',
  check: (ctx) =>
    callsIn(ctx.module.rules).flatMap(({ call, name }) => {
      const [format, values] = call.args;
      if (name !== 'sprintf' || format?.type !== 'string' || values?.type !== 'array') return [];
      const verbs = (
        String(format.value)
          .replace(/%%/g, '')
          .match(/%[-+# 0-9.*]*[a-zA-Z]/g) ?? []
      ).length;
      if (verbs === values.items.length) return [];
      return [
        {
          location: call.location,
          message: `Mismatch in \`sprintf\` arguments count: ${verbs} in the format, ${values.items.length} given`,
        },
      ];
    }),
});
