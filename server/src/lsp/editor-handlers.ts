/**
 * The LSP handlers of the editor features built on decisions: code lenses, code actions and the
 * commands those actions run on the server (open a rule, build an access request). server.ts
 * registers them; everything they send passes the token redactor.
 */
import type { CodeAction, CodeLens, Connection, Range } from 'vscode-languageserver/node';
import { regoVersionOf } from '../config/settings';
import { formatAccessRequest } from '../decision/access-request';
import { formatInputDocument } from '../decision/input-document';
import { redactTokensInText } from '../identity';
import type { ClientFeatures } from './client-features';
import { accessRequestCommand, buildCodeActions, openRuleCommand } from './code-actions';
import { buildCodeLenses } from './code-lens';
import { toPath } from './convert';
import { findDecidedCall } from './features';
import { lintCodeActions } from './lint';
import type { SharedWorkspace } from './shared-workspace';

/** The server command that returns a call's exact input, annotated and as `input.json`. */
export const inputCommand = 'clearance.server.input';

/** The server commands the editor features add, for `executeCommandProvider`. */
export const editorCommands = [openRuleCommand, accessRequestCommand, inputCommand];

/** What the handlers need from the server: the workspace (once there is one) and the first load. */
export interface EditorContext {
  workspace: () => SharedWorkspace | undefined;
  ready: Promise<void>;
  /** The lenses and actions of `.rego` documents (the authoring features). */
  rego?: {
    codeLenses(uri: string): Promise<CodeLens[]>;
    codeActions(uri: string, range: Range): Promise<CodeAction[]>;
  };
  /** What the connected editor supports; actions it cannot run are not offered. */
  client: ClientFeatures;
}

/** Registers the code lens and code action handlers. */
export function registerEditorHandlers(connection: Connection, context: EditorContext): void {
  connection.onCodeLens(async ({ textDocument }): Promise<CodeLens[]> => {
    if (textDocument.uri.endsWith('.rego')) return (await context.rego?.codeLenses(textDocument.uri)) ?? [];
    const ws = context.workspace();
    const path = toPath(textDocument.uri);
    if (!ws || !path || !ws.contains(path) || !ws.settings.codeLens.enabled) return [];
    await context.ready;
    if (!ws.hasPolicy()) return [];
    const decided = await ws.decideDocument(path, new Date());
    if (!decided) return [];
    return buildCodeLenses(decided.calls, ws.identity).map((lens) =>
      lens.command
        ? { ...lens, command: { ...lens.command, title: redactTokensInText(lens.command.title) } }
        : lens,
    );
  });

  connection.onCodeAction(async ({ textDocument, range, context: actionContext }): Promise<CodeAction[]> => {
    const ws = context.workspace();
    const path = toPath(textDocument.uri);
    if (textDocument.uri.endsWith('.rego')) {
      // A policy gets the authoring actions (tests, imports, metadata) and the linter's fixes.
      const authoring = (await context.rego?.codeActions(textDocument.uri, range)) ?? [];
      const regoText = ws && path && ws.contains(path) ? ws.documents.get(path)?.text : undefined;
      if (!ws || !path || regoText === undefined) return authoring;
      const version = regoVersionOf(ws.settings.policy.regoVersion);
      return [
        ...authoring,
        ...lintCodeActions(textDocument.uri, path, regoText, range, ws.projectConfig.lint, version),
      ];
    }
    if (!ws || !path || !ws.contains(path)) return [];
    await context.ready;
    if (!ws.hasPolicy()) return [];
    const decided = await ws.decideDocument(path, new Date());
    const text = ws.documents.get(path)?.text;
    if (!decided || text === undefined) return [];
    return buildCodeActions(
      textDocument.uri,
      path,
      text,
      decided.calls,
      range,
      actionContext.diagnostics,
      context.client,
    );
  });
}

/**
 * Runs an editor-feature command; returns undefined for commands that are not one of them.
 * `clearance.server.openRule [uri, range]` shows the rule; `clearance.server.accessRequest [uri,
 * position]` returns the call's access request as Markdown (or null when no call is there).
 */
export async function executeEditorCommand(
  connection: Connection,
  context: EditorContext,
  command: string,
  args: unknown[],
): Promise<{ handled: boolean; result?: unknown }> {
  if (command === openRuleCommand) {
    const [uri, range] = args as [string, Range];
    // Only a file of the workspace's own scheme (`file:`, or the web build's `vscode-vfs:`) is shown.
    if (typeof uri !== 'string' || !toPath(uri)) return { handled: true, result: false };
    const shown = await connection.window.showDocument({ uri, selection: range, takeFocus: true });
    return { handled: true, result: shown.success };
  }
  if (command === accessRequestCommand || command === inputCommand) {
    const [uri, position] = args as [string, { line: number; character: number }];
    const ws = context.workspace();
    const path = typeof uri === 'string' ? toPath(uri) : undefined;
    if (!ws || !path || !ws.contains(path) || !position) return { handled: true, result: null };
    await context.ready;
    const decided = await ws.decideDocument(path, new Date());
    const item = decided ? findDecidedCall(decided.calls, position) : undefined;
    if (!item) return { handled: true, result: null };
    const site = { file: item.file, line: item.call.location.start.line };
    const explained = { call: item.input, decision: item.decision, identity: ws.identity };
    if (command === inputCommand) {
      const { annotated, json } = formatInputDocument(explained, site.file, site.line);
      return {
        handled: true,
        result: { annotated: redactTokensInText(annotated), json: redactTokensInText(json) },
      };
    }
    return { handled: true, result: redactTokensInText(formatAccessRequest(explained, site, Date.now())) };
  }
  return { handled: false };
}
