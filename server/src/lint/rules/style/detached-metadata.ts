/** style/detached-metadata: a `# METADATA` block separated from its rule by a blank line. */
import { defineRule, type Finding } from '../../types';

export default defineRule({
  id: 'detached-metadata',
  category: 'style',
  description: 'Detached metadata annotation',
  rationale:
    'A metadata block belongs directly above what it describes; a blank line makes it look detached.',
  check: (ctx) => {
    const out: Finding[] = [];
    const comments = ctx.module.comments;
    comments.forEach((c, i) => {
      if (c.text.trim() !== 'METADATA') return;
      let j = i;
      while (
        comments[j + 1] &&
        (comments[j + 1] as typeof c).location.start.line ===
          (comments[j] as typeof c).location.start.line + 1
      )
        j++;
      const end = (comments[j] as typeof c).location.start.line;
      const next = ctx.lines[end];
      if (next !== undefined && next.trim() === '' && end + 1 < ctx.lines.length)
        out.push({ location: c.location });
    });
    return out;
  },
});
