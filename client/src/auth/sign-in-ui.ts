/**
 * What a person sees while signing in: for the device flow, a dialog with the code and where to enter
 * it and a "Copy code and open" action; for the authorization code flow, the browser opened on the
 * provider's page. Both then wait behind a cancellable progress notification.
 */
import * as vscode from 'vscode';
import {
  pollDeviceToken,
  type SignInConfig,
  type SignInEndpoints,
  signInWithAuthorizationCode,
  startDeviceAuthorization,
  type TokenResult,
} from '../../../server/src/identity/oidc';
import type { SignInFlow } from './settings';

/** Runs one sign-in with the chosen grant, showing its progress; resolves with the tokens or why not. */
export async function runSignIn(
  flow: SignInFlow,
  config: SignInConfig,
  endpoints: SignInEndpoints,
  log: vscode.LogOutputChannel,
): Promise<TokenResult> {
  return flow === 'deviceCode'
    ? runDeviceSignIn(config, endpoints, log)
    : runBrowserSignIn(config, endpoints, log);
}

async function runDeviceSignIn(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  log: vscode.LogOutputChannel,
): Promise<TokenResult> {
  const started = await startDeviceAuthorization(config, endpoints);
  if (!started.ok) return started;
  const { authorization } = started;
  const where = authorization.verificationUri;
  log.info(`sign-in: device code issued; enter it at ${where}`);
  // A dialog, as VS Code's own device sign-ins do: it cannot be missed, and unlike a notification
  // it does not linger once the sign-in is over.
  const copyAndOpen = 'Copy code and open';
  const entered = 'Continue';
  const choice = await vscode.window.showInformationMessage(
    'Sign in to Clearance',
    {
      modal: true,
      detail: `Enter the code ${authorization.userCode} at ${where}, on this or any other device, then continue.`,
    },
    copyAndOpen,
    entered,
  );
  if (choice === undefined) return { ok: false, reason: 'cancelled' };
  if (choice === copyAndOpen) {
    await vscode.env.clipboard.writeText(authorization.userCode);
    await vscode.env.openExternal(vscode.Uri.parse(authorization.verificationUriComplete ?? where, true));
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Clearance sign-in', cancellable: true },
    async (progress, cancellation) => {
      const controller = new AbortController();
      cancellation.onCancellationRequested(() => controller.abort());
      progress.report({
        message: `waiting for the code ${authorization.userCode} to be entered at ${where}…`,
      });
      return pollDeviceToken(config, endpoints, authorization, { signal: controller.signal });
    },
  );
}

async function runBrowserSignIn(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  log: vscode.LogOutputChannel,
): Promise<TokenResult> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Clearance sign-in: continue in your browser',
      cancellable: true,
    },
    async (_progress, cancellation) => {
      const controller = new AbortController();
      cancellation.onCancellationRequested(() => controller.abort());
      log.info(`sign-in: opening the browser at ${endpoints.authorizationEndpoint ?? endpoints.issuer}`);
      return signInWithAuthorizationCode(config, endpoints, {
        signal: controller.signal,
        openBrowser: (url) => Promise.resolve(vscode.env.openExternal(vscode.Uri.parse(url, true))),
        // Where the extension host is not on the browser's machine, the editor forwards the port.
        exposeRedirectUri: async (uri) =>
          (await vscode.env.asExternalUri(vscode.Uri.parse(uri, true))).toString(true),
      });
    },
  );
}
