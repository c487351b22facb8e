/**
 * Hover in `.rego` files: builtins and keywords with signature and description, rules and functions
 * with their `# METADATA` title and description and their clauses across files, packages, local
 * variables, and `input.` paths with what the input's schema says of them.
 */

import type { Location } from '../errors';
import { lookupBuiltin } from '../rego';
import { builtinMarkdown, ruleMarkdown } from './describe';
import { schemaAt, schemaType } from './input-paths';
import { keywordDoc } from './keywords';
import type { AuthoringProject } from './project';
import { occurrenceAt } from './resolve';
import { inCommentOrString, spanOf, wordAt } from './text';

/** A hover's Markdown and the span it describes. */
export interface HoverResult {
  markdown: string;
  span: Location;
  /** On a rule (not a function): its path, so the editor can add its current value. */
  rule?: string[];
}

/** The hover at `offset` of `file`; `root` shortens file names in it. */
export function hover(
  project: AuthoringProject,
  file: string,
  offset: number,
  root?: string,
): HoverResult | undefined {
  const entry = project.entry(file);
  if (!entry || inCommentOrString(entry.text, offset)) return undefined;
  const o = occurrenceAt(project, entry, offset);
  if (o) {
    const s = o.symbol;
    if (s.kind === 'builtin') {
      const def = lookupBuiltin(s.name);
      if (def) return { markdown: builtinMarkdown(def), span: o.span };
    } else if (s.kind === 'rule') {
      const defs = project.rulesAt(s.path);
      const markdown = ruleMarkdown(project, defs, root);
      const isRule = defs.length > 0 && defs.every((d) => d.rule.kind !== 'function');
      return { markdown, span: o.span, ...(isRule ? { rule: s.path } : {}) };
    } else if (s.kind === 'package') {
      const files = project.packages.get(s.path.join('.')) ?? [];
      return {
        markdown: [
          '```rego',
          `package ${s.path.join('.')}`,
          '```',
          '',
          `${files.length} file${files.length === 1 ? '' : 's'}, rules under \`data.${s.path.join('.')}\`.`,
        ].join('\n'),
        span: o.span,
      };
    } else if (s.kind === 'local') {
      return { markdown: ['```rego', `${s.name}: local variable`, '```'].join('\n'), span: o.span };
    } else if (s.kind === 'input') {
      const node = schemaAt(project.inputSchema, s.path);
      const type = schemaType(node);
      const lines = [
        '```rego',
        `input${s.path.map((p) => `.${p}`).join('')}${type ? `: ${type}` : ''}`,
        '```',
      ];
      if (node?.description) lines.push('', node.description);
      return { markdown: lines.join('\n'), span: o.span };
    }
  }
  const word = wordAt(entry.text, offset);
  const doc = word && keywordDoc(word.word);
  if (!word || !doc) return undefined;
  return {
    markdown: ['```rego', doc.syntax, '```', '', doc.description].join('\n'),
    span: spanOf(file, entry.starts, word.start, word.end),
  };
}
