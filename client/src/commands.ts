/**
 * Client commands behind the server's code actions: copying a call's access request to the
 * clipboard. The server builds the Markdown (it has the decision); the client owns the clipboard.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

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
      const editor = vscode.window.activeTextEditor;
      const target = uri ?? editor?.document.uri.toString();
      const at =
        position ??
        (editor
          ? { line: editor.selection.active.line, character: editor.selection.active.character }
          : undefined);
      const client = getClient();
      if (!client || !target || !at) {
        void vscode.window.showWarningMessage(
          'Clearance: put the cursor on a call to copy its access request.',
        );
        return;
      }
      const markdown = (await client.sendRequest('workspace/executeCommand', {
        command: 'clearance.server.accessRequest',
        arguments: [target, at],
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
