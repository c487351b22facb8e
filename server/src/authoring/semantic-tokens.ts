/**
 * Semantic tokens: what the TextMate grammar cannot know. Packages, rule and function definitions
 * and references, builtin calls, local variables, and `input`, from the occurrences of a file.
 */
import type { AuthoringProject } from './project';
import { occurrencesOf } from './resolve';

/** The token types, in the order of the legend the server announces. */
export const TOKEN_TYPES = ['namespace', 'property', 'function', 'variable', 'parameter'] as const;
/** The token modifiers, in legend order (bit 0 = declaration, bit 1 = defaultLibrary). */
export const TOKEN_MODIFIERS = ['declaration', 'defaultLibrary'] as const;

/** One token: a 1-based line, a 1-based column, a length, a type index and modifier bits. */
export interface SemanticToken {
  line: number;
  column: number;
  length: number;
  type: number;
  modifiers: number;
}

/** The tokens of a file, in source order, one line each (multi-line spans are left out). */
export function semanticTokens(project: AuthoringProject, file: string): SemanticToken[] {
  const entry = project.entry(file);
  if (!entry) return [];
  const out: SemanticToken[] = [];
  let lastEnd = -1;
  for (const o of occurrencesOf(project, entry)) {
    const { start, end } = o.span;
    if (start.line !== end.line || start.offset < lastEnd) continue;
    const s = o.symbol;
    let type: number;
    let modifiers = o.definition ? 1 : 0;
    if (s.kind === 'package') type = 0;
    else if (s.kind === 'rule') type = o.call || project.rulesAt(s.path)[0]?.rule.kind === 'function' ? 2 : 1;
    else if (s.kind === 'builtin') {
      type = 2;
      modifiers |= 2;
    } else if (s.kind === 'local') type = 3;
    else continue;
    out.push({ line: start.line, column: start.column, length: end.offset - start.offset, type, modifiers });
    lastEnd = end.offset;
  }
  return out;
}
