/**
 * The Evaluate and Explain lenses' commands and "evaluate this call's input in the policy": choose
 * an input (an `input.json`/`input.yaml` beside the policy, a recent file or call site, a call site
 * of the open code, any file, or none), evaluate the rule or package with the server's engine under
 * the usual limits, and show the result in the results panel (value, `print` output, timing and, for
 * Explain and call sites, the navigable trace), with the value in a status message.
 */
import * as vscode from 'vscode';
// The desktop's and the web build's clients alike.
import type { BaseLanguageClient as LanguageClient } from 'vscode-languageclient';
import {
  type CallSitesResponse,
  callSitesRequest,
  type EvaluateParams,
  type EvaluateResponse,
  evaluateCallCommand,
  evaluateCommand,
  evaluateRequest,
  explainCommand,
} from '../../server/src/lsp/authoring-protocol';
import { targetOf } from './commands';
import { RegoResultsPanel } from './rego-results';

const recentKey = 'clearance.rego.recentInputs';
const recentCallsKey = 'clearance.rego.recentCalls';

/** A call site the user evaluated: its words and where it is. */
interface RecentCall {
  label: string;
  uri: string;
  position: { line: number; character: number };
}

/** What the input picker chose: a file, a call site, or no input. */
type ChosenInput = { file: vscode.Uri } | { call: RecentCall } | { none: true };

/** Registers the Evaluate, Explain and evaluate-call commands. */
export function registerRegoEvaluate(
  client: LanguageClient,
  context: vscode.ExtensionContext,
): vscode.Disposable[] {
  const panel = new RegoResultsPanel();
  const send = async (params: EvaluateParams) => {
    const result = await client.sendRequest<EvaluateResponse | null>(evaluateRequest, params);
    if (!result) return undefined;
    panel.show(result);
    const value =
      result.errors.length > 0
        ? result.errors[0]
        : result.defined
          ? JSON.stringify(result.value)
          : 'undefined';
    void vscode.window.showInformationMessage(
      `${result.query} = ${value} (${result.durationMs.toFixed(1)} ms, with ${result.inputLabel ?? 'no input'})`,
    );
    return result;
  };
  const remember = async (call: RecentCall) => {
    const others = (context.workspaceState.get<RecentCall[]>(recentCallsKey) ?? []).filter(
      (c) => c.uri !== call.uri || c.position.line !== call.position.line,
    );
    await context.workspaceState.update(recentCallsKey, [call, ...others].slice(0, 5));
  };
  const evaluate = async (uri: string, query: string, explain: boolean) => {
    const input = await pickInput(context, client, vscode.Uri.parse(uri));
    if (input === undefined) return undefined;
    if ('call' in input) await remember(input.call);
    return send({
      query,
      explain,
      ...('file' in input ? { inputUri: input.file.toString() } : {}),
      ...('call' in input ? { call: { uri: input.call.uri, position: input.call.position } } : {}),
    });
  };
  /** The call's own entrypoint, with the exact input its decision used, explained. */
  const evaluateCall = async (uri?: string, position?: RecentCall['position']) => {
    const call = targetOf(uri, position);
    if (!call) return undefined;
    const { uri: target, at } = call;
    // The server decides open documents: a call remembered from a closed file is opened first.
    await vscode.workspace.openTextDocument(vscode.Uri.parse(target));
    const result = await send({ call: { uri: target, position: at }, explain: true });
    if (result && result.errors.length === 0)
      await remember({ label: result.inputLabel ?? target, uri: target, position: at });
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
    vscode.commands.registerCommand(evaluateCallCommand, evaluateCall),
  ];
}

const chooseFile = 'Choose a file…';
const chooseCall = 'Input of a call site…';
const noInput = 'No input';

/**
 * Asks for the input: a file beside the policy, a recent file or call site, a call site of the open
 * code, any file, or none; undefined when dismissed.
 */
async function pickInput(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  policy: vscode.Uri,
): Promise<ChosenInput | undefined> {
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
  type Item = vscode.QuickPickItem & { input?: ChosenInput };
  const items: Item[] = [...beside, ...recent]
    .filter((u) => !seen.has(u.toString()) && seen.add(u.toString()))
    .map((u) => ({ label: vscode.workspace.asRelativePath(u), input: { file: u } }));
  for (const call of context.workspaceState.get<RecentCall[]>(recentCallsKey) ?? [])
    items.push({ label: call.label, description: 'call site', input: { call } });
  items.push({ label: chooseCall }, { label: chooseFile }, { label: noInput, input: { none: true } });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Evaluate with which input?' });
  if (!picked) return undefined;
  if (picked.input && !('file' in picked.input)) return picked.input;
  if (picked.label === chooseCall) return pickCallSite(client);
  let uri = picked.input && 'file' in picked.input ? picked.input.file : undefined;
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
  return { file: uri };
}

/** Asks for one of the call sites of the open code documents. */
async function pickCallSite(client: LanguageClient): Promise<ChosenInput | undefined> {
  const { sites } = await client.sendRequest<CallSitesResponse>(callSitesRequest, {});
  if (sites.length === 0) {
    void vscode.window.showInformationMessage(
      'Clearance: no call in the open files; open the application code whose call you want to evaluate.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    sites.map((s) => ({ label: s.label, description: s.entrypoint, site: s })),
    { placeHolder: 'Evaluate with the input of which call?' },
  );
  if (!picked) return undefined;
  return { call: { label: picked.site.label, uri: picked.site.uri, position: picked.site.position } };
}
