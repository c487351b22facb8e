/**
 * `node:url` in the web build (esbuild aliases the module to this file): the core turns paths into
 * links (`file://` on the desktop). In the browser the workspace is not on a disk (vscode.dev's
 * `vscode-vfs://github/...`), so paths map to the workspace's own scheme and authority, which the
 * web language server sets from its root folder's URI.
 */
let base = 'file://';

/** Sets the scheme and authority (`vscode-vfs://github`) that paths are links into. */
export function setWorkspaceUriBase(uriBase: string): void {
  base = uriBase;
}

/** The scheme and authority paths are links into. */
export function workspaceUriBase(): string {
  return base;
}

/** The URI of an absolute POSIX path in the workspace's scheme. */
export function pathToFileURL(path: string): URL {
  const encoded = path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return new URL(`${base}${encoded.startsWith('/') ? '' : '/'}${encoded}`);
}

/** The path of a URI in the workspace's scheme. */
export function fileURLToPath(uri: string | URL): string {
  return decodeURIComponent(new URL(String(uri)).pathname);
}
