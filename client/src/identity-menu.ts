/**
 * The identity menu behind the status bar item, and the commands it offers: sign in or out, refresh,
 * choose the identity source, show the claims, evaluate as a claims file or stop, copy the identity.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClearanceAuthProvider } from './auth/provider';
import { formatIdentityJson } from './identity-view';
import type { IdentityStatus } from './status';

/** The read-only document that shows the identity's claims. */
export const CLAIMS_URI = vscode.Uri.parse('clearance-identity:/identity.json');

/** The identity sources `clearance.identity.source` accepts, for the "Choose the source" picker. */
const SOURCES: Array<{ value: string; label: string; detail: string }> = [
  {
    value: 'auto',
    label: 'Automatic',
    detail: 'Sign-in first, then the token command, file and environment variable',
  },
  {
    value: 'signin',
    label: 'Clearance sign-in',
    detail: "Your organisation's OpenID provider (Accounts menu)",
  },
  {
    value: 'command',
    label: 'Token command',
    detail: 'A command that prints your token (clearance.identity.tokenCommand)',
  },
  { value: 'file', label: 'Token file', detail: 'clearance.identity.tokenFile' },
  { value: 'env', label: 'Environment variable', detail: 'clearance.identity.tokenEnv' },
];

interface MenuItem extends vscode.QuickPickItem {
  run?: () => unknown;
}

/** Registers the menu, its commands and the claims document; returns what to dispose. */
export function registerIdentityMenu(
  auth: ClearanceAuthProvider,
  status: IdentityStatus,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const claimsChanged = new vscode.EventEmitter<vscode.Uri>();
  const signIn = async () => {
    try {
      await auth.createSession();
    } catch (error) {
      const message = (error as Error).message;
      if (message !== 'Sign-in cancelled') void vscode.window.showErrorMessage(`Clearance: ${message}`);
    }
  };
  const signOut = async () => {
    if (!auth.accountLabel && !(await auth.getSessions()).length) {
      void vscode.window.showInformationMessage('Clearance: you are not signed in.');
      return;
    }
    await auth.removeSession();
  };
  const refresh = async () => {
    const problem = await auth.refreshNow();
    if (problem)
      void vscode.window.showWarningMessage(`Clearance: could not refresh the sign-in: ${problem}`);
  };
  const showMenu = async () => {
    const view = status.current;
    const items: MenuItem[] = [];
    const account = auth.accountLabel;
    if (account) {
      items.push({ label: '$(sign-out) Sign out', description: account, run: signOut });
      items.push({ label: '$(refresh) Refresh sign-in', description: 'get fresh tokens now', run: refresh });
    } else {
      const issuer = vscode.workspace.getConfiguration('clearance.identity').get<string>('issuer');
      items.push({
        label: '$(sign-in) Sign in',
        description: issuer || 'set clearance.identity.issuer first',
        run: signIn,
      });
    }
    items.push({ label: '$(settings) Choose the identity source…', run: chooseSource });
    items.push({ label: '$(json) Show the claims', run: showClaims });
    const claimsFile = readClaimsFile();
    if (claimsFile || view?.simulated) {
      items.push({
        label: '$(debug-stop) Stop evaluating as',
        description: claimsFile,
        run: stopEvaluatingAs,
      });
    }
    items.push({
      label: '$(beaker) Evaluate as…',
      description: 'a claims file (JSON)',
      run: () => evaluateAs(),
    });
    items.push({ label: '$(copy) Copy the identity as JSON', description: 'no token', run: copyIdentity });
    items.push({
      label: '$(sync) Re-evaluate permissions',
      run: () => vscode.commands.executeCommand('clearance.refresh'),
    });
    items.push({ label: '$(output) Show output', run: () => log.show() });
    const picked = await vscode.window.showQuickPick(items, {
      title: view ? `Clearance identity: ${view.text}` : 'Clearance identity',
      placeHolder: view?.tooltip.split('\n')[0],
    });
    await picked?.run?.();
  };
  const showClaims = async () => {
    const document = await vscode.workspace.openTextDocument(CLAIMS_URI);
    await vscode.languages.setTextDocumentLanguage(document, 'json');
    await vscode.window.showTextDocument(document, { preview: true });
  };
  const copyIdentity = async () => {
    await vscode.env.clipboard.writeText(formatIdentityJson(status.current));
    void vscode.window.showInformationMessage('Clearance: identity copied as JSON (no token).');
  };
  return [
    claimsChanged,
    vscode.workspace.registerTextDocumentContentProvider('clearance-identity', {
      onDidChange: claimsChanged.event,
      provideTextDocumentContent: () => formatIdentityJson(status.current),
    }),
    status.onDidChangeView(() => claimsChanged.fire(CLAIMS_URI)),
    vscode.commands.registerCommand('clearance.showIdentity', showMenu),
    vscode.commands.registerCommand('clearance.signIn', signIn),
    vscode.commands.registerCommand('clearance.signOut', signOut),
    vscode.commands.registerCommand('clearance.refreshSignIn', refresh),
    vscode.commands.registerCommand('clearance.chooseSource', chooseSource),
    vscode.commands.registerCommand('clearance.showClaims', showClaims),
    vscode.commands.registerCommand('clearance.copyIdentity', copyIdentity),
    vscode.commands.registerCommand('clearance.evaluateAs', evaluateAs),
    vscode.commands.registerCommand('clearance.stopEvaluatingAs', stopEvaluatingAs),
  ];
}

async function chooseSource(): Promise<void> {
  const current = vscode.workspace.getConfiguration('clearance.identity').get<string>('source') ?? 'auto';
  const picked = await vscode.window.showQuickPick(
    SOURCES.map((s) => ({ ...s, description: s.value === current ? '(current)' : '' })),
    { title: 'Where Clearance takes your identity from' },
  );
  if (picked) await writeSetting('clearance.identity', 'source', picked.value);
}

/**
 * Evaluates as the claims of a JSON file instead of the real identity. A code action may pass the
 * file (a URI or a path); otherwise the user picks one.
 */
async function evaluateAs(file?: unknown): Promise<void> {
  let uri: vscode.Uri | undefined =
    file instanceof vscode.Uri
      ? file
      : typeof file === 'string' && file !== ''
        ? vscode.Uri.file(file)
        : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Evaluate as the claims in this file',
      canSelectMany: false,
      filters: { 'Claims (JSON)': ['json'] },
      ...(vscode.workspace.workspaceFolders?.[0]
        ? { defaultUri: vscode.workspace.workspaceFolders[0].uri }
        : {}),
    });
    uri = picked?.[0];
  }
  if (!uri) return;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  // A path inside the workspace is stored relative to it, so the setting travels with the project.
  const value = folder ? path.relative(folder.uri.fsPath, uri.fsPath) : uri.fsPath;
  await writeSetting('clearance.identity', 'claimsFile', value);
}

async function stopEvaluatingAs(): Promise<void> {
  await writeSetting('clearance.identity', 'claimsFile', undefined);
}

function readClaimsFile(): string | undefined {
  const value = vscode.workspace.getConfiguration('clearance.identity').get<string>('claimsFile');
  return value ? value : undefined;
}

/**
 * Writes a workspace setting (user settings when there is no folder, or when the workspace is not
 * trusted, since an untrusted workspace's own values of these settings are ignored).
 */
async function writeSetting(section: string, key: string, value: unknown): Promise<void> {
  const target =
    vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  try {
    await vscode.workspace.getConfiguration(section).update(key, value, target);
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Clearance: could not set ${section}.${key}: ${(error as Error).message}`,
    );
  }
}
