/**
 * The commands behind the "Get started with Clearance" walkthrough (package.json `walkthroughs`):
 * find or create the policy, pick the entrypoint among the rules the policy defines, and end on the
 * hover of a real call. The identity step uses the identity menu's own commands.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** A starter policy: nothing is allowed unless a rule allows it. */
const STARTER_POLICY = `# Who may do what. Nothing is allowed unless a rule below allows it.
package api.authz

default allow := false

# Anyone signed in may read.
allow if {
\tinput.user != null
\tinput.action == "read"
}

# Administrators may do anything.
allow if input.user.role == "admin"
`;

/** Calls Clearance recognises, to find one to hover (a rough first look; the server decides). */
const CALL_PATTERN =
  /\b(fetch|axios\.(get|post|put|patch|delete)|requests\.(get|post|put|patch|delete)|httpx\.(get|post|put|patch|delete)|http\.(Get|Post|NewRequest))\(/;

/** Registers the walkthrough's commands. */
export function registerWalkthrough(getClient: () => LanguageClient | undefined): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('clearance.walkthrough.findPolicy', findOrCreatePolicy),
    vscode.commands.registerCommand('clearance.walkthrough.chooseEntrypoint', () =>
      chooseEntrypoint(getClient()),
    ),
    vscode.commands.registerCommand('clearance.walkthrough.hoverCall', hoverFirstCall),
  ];
}

/**
 * How the walkthrough's steps open files: pinned, since a preview editor would take the place of the
 * walkthrough when it is itself still a preview, and the developer would lose their next step.
 */
const KEEP_WALKTHROUGH: vscode.TextDocumentShowOptions = { preview: false };

/** Opens the workspace's policy, or writes a starter one in `policy/authz.rego` when there is none. */
async function findOrCreatePolicy(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Clearance: open your project folder first.');
    return;
  }
  const found = await vscode.workspace.findFiles('**/*.rego', '**/{node_modules,.git,dist,vendor}/**', 50);
  if (found.length > 0) {
    // Test files (`*_test.rego`, as `opa test` names them) are not the policy: the step opens a
    // policy file and counts the tests apart (`authz_test.rego` sorts before `authz.rego`).
    const policies = found.filter((uri) => !uri.path.endsWith('_test.rego'));
    const tests = found.length - policies.length;
    const shown = policies.length > 0 ? policies : found;
    const first = shown.sort((a, b) => a.fsPath.localeCompare(b.fsPath))[0] as vscode.Uri;
    await vscode.window.showTextDocument(first, KEEP_WALKTHROUGH);
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const also = tests > 0 && policies.length > 0 ? ` (and ${plural(tests, 'test file')})` : '';
    void vscode.window.showInformationMessage(
      `Clearance: found ${plural(shown.length, policies.length > 0 ? 'policy file' : 'test file')}; this is ${vscode.workspace.asRelativePath(first)}${also}.`,
    );
    return;
  }
  const uri = vscode.Uri.joinPath(folder.uri, 'policy', 'authz.rego');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(STARTER_POLICY));
  await vscode.window.showTextDocument(uri, KEEP_WALKTHROUGH);
  void vscode.window.showInformationMessage(
    'Clearance: no policy here yet; wrote a starter one in policy/authz.rego.',
  );
}

/** Lists the rules the policy defines and sets the chosen one as `clearance.policy.entrypoint`. */
async function chooseEntrypoint(client: LanguageClient | undefined): Promise<void> {
  const answer = client
    ? ((await client.sendRequest('clearance/entrypoints')) as {
        current: string;
        defined: boolean;
        entrypoints: string[];
      } | null)
    : null;
  if (!answer || answer.entrypoints.length === 0) {
    void vscode.window.showWarningMessage(
      'Clearance: no rule to choose yet; find or create the policy first.',
    );
    return;
  }
  const picked = await vscode.window.showQuickPick(
    answer.entrypoints.map((e) => ({
      label: e,
      description: e === answer.current ? (answer.defined ? '(in use)' : '') : '',
    })),
    {
      title: 'The rule that decides each call (clearance.policy.entrypoint)',
      // The walkthrough page re-renders as steps complete and takes focus: stay until chosen.
      ignoreFocusOut: true,
      placeHolder: answer.defined
        ? `In use: ${answer.current}`
        : `${answer.current} is not defined by any rule`,
    },
  );
  if (!picked) return;
  await vscode.workspace
    .getConfiguration('clearance.policy')
    .update('entrypoint', picked.label, vscode.ConfigurationTarget.Workspace);
}

/** Opens the first source file with a call, puts the cursor on it and shows its hover. */
async function hoverFirstCall(): Promise<void> {
  const files = await vscode.workspace.findFiles(
    '**/*.{ts,tsx,js,jsx,py,go}',
    '**/{node_modules,.git,dist,vendor,out,build}/**',
    500,
  );
  for (const uri of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > 512 * 1024) continue;
    const lines = new TextDecoder().decode(bytes).split('\n');
    const line = lines.findIndex((l) => CALL_PATTERN.test(l) && !/^\s*(\/\/|#)/.test(l));
    if (line < 0) continue;
    const column = (lines[line] as string).search(CALL_PATTERN);
    const editor = await vscode.window.showTextDocument(uri, KEEP_WALKTHROUGH);
    const position = new vscode.Position(line, column);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('editor.action.showHover');
    return;
  }
  void vscode.window.showInformationMessage('Clearance: no HTTP call found in this workspace yet.');
}
