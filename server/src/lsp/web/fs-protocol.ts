/**
 * The custom requests over which the web language server reads the workspace: a web worker has no
 * file system, so the browser client answers them with `vscode.workspace.fs` (see
 * client/src/browser-files.ts). URIs are the workspace's own (`vscode-vfs://github/...` on github.dev).
 */

/** `clearance/fs/readDirectory`: a folder's entries, as `workspace.fs.readDirectory` gives them. */
export const readDirectoryRequest = 'clearance/fs/readDirectory';

/** `clearance/fs/readFile`: a file's UTF-8 text, refused past `limitBytes`. */
export const readFileRequest = 'clearance/fs/readFile';

/** The parameters of `clearance/fs/readDirectory`. */
export interface ReadDirectoryParams {
  uri: string;
}

/** One entry: its name and whether it is a file or a folder (links and others are left out). */
export interface DirectoryEntry {
  name: string;
  kind: 'file' | 'directory';
}

/** The answer to `clearance/fs/readDirectory`: the entries, or why there are none. */
export type ReadDirectoryResult = { entries: DirectoryEntry[] } | { error: string };

/** The parameters of `clearance/fs/readFile`. */
export interface ReadFileParams {
  uri: string;
  /** The client refuses a larger file without reading it. */
  limitBytes: number;
}

/** The answer to `clearance/fs/readFile`: the text, or why there is none (`tooLarge` with its size). */
export type ReadFileResult = { text: string } | { error: string; sizeBytes?: number };

/**
 * `clearance/fs/readWasm`: one of the extension's own wasm files, base64. Used only when the
 * worker cannot fetch the extension's URL itself (a remote extension in code-server's browser
 * extension host, whose `vscode-remote:` URLs a worker cannot load).
 */
export const readWasmRequest = 'clearance/fs/readWasm';

/** The parameters of `clearance/fs/readWasm`. */
export interface ReadWasmParams {
  uri: string;
}

/** The answer to `clearance/fs/readWasm`. */
export type ReadWasmResult = { base64: string } | { error: string };
