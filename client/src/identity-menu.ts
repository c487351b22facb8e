/**
 * The identity menu behind the status bar item, and the commands it offers: sign in or out, refresh,
 * choose the identity source, show the claims, evaluate as a claims file or stop, copy the identity.
 * When bundles decide, the menu also lists each one: source, revision, signature, age, last error.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClearanceAuthProvider } from './auth/provider';
import { formatIdentityJson } from './identity-view';
import { type BundleStatus, describeBundle, type IdentityStatus } from './status';

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

/**
 * Where "Evaluate as" keeps its choice: the editor's own state for this workspace (workspaceState),
 * never the workspace's settings, which a committed `.vscode/settings.json` would hand to
 * colleagues and CI. `set` also tells the language server.
 */
export interface EvaluateAsState {
  get(): string | undefined;
  set(file: string | undefined): Promise<void>;
}

/** Registers the menu, its commands and the claims document; returns what to dispose. */
export function registerIdentityMenu(
  auth: ClearanceAuthProvider,
  status: IdentityStatus,
  log: vscode.LogOutputChannel,
  evaluateAsState: EvaluateAsState,
): vscode.Disposable[] {
  const claimsChanged = new vscode.EventEmitter<vscode.Uri>();
  const evaluateAs = (file?: unknown) => pickClaimsFile(evaluateAsState, file);
  const stopEvaluatingAs = () => stopEvaluating(evaluateAsState);
  const readClaimsFile = () => evaluateAsState.get() ?? readClaimsSetting();
  const signIn = async () => {
    // Sign-in needs the provider and the client registered for Clearance: ask for them first.
    if (!(await askSignInSettings())) return;
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
        description: issuer || 'asks for your provider first',
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
    items.push(...(await bundleRows(status.bundles, log)));
    const picked = await vscode.window.showQuickPick(items, {
      title: view ? `Clearance: ${view.text}` : 'Clearance',
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

/** The policy bundles' rows of the menu, under a separator; none when no bundle is configured. */
async function bundleRows(
  bundles: BundleStatus | undefined,
  log: vscode.LogOutputChannel,
): Promise<MenuItem[]> {
  const state = await bundles?.current();
  if (!state || state.bundles.length === 0) return [];
  return [
    { label: 'Policy bundles', kind: vscode.QuickPickItemKind.Separator },
    ...state.bundles.map((b) => ({
      label: `${b.hash === undefined || b.notice ? '$(warning)' : '$(package)'} ${b.revision ? `Revision ${b.revision}` : b.hash ? 'No revision' : 'Not available'}`,
      description: b.location,
      detail: describeBundle(b),
      run: () => log.show(),
    })),
  ];
}

/**
 * Picks the identity source and asks for what it needs: the token file, the command, the variable,
 * or the provider and client for sign-in. Cancelling a question leaves the settings as they were.
 */
async function chooseSource(): Promise<void> {
  const config = () => vscode.workspace.getConfiguration('clearance.identity');
  const current = config().get<string>('source') ?? 'auto';
  const picked = await vscode.window.showQuickPick(
    SOURCES.map((s) => ({ ...s, description: s.value === current ? '(current)' : '' })),
    { title: 'Where Clearance takes your identity from' },
  );
  if (!picked) return;
  if (picked.value === 'file') {
    const chosen = await vscode.window.showOpenDialog({
      title: 'The file that holds your token (a JWT)',
      canSelectMany: false,
      ...(vscode.workspace.workspaceFolders?.[0]
        ? { defaultUri: vscode.workspace.workspaceFolders[0].uri }
        : {}),
    });
    const uri = chosen?.[0];
    if (!uri) return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    await writeSetting(
      'clearance.identity',
      'tokenFile',
      folder ? path.relative(folder.uri.fsPath, uri.fsPath) : uri.fsPath,
    );
  } else if (picked.value === 'command') {
    const command = await vscode.window.showInputBox({
      title: 'The command that prints your token',
      prompt:
        'Run without a shell, e.g. gcloud auth print-identity-token. Saved in your user settings (a workspace cannot set it).',
      value: (config().get<string[] | string>('tokenCommand') ?? []).toString().replace(/,/g, ' '),
      ignoreFocusOut: true,
    });
    if (!command?.trim()) return;
    // A user-only setting: VS Code ignores it in a workspace's settings, so it goes to the user's.
    await writeSetting(
      'clearance.identity',
      'tokenCommand',
      command.trim().split(/\s+/),
      vscode.ConfigurationTarget.Global,
    );
  } else if (picked.value === 'env') {
    const name = await vscode.window.showInputBox({
      title: 'The environment variable that holds your token',
      value: config().get<string>('tokenEnv') || 'CLEARANCE_TOKEN',
      validateInput: (v) =>
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? undefined : 'A variable name, such as CLEARANCE_TOKEN',
      ignoreFocusOut: true,
    });
    if (!name) return;
    await writeSetting('clearance.identity', 'tokenEnv', name);
  } else if (picked.value === 'signin') {
    if (!(await askSignInSettings())) return;
  }
  await writeSetting('clearance.identity', 'source', picked.value);
}

/**
 * Asks for the OpenID provider and the client id when they are not set, before signing in;
 * false when the user cancelled.
 */
async function askSignInSettings(): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('clearance.identity');
  if (!config.get<string>('issuer')) {
    const issuer = await vscode.window.showInputBox({
      title: "Your organisation's OpenID provider (issuer URL)",
      placeHolder: 'https://id.example.com',
      validateInput: (v) =>
        /^https:\/\/\S+$|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/\S*)?$/.test(v)
          ? undefined
          : 'An https URL',
      ignoreFocusOut: true,
    });
    if (!issuer) return false;
    await writeSetting('clearance.identity', 'issuer', issuer);
  }
  if (!vscode.workspace.getConfiguration('clearance.identity').get<string>('clientId')) {
    const clientId = await vscode.window.showInputBox({
      title: 'The client id registered for Clearance at your provider',
      prompt: 'A public client (no secret); see docs/sign-in.md',
      ignoreFocusOut: true,
    });
    if (!clientId) return false;
    await writeSetting('clearance.identity', 'clientId', clientId.trim());
  }
  return true;
}

/**
 * Evaluates as the claims of a JSON file instead of the real identity. A code action may pass the
 * file (a URI or a path); otherwise the user picks one. The choice is kept in the editor's state.
 */
async function pickClaimsFile(state: EvaluateAsState, file?: unknown): Promise<void> {
  let uri: vscode.Uri | undefined =
    file instanceof vscode.Uri
      ? file
      : typeof file === 'string' && file !== ''
        ? vscode.Uri.file(file)
        : undefined;
  if (!uri) {
    // Claims files the project ships (a `claims` folder) are offered first; any file can be browsed to.
    const shipped = await vscode.workspace.findFiles('**/claims/*.{json,yaml,yml}', '**/node_modules/**', 50);
    if (shipped.length > 0) {
      const browse = { label: '$(folder-opened) Browse…', uri: undefined as vscode.Uri | undefined };
      const choice = await vscode.window.showQuickPick(
        [
          ...shipped
            .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
            .map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u as vscode.Uri | undefined })),
          browse,
        ],
        // Opened from the walkthrough too, whose page re-renders and takes focus: stay until chosen.
        {
          title: 'Evaluate as the claims in this file (simulated, kept in this editor only)',
          ignoreFocusOut: true,
        },
      );
      if (!choice) return;
      uri = choice.uri;
    }
  }
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
  await state.set(uri.fsPath);
}

/** Stops evaluating as; a claims file set in the settings themselves is named, not removed. */
async function stopEvaluating(state: EvaluateAsState): Promise<void> {
  await state.set(undefined);
  const setting = readClaimsSetting();
  if (setting)
    void vscode.window.showInformationMessage(
      `Clearance: clearance.identity.claimsFile is set to ${setting} in your settings; remove it there to stop evaluating as it.`,
    );
}

function readClaimsSetting(): string | undefined {
  const value = vscode.workspace.getConfiguration('clearance.identity').get<string>('claimsFile');
  return value ? value : undefined;
}

/**
 * Writes a workspace setting (user settings when there is no folder, or when the workspace is not
 * trusted, since an untrusted workspace's own values of these settings are ignored).
 */
async function writeSetting(
  section: string,
  key: string,
  value: unknown,
  forced?: vscode.ConfigurationTarget,
): Promise<void> {
  const target =
    forced ??
    (vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global);
  try {
    await vscode.workspace.getConfiguration(section).update(key, value, target);
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Clearance: could not set ${section}.${key}: ${(error as Error).message}`,
    );
  }
}
