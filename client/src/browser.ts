/**
 * Clearance's web extension (vscode.dev, github.dev: package.json `browser`): the language server
 * runs in a web worker (`dist/server/web-server.js`) with the same engine, scanner and jose
 * verification as on the desktop; it reads the workspace's policy files through this client's
 * `workspace.fs` (browser-files.ts) and its wasm from the extension's own URL. Sign-in uses the
 * device code. The Rego lenses (Evaluate, Explain), the Test Explorer and the call's input and
 * access-request commands are the desktop's own (`rego-evaluate.ts`, `rego-tests.ts`,
 * `commands.ts`), answered by the worker. What needs Node (token commands, token files, environment
 * variables, device probes, the workspace index, bundles) is not in this build, and its commands say so.
 */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions } from 'vscode-languageclient/browser';
import { AUTH_PROVIDER_ID, ClearanceAuthProvider } from './auth/provider';
import { affectsSignIn } from './auth/settings';
import { serveWorkspaceFiles } from './browser-files';
import { serveWasmFiles, startServerWorker } from './browser-worker';
import { clearanceDocuments, handSessionToServer } from './client-common';
import { hoverCommands, registerAccessRequestCommand, registerInputCommands } from './commands';
import { registerIdentityMenu } from './identity-menu';
import type { IdentityView } from './identity-view';
import { registerRegoEvaluate } from './rego-evaluate';
import { registerRegoTests } from './rego-tests';
import { IdentityStatus } from './status';

/** The words every Node-only command says in the browser. */
export const WEB_UNAVAILABLE =
  'is not available in the web build of Clearance (vscode.dev, github.dev). Open the folder in desktop VS Code for it. In the browser, sign in with "Clearance: Sign In" (device code).';

let client: LanguageClient | undefined;

/**
 * This build's commands that the server's code actions may run; "Evaluate as" is not among them,
 * as a claims file cannot be read here.
 */
const actionCommands = [
  'clearance.copyAccessRequest',
  'clearance.openInput',
  'clearance.copyInput',
  'clearance.rego.evaluateCall',
];

/** The commands this build registers itself; every other contributed command says it is unavailable. */
const webCommands = new Set([
  'clearance.refresh',
  'clearance.showOutput',
  'clearance.showIdentity',
  'clearance.signIn',
  'clearance.signOut',
  'clearance.refreshSignIn',
  'clearance.chooseSource',
  'clearance.showClaims',
  'clearance.copyIdentity',
  'clearance.evaluateAs',
  'clearance.stopEvaluatingAs',
  'clearance.rego.refreshTests',
  ...actionCommands,
]);

/** Starts the web worker's language client, the sign-in provider and the status bar item. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Clearance', { log: true });
  const { worker, wasmUrl } = await startServerWorker(context.extensionUri);
  const watcher = vscode.workspace.createFileSystemWatcher(
    '**/{*.rego,data.json,data.yaml,data.yml,input.json,input.yaml,input.yml,.manifest,.clearance.yaml}',
  );
  const clientOptions: LanguageClientOptions = {
    documentSelector: clearanceDocuments(),
    synchronize: { fileEvents: watcher },
    outputChannel: output,
    initializationOptions: { wasmUrl, richHovers: true, clientCommands: actionCommands },
    markdown: { isTrusted: { enabledCommands: hoverCommands }, supportHtml: true },
  };
  client = new LanguageClient(
    'clearance',
    'Clearance',
    worker as ConstructorParameters<typeof LanguageClient>[2],
    clientOptions,
  );
  const languageClient = client;
  const auth = new ClearanceAuthProvider(context.secrets, output);
  const status = new IdentityStatus(auth);
  const session = handSessionToServer(languageClient, auth);
  let evaluateAs: string | undefined;
  context.subscriptions.push(
    output,
    watcher,
    auth,
    status,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Clearance', auth, {
      supportsMultipleAccounts: false,
    }),
    session.subscription,
    ...registerIdentityMenu(auth, status, output, {
      get: () => evaluateAs,
      set: async (file) => {
        evaluateAs = file;
        if (file !== undefined)
          void vscode.window.showWarningMessage(`Evaluate as (a claims file) ${WEB_UNAVAILABLE}`);
      },
    }),
    ...serveWorkspaceFiles(languageClient),
    serveWasmFiles(languageClient, context.extensionUri),
    vscode.commands.registerCommand('clearance.refresh', () =>
      client?.sendRequest('workspace/executeCommand', { command: 'clearance.server.refresh' }),
    ),
    vscode.commands.registerCommand('clearance.showOutput', () => output.show()),
    ...registerInputCommands(() => client),
    registerAccessRequestCommand(() => client),
    ...registerRegoTests(languageClient),
    ...registerRegoEvaluate(languageClient, context),
    ...registerUnavailableCommands(context),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSignIn(event)) void auth.reload();
    }),
  );
  client.onNotification('clearance/identity', (view: IdentityView) => status.update(view));
  // The Permissions view's welcome text for this state says the view is not in the web build.
  void vscode.commands.executeCommand('setContext', 'clearance.permissions.state', 'web');
  await client.start();
  void auth.restore().then(session.send);
}

/** Every contributed command this build lacks says so, instead of "command not found". */
function registerUnavailableCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  const contributed =
    (
      context.extension.packageJSON as {
        contributes?: { commands?: Array<{ command: string; title: string }> };
      }
    ).contributes?.commands ?? [];
  return contributed
    .filter(({ command }) => !webCommands.has(command))
    .map(({ command, title }) =>
      vscode.commands.registerCommand(command, () =>
        vscode.window.showInformationMessage(`Clearance: ${title} ${WEB_UNAVAILABLE}`),
      ),
    );
}

/** Stops the language server. */
export async function deactivate(): Promise<void> {
  await client?.stop();
}
