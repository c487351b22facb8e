/**
 * The browser client's side of the web language server's file requests (`clearance/fs/*`, see
 * server/src/lsp/web/fs-protocol.ts): a web worker has no file system, so the client reads the
 * workspace with `vscode.workspace.fs`, which works for vscode.dev's and github.dev's virtual
 * folders alike. Only folders and files under an open workspace folder are answered, and a file
 * larger than the server's limit is refused without being read.
 */
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import {
  type DirectoryEntry,
  type ReadDirectoryParams,
  type ReadDirectoryResult,
  type ReadFileParams,
  type ReadFileResult,
  readDirectoryRequest,
  readFileRequest,
} from '../../server/src/lsp/web/fs-protocol';

/** Whether `uri` is an open workspace folder or inside one. */
function inWorkspace(uri: vscode.Uri): boolean {
  return vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

function describe(error: unknown): string {
  return error instanceof vscode.FileSystemError ? error.code || error.message : String(error);
}

/** Answers `clearance/fs/readDirectory`. */
export async function readDirectory(params: ReadDirectoryParams): Promise<ReadDirectoryResult> {
  const uri = vscode.Uri.parse(params.uri, true);
  if (!inWorkspace(uri)) return { error: 'outside the workspace' };
  try {
    const entries: DirectoryEntry[] = [];
    for (const [name, type] of await vscode.workspace.fs.readDirectory(uri)) {
      // Links are left out, as the desktop walk does not follow them either.
      if (type & vscode.FileType.SymbolicLink) continue;
      if (type === vscode.FileType.Directory) entries.push({ name, kind: 'directory' });
      else if (type === vscode.FileType.File) entries.push({ name, kind: 'file' });
    }
    return { entries };
  } catch (error) {
    return { error: describe(error) };
  }
}

/** Answers `clearance/fs/readFile`. */
export async function readFile(params: ReadFileParams): Promise<ReadFileResult> {
  const uri = vscode.Uri.parse(params.uri, true);
  if (!inWorkspace(uri)) return { error: 'outside the workspace' };
  try {
    const { size, type } = await vscode.workspace.fs.stat(uri);
    if (type !== vscode.FileType.File) return { error: 'not a file' };
    if (size > params.limitBytes) return { error: `larger than ${params.limitBytes} bytes`, sizeBytes: size };
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > params.limitBytes)
      return { error: `larger than ${params.limitBytes} bytes`, sizeBytes: bytes.byteLength };
    return { text: new TextDecoder().decode(bytes) };
  } catch (error) {
    return { error: describe(error) };
  }
}

/** Serves the file requests of `client`'s web worker. */
export function serveWorkspaceFiles(client: BaseLanguageClient): vscode.Disposable[] {
  return [client.onRequest(readDirectoryRequest, readDirectory), client.onRequest(readFileRequest, readFile)];
}
