/** Lint configuration (the `lint:` section of `.clearance.yaml`): levels per rule and ignored files. */
import type { LintLevel, LintRule } from './types';

/** One rule's settings. */
export interface RuleConfig {
  level?: LintLevel;
  /** Glob patterns (`*`, `**`) of files the rule does not check. */
  ignore?: { files?: string[] };
}

/** The `lint:` section. */
export interface LintConfig {
  /** Glob patterns of files not linted at all. */
  ignore?: { files?: string[] };
  /** Settings per rule id. */
  rules?: Record<string, RuleConfig>;
}

/** Matches a path against a glob (`*` within a segment, `**` across), tried on every path suffix. */
export function matchesGlob(path: string, pattern: string): boolean {
  const norm = path.replace(/\\/g, '/');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`(^|/)${re}$`).test(norm);
}

/** The level a rule runs at for a file, `ignore` when it does not run. */
export function levelFor(
  rule: Pick<LintRule, 'id' | 'category' | 'defaultLevel'>,
  file: string,
  config: LintConfig | undefined,
): LintLevel {
  if (config?.ignore?.files?.some((p) => matchesGlob(file, p))) return 'ignore';
  // Regal groups rules by category (`rules: {style: {line-length: ...}}`); both forms are read.
  const nested = config?.rules?.[rule.category] as Record<string, RuleConfig> | undefined;
  const own = config?.rules?.[rule.id] ?? nested?.[rule.id];
  if (own?.ignore?.files?.some((p) => matchesGlob(file, p))) return 'ignore';
  return own?.level ?? rule.defaultLevel ?? 'error';
}
