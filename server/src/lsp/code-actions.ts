/**
 * Code actions on a call: open the rule that decided it, evaluate it as another identity, open or
 * copy the exact input it was decided with, copy an access request, and suppress it with a
 * `clearance: ignore` comment on the line above.
 */
import { type CodeAction, CodeActionKind, type Diagnostic, type Range } from 'vscode-languageserver';
import { findAnsweringRule } from '../decision/answer';
import { formatRuleSite } from '../decision/explain';
import type { DecidedCall } from '../decision/scan';
import { isSuppressed } from '../decision/suppression';
import type { RuleRef } from '../rego';
import { evaluateCallCommand } from './authoring-protocol';
import type { ClientFeatures } from './client-features';
import { toRange, toUri } from './convert';
import { contains } from './features';

/** The server command that opens a rule's clause in the editor (`window/showDocument`). */
export const openRuleCommand = 'clearance.server.openRule';
/** The server command that returns a call's access request as Markdown. */
export const accessRequestCommand = 'clearance.server.accessRequest';
/** The client command that copies a call's access request to the clipboard (client/src/commands.ts). */
export const copyAccessRequestCommand = 'clearance.copyAccessRequest';
/** The client command that re-decides a call for another identity (registered by the client). */
export const evaluateAsCommand = 'clearance.evaluateAs';

/** The client command that opens the exact input a call was decided with (client/src/commands.ts). */
export const openInputCommand = 'clearance.openInput';
/** The client command that copies that input as `input.json`. */
export const copyInputCommand = 'clearance.copyInput';

/**
 * The rule to open for a decision: the one that decided; for a conditional call the rule that sets
 * the condition, not the default.
 */
export function findDecidingRule(item: DecidedCall): RuleRef | undefined {
  return findAnsweringRule(item.decision);
}

/** The comment that suppresses a call, in the syntax of the document's language. */
export function formatSuppressComment(path: string): string {
  return /\.py$/i.test(path) ? '# clearance: ignore' : '// clearance: ignore';
}

/**
 * The code actions for the calls that `range` touches in the document at `uri`. Actions that need
 * more than standard LSP (showing a document, a client command) are offered only to clients that
 * support them.
 */
export function buildCodeActions(
  uri: string,
  path: string,
  text: string,
  calls: DecidedCall[],
  range: Range,
  diagnostics: Diagnostic[],
  client: ClientFeatures,
): CodeAction[] {
  const actions: CodeAction[] = [];
  const lines = text.split('\n');
  for (const item of calls) {
    if (isSuppressed(item.call)) continue;
    const callRange = toRange(item.call.location);
    if (!overlaps(callRange, range)) continue;
    const position = callRange.start;
    const related = diagnostics.filter((d) => d.source === 'clearance' && overlaps(d.range, callRange));
    const rule = findDecidingRule(item);
    if (rule && client.showDocument) {
      actions.push({
        title: `Open the deciding rule (${formatRuleSite(rule)})`,
        kind: CodeActionKind.QuickFix,
        command: {
          title: 'Open the deciding rule',
          command: openRuleCommand,
          arguments: [toUri(rule.location.file), toRange(rule.headLocation)],
        },
      });
    }
    const closest = item.decision.closest?.rule;
    if (closest && closest !== rule && client.showDocument) {
      actions.push({
        title: `Open the closest allow rule (${formatRuleSite(closest)})`,
        kind: CodeActionKind.QuickFix,
        command: {
          title: 'Open the closest allow rule',
          command: openRuleCommand,
          arguments: [toUri(closest.location.file), toRange(closest.headLocation)],
        },
      });
    }
    if (client.clientCommands.has(evaluateAsCommand))
      actions.push({
        title: 'Evaluate as another identity…',
        kind: CodeActionKind.QuickFix,
        command: {
          title: 'Evaluate as another identity',
          // No arguments: the client's command takes an optional claims file, and lets the user pick one.
          command: evaluateAsCommand,
        },
      });
    for (const [command, title, commandTitle] of CALL_COMMANDS) {
      if (!client.clientCommands.has(command)) continue;
      actions.push({
        title,
        kind: CodeActionKind.QuickFix,
        command: { title: commandTitle, command, arguments: [uri, position] },
      });
    }
    const line = lines[position.line] ?? '';
    const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
    actions.push({
      title: 'Suppress with a comment',
      kind: CodeActionKind.QuickFix,
      ...(related.length > 0 ? { diagnostics: related } : {}),
      edit: {
        changes: {
          [uri]: [
            {
              range: {
                start: { line: position.line, character: 0 },
                end: { line: position.line, character: 0 },
              },
              newText: `${indent}${formatSuppressComment(path)}\n`,
            },
          ],
        },
      },
    });
  }
  return actions;
}

/** The client's commands offered on a call, each given the call's document and position: command, action title, command title. */
const CALL_COMMANDS: ReadonlyArray<readonly [string, string, string]> = [
  [openInputCommand, 'Open the exact input', 'Open the exact input'],
  [copyInputCommand, 'Copy the input as input.json', 'Copy the input as input.json'],
  [evaluateCallCommand, "Evaluate this call's input in the policy", 'Evaluate in the policy'],
  [copyAccessRequestCommand, 'Copy an access request', 'Copy an access request'],
];

/** Whether two ranges share a position (an empty range at a call's edge touches it). */
function overlaps(a: Range, b: Range): boolean {
  if (contains(a, b.start) || contains(b, a.start)) return true;
  const sameEnd = (x: Range, y: Range) =>
    x.end.line === y.start.line && x.end.character === y.start.character;
  return sameEnd(a, b) || sameEnd(b, a);
}
