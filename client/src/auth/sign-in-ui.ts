/**
 * What a person sees while signing in: for the device flow, the code and where to enter it, with a
 * "Copy code and open" action; for the authorization code flow, the browser opened on the provider's
 * page. Both show a cancellable progress notification.
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
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Clearance sign-in', cancellable: true },
    async (progress, cancellation) => {
      const controller = new AbortController();
      cancellation.onCancellationRequested(() => controller.abort());
      progress.report({ message: `asking ${endpoints.issuer} for a code…` });
      const started = await startDeviceAuthorization(config, endpoints, { signal: controller.signal });
      if (!started.ok) return started;
      const { authorization } = started;
      log.info(`sign-in: device code issued; enter it at ${authorization.verificationUri}`);
      const where = authorization.verificationUri;
      progress.report({ message: `enter the code ${authorization.userCode} at ${where}` });
      void offerCopyAndOpen(
        authorization.userCode,
        authorization.verificationUriComplete ?? where,
        controller.signal,
      );
      return pollDeviceToken(config, endpoints, authorization, { signal: controller.signal });
    },
  );
}

/** A second notification with the code and the action, since a progress notification has no buttons. */
async function offerCopyAndOpen(userCode: string, uri: string, signal: AbortSignal): Promise<void> {
  const action = 'Copy code and open';
  const choice = await vscode.window.showInformationMessage(
    `Clearance: to sign in, enter the code ${userCode} at ${uri.split('?')[0]}`,
    action,
  );
  if (choice !== action || signal.aborted) return;
  await vscode.env.clipboard.writeText(userCode);
  await vscode.env.openExternal(vscode.Uri.parse(uri, true));
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
