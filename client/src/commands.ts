/**
 * Client commands behind the server's code actions and hover links: copying a call's access
 * request, opening or copying the exact input a call was decided with, and running the command a
 * server notice's button names. The server builds the text (it has the decision); the client owns
 * the clipboard and the editors.
 */
import * as vscode from 'vscode';
// The desktop's and the web build's clients alike.
import type { BaseLanguageClient as LanguageClient } from 'vscode-languageclient';

export { hoverCommands, noticeCommands } from '../../server/src/lsp/client-commands';

/** A position as the server sends it in command arguments. */
interface WirePosition {
  line: number;
  character: number;
}

/**
 * Registers `clearance.copyAccessRequest`: from a code action it gets the call's document and
 * position; from the command palette it uses the active editor's cursor.
 */
export function registerAccessRequestCommand(getClient: () => LanguageClient | undefined): vscode.Disposable {
  return vscode.commands.registerCommand(
    'clearance.copyAccessRequest',
    async (uri?: string, position?: WirePosition) => {
      const target = targetOf(uri, position);
      const client = getClient();
      if (!client || !target) {
        void vscode.window.showWarningMessage(
          'Clearance: put the cursor on a call to copy its access request.',
        );
        return;
      }
      const markdown = (await client.sendRequest('workspace/executeCommand', {
        command: 'clearance.server.accessRequest',
        arguments: [target.uri, target.at],
      })) as string | null;
      if (!markdown) {
        void vscode.window.showWarningMessage('Clearance: there is no decided call here.');
        return;
      }
      await vscode.env.clipboard.writeText(markdown);
      void vscode.window.showInformationMessage('Clearance: access request copied to the clipboard.');
    },
  );
}

/** The cursor's document and position, or the ones a code action or hover link passed. */
export function targetOf(
  uri?: string,
  position?: WirePosition,
): { uri: string; at: WirePosition } | undefined {
  const editor = vscode.window.activeTextEditor;
  const target = uri ?? editor?.document.uri.toString();
  const at =
    position ??
    (editor
      ? { line: editor.selection.active.line, character: editor.selection.active.character }
      : undefined);
  return target && at ? { uri: target, at } : undefined;
}

/**
 * Registers `clearance.openInput` (a JSON-with-comments document: the input as evaluated, the
 * unknowns named) and `clearance.copyInput` (the input alone, as `input.json` for `clearance
 * policy eval -i` or the Rego editor).
 */
export function registerInputCommands(getClient: () => LanguageClient | undefined): vscode.Disposable[] {
  const fetchInput = async (uri?: string, position?: WirePosition) => {
    const target = targetOf(uri, position);
    const client = getClient();
    if (!client || !target) return undefined;
    return (await client.sendRequest('workspace/executeCommand', {
      command: 'clearance.server.input',
      arguments: [target.uri, target.at],
    })) as { annotated: string; json: string } | null;
  };
  const noCall = () =>
    vscode.window.showWarningMessage('Clearance: put the cursor on a call to see its input.');
  return [
    vscode.commands.registerCommand('clearance.openInput', async (uri?: string, position?: WirePosition) => {
      const input = await fetchInput(uri, position);
      if (!input) return void noCall();
      const document = await vscode.workspace.openTextDocument({
        language: 'jsonc',
        content: input.annotated,
      });
      await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('clearance.copyInput', async (uri?: string, position?: WirePosition) => {
      const input = await fetchInput(uri, position);
      if (!input) return void noCall();
      await vscode.env.clipboard.writeText(input.json);
      void vscode.window.showInformationMessage(
        'Clearance: input copied as input.json; try it with clearance policy eval -i input.json.',
      );
    }),
  ];
}

/**
 * Runs the command a server notice's button names (`clearance/runCommand`), if it is one of
 * `allowed`: the server may only open Clearance's own setup steps and the settings.
 */
export function registerServerCommandRunner(
  client: LanguageClient,
  allowed: readonly string[],
): vscode.Disposable {
  return client.onNotification('clearance/runCommand', (params: { command?: unknown; args?: unknown }) => {
    if (typeof params?.command !== 'string' || !allowed.includes(params.command)) return;
    const args = Array.isArray(params.args) ? params.args : [];
    void vscode.commands.executeCommand(params.command, ...args);
  });
}
