/**
 * What the desktop client (extension.ts) and the browser client (browser.ts) share: the documents
 * the language server gets, and the sign-in session handed to it.
 */
import type * as vscode from 'vscode';
import type { BaseLanguageClient, DocumentSelector } from 'vscode-languageclient';
import type { ClearanceAuthProvider } from './auth/provider';

/** The languages whose documents the server decides or checks. */
export const clearanceLanguages = [
  'rego',
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'python',
  'go',
];

/** The server's documents, in `scheme` (the desktop's `file`) or, without one, in any scheme. */
export function clearanceDocuments(scheme?: string): DocumentSelector {
  const at = scheme === undefined ? {} : { scheme };
  return [
    ...clearanceLanguages.map((language) => ({ ...at, language })),
    // Vue and Svelte components: the server reads their script blocks.
    { ...at, pattern: '**/*.{vue,svelte}' },
    // The server checks `.clearance.yaml` as you type, whether or not a YAML extension is installed.
    { ...at, pattern: '**/.clearance.yaml' },
  ];
}

/**
 * Hands the sign-in's ID token (or null) to the server: `send` now, and on every change while
 * `subscription` lives. The token travels only over this channel.
 */
export function handSessionToServer(
  client: BaseLanguageClient,
  auth: ClearanceAuthProvider,
): { send: () => void; subscription: vscode.Disposable } {
  const send = () => {
    if (client.isRunning())
      void client.sendNotification('clearance/session', { token: auth.idToken ?? null });
  };
  return { send, subscription: auth.onDidChangeIdToken(send) };
}
