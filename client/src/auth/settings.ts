/**
 * The sign-in settings as the editor has them. Issuer, client and scopes are restricted settings, so
 * in an untrusted workspace VS Code hands over only the user's own values.
 */
import * as vscode from 'vscode';
import type { SignInConfig } from '../../../server/src/identity/oidc';

/** Which grant a sign-in uses. */
export type SignInFlow = 'authorizationCode' | 'deviceCode';

/** Reads the issuer, client and scopes of the sign-in. */
export function readSignInConfig(): SignInConfig {
  const config = vscode.workspace.getConfiguration('clearance.identity');
  return {
    issuer: (config.get<string>('issuer') ?? '').trim(),
    clientId: (config.get<string>('clientId') ?? '').trim(),
    scopes: config.get<string>('scopes') ?? '',
  };
}

/**
 * Picks the grant: the setting when it names one; on `auto`, the device flow where the browser may not
 * reach a listener on the extension host's 127.0.0.1 (a remote or browser-hosted editor), else the
 * authorization code flow.
 */
export function chooseSignInFlow(): SignInFlow {
  const setting = vscode.workspace.getConfiguration('clearance.identity').get<string>('signInFlow');
  if (setting === 'authorizationCode' || setting === 'deviceCode') return setting;
  const remote = vscode.env.remoteName !== undefined && vscode.env.remoteName !== '';
  return remote || vscode.env.uiKind === vscode.UIKind.Web ? 'deviceCode' : 'authorizationCode';
}

/** Whether a configuration change touches the sign-in settings. */
export function affectsSignIn(event: vscode.ConfigurationChangeEvent): boolean {
  return ['issuer', 'clientId', 'scopes'].some((key) =>
    event.affectsConfiguration(`clearance.identity.${key}`),
  );
}
