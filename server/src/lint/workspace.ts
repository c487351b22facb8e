/**
 * Lint rules that need the whole workspace (Regal's aggregate rules): each reads every policy file's
 * context at once, and the data documents, to report what no single file shows, such as an import
 * that no package, rule or data file of the workspace defines. `lintWorkspace` runs them.
 */
import type { JsonValue } from '../rego';
import type { Module } from '../rego/syntax/ast';
import { parseModule } from '../rego/syntax/parser';
import { type LintConfig, levelFor } from './config';
import circularImport from './rules/workspace/circular-import';
import conflictingRules from './rules/workspace/conflicting-rules';
import importShadowsRule from './rules/workspace/import-shadows-rule';
import preferPackageImports from './rules/workspace/prefer-package-imports';
import unresolvedImport from './rules/workspace/unresolved-import';
import type { LintViolation } from './types';
import type { WorkspaceFile, WorkspaceLintRule } from './workspace-model';

export {
  defineWorkspaceRule,
  type LintWorkspace,
  resolveImport,
  type WorkspaceLintRule,
} from './workspace-model';

/** Every workspace rule, listed once: the server, the CLI, the docs and the tests read this list. */
export const WORKSPACE_LINT_RULES: WorkspaceLintRule[] = [
  unresolvedImport,
  preferPackageImports,
  circularImport,
  conflictingRules,
  importShadowsRule,
];

/** Lints the workspace's policy files together; files that do not parse take no part. */
export function lintWorkspace(
  sources: Array<{ file: string; text: string }>,
  options: WorkspaceLintOptions = {},
): LintViolation[] {
  const parsed = sources.map(({ file, text }) => {
    const { module, errors } = parseModule(text, { file, regoVersion: options.regoVersion ?? 1 });
    return { file, ...(module && errors.length === 0 ? { module } : {}) };
  });
  return lintParsedWorkspace(parsed, options);
}

/** Options for the workspace rules: the lint configuration and the data documents. */
export interface WorkspaceLintOptions {
  config?: LintConfig;
  regoVersion?: 0 | 1;
  data?: JsonValue;
}

/**
 * Lints files already parsed (the language server's per-file parses, so a re-check parses nothing);
 * a file without a module takes no part.
 */
export function lintParsedWorkspace(
  files: Array<{ file: string; module?: Module | undefined }>,
  options: WorkspaceLintOptions = {},
): LintViolation[] {
  const parsed: WorkspaceFile[] = [];
  for (const f of files)
    if (f.module)
      parsed.push({ file: f.file, module: f.module, packageName: f.module.package.path.join('.') });
  const ws = { files: parsed, data: options.data ?? {} };
  const out: LintViolation[] = [];
  for (const rule of WORKSPACE_LINT_RULES)
    for (const f of rule.check(ws)) {
      const level = levelFor(rule, f.location.file, options.config);
      if (level === 'ignore') continue;
      out.push({
        rule: rule.id,
        category: rule.category,
        level,
        message: f.message ?? rule.description,
        location: f.location,
        ...(f.related ? { related: f.related } : {}),
      });
    }
  return out;
}
