/**
 * Starts the web language server's worker. From a URL the browser can load (vscode.dev's extension
 * CDN, `file:` in a local web host) VS Code's extension host starts it as usual; a remote
 * extension's `vscode-remote:` URL (code-server's browser extension host) cannot start a worker, so
 * the script is read with `workspace.fs` and started from a blob, and the worker asks for its wasm
 * files over `clearance/fs/readWasm`, answered here for this extension's wasm folder only.
 */
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import {
  type ReadWasmParams,
  type ReadWasmResult,
  readWasmRequest,
} from '../../server/src/lsp/web/fs-protocol';

// The extension host's globals in the browser (the project's TypeScript settings carry no DOM library).
declare const Worker: new (url: string) => unknown;
declare const Blob: new (parts: Uint8Array[], options: { type: string }) => unknown;
declare const URL: { createObjectURL(blob: unknown): string };

/** The worker running `dist/server/web-server.js`, and the URL of its wasm folder. */
export async function startServerWorker(
  extensionUri: vscode.Uri,
): Promise<{ worker: unknown; wasmUrl: string }> {
  const main = vscode.Uri.joinPath(extensionUri, 'dist', 'server', 'web-server.js');
  const wasmUrl = vscode.Uri.joinPath(extensionUri, 'dist', 'server', 'wasm', '/').toString(true);
  if (extensionUri.scheme !== 'vscode-remote') return { worker: new Worker(main.toString(true)), wasmUrl };
  const script = await vscode.workspace.fs.readFile(main);
  const blobUrl = URL.createObjectURL(new Blob([script], { type: 'application/javascript' }));
  return { worker: new Worker(blobUrl), wasmUrl };
}

/** Serves `clearance/fs/readWasm` for the wasm files in this extension's own wasm folder. */
export function serveWasmFiles(client: BaseLanguageClient, extensionUri: vscode.Uri): vscode.Disposable {
  const folder = `${vscode.Uri.joinPath(extensionUri, 'dist', 'server', 'wasm').toString()}/`;
  return client.onRequest(readWasmRequest, async (params: ReadWasmParams): Promise<ReadWasmResult> => {
    const uri = vscode.Uri.parse(params.uri, true);
    const name = uri.toString().slice(folder.length);
    if (!uri.toString().startsWith(folder) || !/^[\w.-]+\.wasm$/.test(name))
      return { error: 'not one of the extension wasm files' };
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      return { base64: toBase64(bytes) };
    } catch (error) {
      return { error: String(error) };
    }
  });
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
