/**
 * Clearance's VS Code extension: starts the language server, signs in with the organisation's OpenID
 * provider (the "Clearance" account), hands the session's ID token to the server, and shows who you
 * are in the status bar. Everything else (decisions, hovers, diagnostics) comes from the server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { AUTH_PROVIDER_ID, ClearanceAuthProvider } from './auth/provider';
import { affectsSignIn } from './auth/settings';
import { clearanceDocuments, handSessionToServer } from './client-common';
import {
  hoverCommands,
  noticeCommands,
  registerAccessRequestCommand,
  registerInputCommands,
  registerServerCommandRunner,
} from './commands';
import { registerIdentityMenu } from './identity-menu';
import type { IdentityView } from './identity-view';
import { registerImpactNotice } from './impact-notice';
import { registerPermissionsView } from './permissions-view';
import { registerRegoEvaluate } from './rego-evaluate';
import { registerRegoTests } from './rego-tests';
import { IdentityStatus } from './status';
import { registerWalkthrough } from './walkthrough';

/** This extension's commands that the server's code actions may run (only clients that declare them get those actions). */
const serverActionCommands = [
  'clearance.evaluateAs',
  'clearance.copyAccessRequest',
  'clearance.openInput',
  'clearance.copyInput',
  'clearance.rego.evaluateCall',
];

let client: LanguageClient | undefined;

/**
 * The language server's Node options: 64 MB semi-spaces for V8's young generation (node's default
 * is 16 MB). The server scans on its own thread when it runs without its analysis workers (which
 * get the same, `WORKER_SEMI_SPACE_MB`); a scan's objects live to its end, and the collector's share
 * of a scan was 13-18%. See docs/speed/stop-21/speed-file8.md for the figures.
 */
const SERVER_NODE_OPTIONS = ['--max-semi-space-size=64'];

/** The workspaceState key of the claims file "Evaluate as" chose. */
const EVALUATE_AS_KEY = 'clearance.evaluateAs';

/** Starts the language client, the sign-in provider and the status bar item. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Clearance', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_OPTIONS } },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6019'] },
    },
  };
  const policyWatcher = vscode.workspace.createFileSystemWatcher(
    '**/{*.rego,*.json,*.yaml,*.yml,*.jwt,*.token,.manifest}',
  );
  const folderWatcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
  // Source files feed the workspace index: edits on disk re-scan them.
  const sourceWatcher = vscode.workspace.createFileSystemWatcher(
    '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,go,vue,svelte}',
  );
  context.subscriptions.push(policyWatcher, folderWatcher, sourceWatcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: clearanceDocuments('file'),
    synchronize: {
      fileEvents: [
        policyWatcher,
        // Deleting a folder is one event for the folder, not one per file in it: watch creations
        // and deletions of anything, so a removed policy or identity folder is noticed.
        folderWatcher,
        sourceWatcher,
      ],
    },
    outputChannel: output,
    // The server also drops workspace values of restricted settings itself while this is false.
    // richHovers: VS Code renders `<details>` and the hover's command links; evaluateAs: the
    // claims file "Evaluate as" chose, kept in the editor's state rather than the settings;
    // clientCommands: the code actions that run this extension's own commands are offered only to it.
    initializationOptions: {
      workspaceTrusted: vscode.workspace.isTrusted,
      richHovers: true,
      evaluateAs: context.workspaceState.get<string>(EVALUATE_AS_KEY) ?? '',
      clientCommands: serverActionCommands,
    },
    // Hovers escape everything a policy or the code wrote; only these commands may run from a link.
    markdown: { isTrusted: { enabledCommands: hoverCommands }, supportHtml: true },
  };

  const auth = new ClearanceAuthProvider(context.secrets, output);
  const status = new IdentityStatus(auth);
  client = new LanguageClient('clearance', 'Clearance', serverOptions, clientOptions);
  const languageClient = client;
  status.showBundles(languageClient);
  const session = handSessionToServer(languageClient, auth);
  context.subscriptions.push(
    output,
    auth,
    status,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Clearance', auth, {
      supportsMultipleAccounts: false,
    }),
    session.subscription,
    ...registerIdentityMenu(auth, status, output, {
      get: () => context.workspaceState.get<string>(EVALUATE_AS_KEY) || undefined,
      set: async (file) => {
        await context.workspaceState.update(EVALUATE_AS_KEY, file);
        if (languageClient.isRunning())
          await languageClient.sendNotification('clearance/evaluateAs', { file: file ?? null });
      },
    }),
    ...registerInputCommands(() => client),
    registerServerCommandRunner(languageClient, noticeCommands),
    ...registerWalkthrough(() => client),
    vscode.commands.registerCommand('clearance.refresh', () =>
      client?.sendRequest('workspace/executeCommand', { command: 'clearance.server.refresh' }),
    ),
    vscode.commands.registerCommand('clearance.showOutput', () => output.show()),
    registerAccessRequestCommand(() => client),
    // The server re-reads the settings, now with their workspace values, and re-decides.
    vscode.workspace.onDidGrantWorkspaceTrust(
      () => void client?.sendNotification('clearance/workspaceTrust', { trusted: true }),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSignIn(event)) void auth.reload();
    }),
  );
  client.onNotification('clearance/identity', (view: IdentityView) => status.update(view));
  const reloadPermissions = registerPermissionsView(context, client);
  registerImpactNotice(client, output);
  context.subscriptions.push(...registerRegoTests(client), ...registerRegoEvaluate(client, context));
  await client.start();
  reloadPermissions();
  // The stored session is refreshed in the background: the server starts without waiting for the network.
  void auth.restore().then(session.send);
}

/** Stops the language server. */
export async function deactivate(): Promise<void> {
  await client?.stop();
}
