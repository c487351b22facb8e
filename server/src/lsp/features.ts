/** The LSP shapes of Clearance's answers: diagnostics for calls and policies, and hovers. */
import { dirname, relative } from 'node:path';
import type { Diagnostic, Hover, Position } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { ClearanceSettings } from '../config/settings';
import {
  findAnsweringRule,
  formatDiagnosticMessage,
  formatHover,
  type HoverOptions,
} from '../decision/answer';
import type { OtherAction } from '../decision/other-actions';
import type { DecidedCall } from '../decision/scan';
import { isSuppressed } from '../decision/suppression';
import type { ClearanceError } from '../errors';
import { type Identity, redactTokensInText } from '../identity';
import { type LoadedPolicy, maxPolicyFileBytes } from '../policy/load';
import { parseModule } from '../rego';
import type { HttpCall } from '../scanner';
import { toDiagnostic, toRange, toSeverity, toUri } from './convert';

/** The severity of a conditional call's diagnostic, or undefined when the setting says none. */
function conditionalSeverity(settings: ClearanceSettings): DiagnosticSeverity | undefined {
  const setting = settings.diagnostics.conditionalSeverity;
  if (setting === 'none') return undefined;
  return setting === 'information' ? DiagnosticSeverity.Information : DiagnosticSeverity.Hint;
}

/** The severity of a call's diagnostic by its verdict; undefined when it gets none. */
function severityFor(decision: DecidedCall['decision'], settings: ClearanceSettings) {
  const verdict = decision.verdict;
  // Without an identity nothing was asked: no call is flagged (the status bar and one notice say why).
  if (decision.undecided?.kind === 'no-identity' || decision.undecided?.kind === 'ungoverned')
    return undefined;
  // A configuration mistake, not a finding about the call: shown, but never as a problem with the code.
  if (decision.undecided?.kind === 'entrypoint-undefined') return DiagnosticSeverity.Information;
  if (verdict === 'denied') return toSeverity(settings.diagnostics.deniedSeverity);
  if (verdict === 'error') return DiagnosticSeverity.Error;
  if (verdict === 'conditional') return conditionalSeverity(settings);
  return undefined;
}

const diagnosticCodes = { denied: 'call_denied', error: 'decision_error', conditional: 'call_conditional' };

/** The diagnostic code of a decision: an undecided call says why (`entrypoint_undefined`). */
function codeFor(decision: DecidedCall['decision']): string {
  if (decision.undecided) return decision.errors[0]?.code ?? 'decision_error';
  return decision.verdict === 'allowed' ? 'call_allowed' : diagnosticCodes[decision.verdict];
}

/**
 * The diagnostics of a code document: one per denied call, one per conditional call unless the
 * setting says none, plus what kept the scan from finishing. Suppressed calls get none.
 */
export function buildCodeDiagnostics(
  decided: { calls: DecidedCall[]; errors: ClearanceError[] },
  identity: Identity,
  settings: ClearanceSettings,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const item of decided.calls) {
    const { verdict } = item.decision;
    if (verdict === 'allowed' || isSuppressed(item.call)) continue;
    const severity = severityFor(item.decision, settings);
    if (severity === undefined) continue;
    const call = item.call;
    // A multi-line call would underline whole lines; the callee through the end of its first line reads better.
    const span = call.location.start.line === call.location.end.line ? call.location : call.calleeLocation;
    // On a conditional call this is the rule that sets the condition, not the default.
    const rule = findAnsweringRule(item.decision);
    diagnostics.push({
      range: toRange(span),
      severity,
      source: 'clearance',
      code: codeFor(item.decision),
      message: formatDiagnosticMessage({ call: item.input, decision: item.decision, identity }),
      ...(rule
        ? {
            relatedInformation: [
              {
                location: { uri: toUri(rule.location.file), range: toRange(rule.headLocation) },
                message: `${item.decision.verdict === 'conditional' ? 'the rule that sets the condition' : 'deciding rule'}: ${rule.text}`,
              },
            ],
          }
        : {}),
    });
  }
  for (const error of decided.errors)
    diagnostics.push({ ...toDiagnostic(error), severity: DiagnosticSeverity.Information });
  return diagnostics;
}

/** The diagnostics of every policy and data file with a problem, keyed by path. */
export function buildPolicyDiagnostics(policy: LoadedPolicy): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>();
  for (const error of policy.errors) {
    const file = error.location?.file;
    if (!file) continue;
    const list = byFile.get(file) ?? [];
    list.push(toDiagnostic(error));
    byFile.set(file, list);
  }
  return byFile;
}

/**
 * Parse errors of open `.rego` documents that are not part of the workspace policy (outside
 * `clearance.policy.paths`, or not saved yet): they are checked as you type all the same.
 */
export function buildOpenPolicyDiagnostics(
  documents: Array<{ path: string; text: string }>,
  regoVersion: 0 | 1 = 1,
): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>();
  for (const doc of documents) {
    const bytes = Buffer.byteLength(doc.text, 'utf8');
    if (bytes > maxPolicyFileBytes) {
      const start = { line: 1, column: 1, offset: 0 };
      const message = `${(bytes / 1048576).toFixed(1)} MB is over the ${maxPolicyFileBytes / 1048576} MB limit for policy files; not checked`;
      byFile.set(doc.path, [
        toDiagnostic({ code: 'file_too_large', message, location: { file: doc.path, start, end: start } }),
      ]);
      continue;
    }
    const { errors } = parseModule(doc.text, { file: doc.path, regoVersion });
    byFile.set(doc.path, errors.map(toDiagnostic));
  }
  return byFile;
}

/** The decided call whose expression covers `position`, if there is one. */
export function findDecidedCall(calls: DecidedCall[], position: Position): DecidedCall | undefined {
  return calls.find((item) => contains(toRange(item.call.location), position));
}

/** The diagnostics with anything token-like blanked out of their messages, as every server sends them. */
export function redactDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => ({
    ...d,
    message: typeof d.message === 'string' ? redactTokensInText(d.message) : d.message,
    ...(d.relatedInformation
      ? {
          relatedInformation: d.relatedInformation.map((r) => ({
            ...r,
            message: redactTokensInText(r.message),
          })),
        }
      : {}),
  }));
}

/**
 * The policy's errors by file, with the parse errors of open `.rego` documents that are not part of
 * the policy (a scratch file, a file outside `clearance.policy.paths`).
 */
export function buildPolicyAndOpenDiagnostics(
  policy: LoadedPolicy,
  documents: Iterable<{ path: string; text: string }>,
  regoVersion: 0 | 1,
): Map<string, Diagnostic[]> {
  const byFile = buildPolicyDiagnostics(policy);
  const open = [...documents].filter((d) => d.path.endsWith('.rego') && !policy.regoFiles.includes(d.path));
  for (const [file, diagnostics] of buildOpenPolicyDiagnostics(open, regoVersion))
    byFile.set(file, diagnostics);
  return byFile;
}

/** What a call's hover says first about the policy itself: none found, or broken and decided with the last good one. */
export function describePolicyState(
  policy: LoadedPolicy | undefined,
  decisionPolicy: LoadedPolicy | undefined,
  hasPolicy: boolean,
): string | undefined {
  if (!hasPolicy)
    return 'No Rego policy was found in this workspace, so nothing here is a policy decision. Set clearance.policy.paths.';
  if (policy && policy !== decisionPolicy)
    return `The policy has errors (see the Problems panel): decided with the last version that loaded whole, ${decisionPolicy?.version}.`;
  return undefined;
}

/**
 * The hover for the call under `position`, if there is one; `others` decides the other actions on
 * it; `options` says how the editor renders it and where the call is (for its input links).
 */
export function findCallAt(
  calls: DecidedCall[],
  position: Position,
  identity: Identity,
  note?: string,
  others?: (item: DecidedCall) => OtherAction[],
  options: Omit<HoverOptions, 'target' | 'suppressed'> & { uri?: string } = {},
): Hover | null {
  const item = findDecidedCall(calls, position);
  if (!item) return null;
  // An undecided call has no other actions to show: nothing was asked of the policy.
  const otherActions = item.decision.undecided ? undefined : others?.(item);
  const explained = {
    call: item.input,
    decision: item.decision,
    identity,
    ...(otherActions ? { otherActions } : {}),
  };
  return {
    contents: {
      kind: 'markdown',
      value:
        formatHover(explained, Date.now(), {
          ...(options.html ? { html: true } : {}),
          ...(options.commands ? { commands: true } : {}),
          ...(options.uri
            ? { target: { uri: options.uri, position: toRange(item.call.location).start } }
            : {}),
          suppressed: isSuppressed(item.call),
        }) +
        formatVia(item) +
        (note ? `\n\n_${note}_` : ''),
    },
    range: toRange(item.call.location),
  };
}

// Why a call whose client is unknown was taken for a request (see scanner/recognizers/shape-calls.ts).
const SHAPE_REASONS: Record<NonNullable<HttpCall['shape']>, string> = {
  'method-argument':
    'taken for an HTTP call by its shape: an HTTP method and an API path are handed to it (its client library is not one Clearance knows)',
  'verb-name':
    'taken for an HTTP call by its shape: a method named for an HTTP verb called with an API path (its client library is not one Clearance knows)',
};

/**
 * The line naming the project client an inferred call goes through: via `Adapter.get` (../adapters.py:135),
 * or the OpenAPI operation a generated client's call is: operation `getPetById` of api/petstore.yaml.
 */
function formatVia(item: DecidedCall): string {
  const operation = item.call.operation;
  if (operation !== undefined) return `\n\noperation \`${operation.id}\` of ${operation.document}`;
  const shape = item.call.shape;
  if (shape !== undefined) return `\n\n${SHAPE_REASONS[shape]}`;
  const via = item.call.via;
  if (via === undefined) return '';
  const where =
    via.file === item.file ? via.file.split(/[\\/]/).pop() : relative(dirname(item.file), via.file);
  return `\n\nvia \`${via.name}\` (${where}:${via.line})`;
}

/** Whether `p` is inside `range` (end excluded). */
export function contains(range: { start: Position; end: Position }, p: Position): boolean {
  const afterStart =
    p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd =
    p.line < range.end.line || (p.line === range.end.line && p.character < range.end.character);
  return afterStart && beforeEnd;
}
