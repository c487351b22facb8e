/**
 * The Rego linter: Regal's most useful rules on the engine's AST, pure (no editor imports), one
 * rule per file under rules/<category>/, listed in registry.ts. `lintSource` runs them on a file.
 */
import { parseModule } from '../rego/syntax/parser';
import { type LintConfig, levelFor } from './config';
import { createContext } from './context';
import { LINT_RULES } from './registry';
import type { LintViolation } from './types';

export { type LintConfig, matchesGlob, type RuleConfig } from './config';
export { LINT_RULES, lookupLintRule } from './registry';
export type { LintCategory, LintEdit, LintFix, LintLevel, LintRule, LintViolation } from './types';

/** Options for `lintSource`. */
export interface LintOptions {
  config?: LintConfig;
  /** The Rego version to read the file as; v0 is tried when v1 does not parse and none is given. */
  regoVersion?: 0 | 1;
}

/** Lints one file; a file that does not parse gives no violations (its parse errors are reported elsewhere). */
export function lintSource(file: string, text: string, options: LintOptions = {}): LintViolation[] {
  let parsed = parseModule(text, { file, regoVersion: options.regoVersion ?? 1 });
  if (options.regoVersion === undefined && (!parsed.module || parsed.errors.length > 0)) {
    const v0 = parseModule(text, { file, regoVersion: 0 });
    if (v0.module && v0.errors.length === 0) parsed = v0;
  }
  if (!parsed.module || parsed.errors.length > 0) return [];
  const ctx = createContext(file, text, parsed.module);
  const out: LintViolation[] = [];
  for (const rule of LINT_RULES) {
    const level = levelFor(rule, file, options.config);
    if (level === 'ignore') continue;
    for (const f of rule.check(ctx)) {
      const v: LintViolation = {
        rule: rule.id,
        category: rule.category,
        level,
        message: f.message ?? rule.description,
        location: f.location,
      };
      if (f.fix) v.fix = f.fix;
      out.push(v);
    }
  }
  return out.sort(
    (a, b) => a.location.start.offset - b.location.start.offset || a.rule.localeCompare(b.rule),
  );
}
