/** style/no-whitespace-comment: `#comment` without a space after the `#`. */
import { locate } from '../../context';
import { defineRule } from '../../types';

export default defineRule({
  id: 'no-whitespace-comment',
  category: 'style',
  description: 'Comment should start with whitespace',
  rationale: '`# comment` is the convention of Rego (and of most languages with `#` comments).',
  fixable: true,
  check: (ctx) =>
    ctx.module.comments
      .filter((c) => c.text.length > 0 && !/^[\s#!-]/.test(c.text))
      .map((c) => {
        const after = c.location.start.offset + 1;
        return {
          location: c.location,
          fix: { title: 'Add a space after #', edits: [{ ...locate(ctx, after, after), text: ' ' }] },
        };
      }),
});
