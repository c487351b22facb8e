/**
 * Lint in the editor: the linter's violations as diagnostics (source `clearance-lint`, code the rule
 * id, merged with the parse and compile diagnostics of open `.rego` documents) and its safe fixes as
 * quick-fix code actions.
 */
import {
  type CodeAction,
  CodeActionKind,
  type Diagnostic,
  DiagnosticSeverity,
  type Range,
} from 'vscode-languageserver/node';
import { type LintConfig, type LintViolation, lintSource } from '../lint';
import { lintParsedWorkspace } from '../lint/workspace';
import { maxPolicyFileBytes } from '../policy/load';
import type { AuthoringState } from './authoring-project';
import { toDiagnostic, toRange, toUri } from './convert';
import { buildOpenPolicyDiagnostics } from './features';

/** The `source` of every lint diagnostic. */
export const LINT_SOURCE = 'clearance-lint';

/** Lint diagnostics are advice: error-level rules show as warnings, warning-level ones as information. */
function severityOf(v: LintViolation): DiagnosticSeverity {
  return v.level === 'error' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
}

/** The lint diagnostics of one document. */
export function lintDiagnostics(
  path: string,
  text: string,
  config: LintConfig | undefined,
  regoVersion: 0 | 1,
): Diagnostic[] {
  return lintSource(path, text, { ...(config ? { config } : {}), regoVersion }).map((v) => ({
    range: toRange(v.location),
    severity: severityOf(v),
    code: v.rule,
    source: LINT_SOURCE,
    message: `${v.message} (${v.category})`,
  }));
}

/**
 * Publishes a `.rego` document's diagnostics from its own parse (syntax errors and the per-file
 * lint rules) as it is opened or edited, before the policy's compile answers: always while no
 * policy has loaded yet (the first compile of a large workspace takes seconds), and afterwards when
 * the text has a syntax error (nothing else about the file can then be checked). The compile's
 * diagnostics replace these when the reload ends.
 */
export function publishEarlyRegoDiagnostics(
  doc: { path: string; text: string },
  policyLoaded: boolean,
  state: AuthoringState | undefined,
  config: LintConfig | undefined,
  regoVersion: 0 | 1,
  publish: (path: string, diagnostics: Diagnostic[]) => void,
): void {
  if (!doc.path.endsWith('.rego')) return;
  let byFile: Map<string, Diagnostic[]>;
  if (state && Buffer.byteLength(doc.text, 'utf8') <= maxPolicyFileBytes) {
    // The authoring project's parse: the completion or hover that follows an edit reuses it. Its
    // settings and bundle manifests come first, so a v0 bundle's file is not parsed as v1.
    state.refresh();
    state.project.setText(doc.path, doc.text);
    byFile = new Map([[doc.path, (state.project.entry(doc.path)?.errors ?? []).map(toDiagnostic)]]);
  } else byFile = buildOpenPolicyDiagnostics([doc], regoVersion);
  const syntaxErrors = (byFile.get(doc.path) ?? []).length > 0;
  if (policyLoaded && !syntaxErrors) return;
  addLintDiagnostics(byFile, [doc], config, regoVersion);
  publish(doc.path, byFile.get(doc.path) ?? []);
}

/** Adds the lint diagnostics of the open `.rego` documents to the diagnostics by file. */
export function addLintDiagnostics(
  byFile: Map<string, Diagnostic[]>,
  documents: Iterable<{ path: string; text: string }>,
  config: LintConfig | undefined,
  regoVersion: 0 | 1,
): void {
  for (const doc of documents) {
    if (!doc.path.endsWith('.rego')) continue;
    const lint = lintDiagnostics(doc.path, doc.text, config, regoVersion);
    byFile.set(doc.path, [...(byFile.get(doc.path) ?? []), ...lint]);
  }
}

/**
 * Adds the workspace rules' diagnostics (an unresolved import, say) to the open `.rego` documents,
 * computed over every policy file the authoring project has parsed, with the data it read (not the
 * loaded policy's, which the main thread would read whole from disk after every edit).
 */
export function addWorkspaceLintDiagnostics(
  byFile: Map<string, Diagnostic[]>,
  state: AuthoringState,
  openPaths: Iterable<string>,
  config: LintConfig | undefined,
): void {
  const open = new Set([...openPaths].filter((p) => p.endsWith('.rego')));
  if (open.size === 0) return;
  state.syncParsed();
  const violations = lintParsedWorkspace(state.project.allEntries(), {
    ...(config ? { config } : {}),
    data: state.project.data,
  });
  for (const v of violations) {
    const file = v.location.file;
    if (!open.has(file)) continue;
    const diagnostic: Diagnostic = {
      range: toRange(v.location),
      severity: severityOf(v),
      code: v.rule,
      source: LINT_SOURCE,
      message: `${v.message} (${v.category})`,
      ...(v.related
        ? {
            relatedInformation: v.related.map((r) => ({
              location: { uri: toUri(r.location.file), range: toRange(r.location) },
              message: r.message,
            })),
          }
        : {}),
    };
    byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
  }
}

/** Quick fixes for the lint violations with a safe fix that touch `range`. */
export function lintCodeActions(
  uri: string,
  path: string,
  text: string,
  range: Range,
  config: LintConfig | undefined,
  regoVersion: 0 | 1,
): CodeAction[] {
  const overlaps = (r: Range) =>
    !(
      r.end.line < range.start.line ||
      (r.end.line === range.start.line && r.end.character < range.start.character)
    ) &&
    !(
      r.start.line > range.end.line ||
      (r.start.line === range.end.line && r.start.character > range.end.character)
    );
  return lintSource(path, text, { ...(config ? { config } : {}), regoVersion })
    .filter((v) => v.fix && overlaps(toRange(v.location)))
    .map((v) => ({
      title: `${v.fix?.title} (${v.rule})`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [
        {
          range: toRange(v.location),
          severity: severityOf(v),
          code: v.rule,
          source: LINT_SOURCE,
          message: `${v.message} (${v.category})`,
        },
      ],
      edit: {
        changes: {
          [uri]: (v.fix?.edits ?? []).map((e) => ({
            range: toRange({ start: e.start, end: e.end }),
            newText: e.text,
          })),
        },
      },
    }));
}
