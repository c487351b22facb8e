/**
 * The Evaluate and Explain lenses' commands: choose an input (an `input.json`/`input.yaml` beside
 * the policy, a recent one, or any file), evaluate the rule or package with the server's engine
 * under the usual limits, and show the value, `print` output, timing and (Explain) each clause's
 * trace in the "Clearance: Evaluation" panel, with the value in the status message.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type EvaluateResponse,
  evaluateCommand,
  evaluateRequest,
  explainCommand,
} from '../../server/src/lsp/authoring-protocol';

const recentKey = 'clearance.rego.recentInputs';
const noInput = 'No input';

/** Registers the Evaluate and Explain commands. */
export function registerRegoEvaluate(
  client: LanguageClient,
  context: vscode.ExtensionContext,
): vscode.Disposable[] {
  const panel = vscode.window.createOutputChannel('Clearance: Evaluation');
  const evaluate = async (uri: string, query: string, explain: boolean) => {
    const input = await pickInput(context, vscode.Uri.parse(uri));
    if (input === undefined) return;
    const result = await client.sendRequest<EvaluateResponse | null>(evaluateRequest, {
      query,
      explain,
      ...(input === null ? {} : { inputUri: input.toString() }),
    });
    if (!result) return;
    panel.appendLine(
      `— ${query} with ${input === null ? 'no input' : vscode.workspace.asRelativePath(input)}`,
    );
    panel.appendLine(result.markdown || result.errors.join('\n'));
    panel.show(true);
    const value =
      result.errors.length > 0
        ? result.errors[0]
        : result.defined
          ? JSON.stringify(result.value)
          : 'undefined';
    void vscode.window.showInformationMessage(`${query} = ${value} (${result.durationMs.toFixed(1)} ms)`);
    return result;
  };
  return [
    panel,
    vscode.commands.registerCommand(evaluateCommand, (uri: string, query: string) =>
      evaluate(uri, query, false),
    ),
    vscode.commands.registerCommand(explainCommand, (uri: string, query: string) =>
      evaluate(uri, query, true),
    ),
  ];
}

/** Asks for the input: a file beside the policy, a recent one, any file, or none; undefined when dismissed. */
async function pickInput(
  context: vscode.ExtensionContext,
  policy: vscode.Uri,
): Promise<vscode.Uri | null | undefined> {
  const beside = [];
  for (const name of ['input.json', 'input.yaml', 'input.yml']) {
    const uri = vscode.Uri.joinPath(policy, '..', name);
    try {
      await vscode.workspace.fs.stat(uri);
      beside.push(uri);
    } catch {
      // Not there: not offered.
    }
  }
  const recent = (context.workspaceState.get<string[]>(recentKey) ?? []).map((u) => vscode.Uri.parse(u));
  const seen = new Set<string>();
  const items = [...beside, ...recent]
    .filter((u) => !seen.has(u.toString()) && seen.add(u.toString()))
    .map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u as vscode.Uri | undefined }));
  items.push({ label: 'Choose a file…', uri: undefined }, { label: noInput, uri: undefined });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Evaluate with which input?' });
  if (!picked) return undefined;
  if (picked.label === noInput) return null;
  let uri = picked.uri;
  if (!uri) {
    const chosen = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { Input: ['json', 'yaml', 'yml'] },
    });
    uri = chosen?.[0];
    if (!uri) return undefined;
  }
  const next = [
    uri.toString(),
    ...(context.workspaceState.get<string[]>(recentKey) ?? []).filter((u) => u !== uri.toString()),
  ];
  await context.workspaceState.update(recentKey, next.slice(0, 5));
  return uri;
}
