/**
 * Workspace URIs and the core's paths in the web build. The core works on absolute POSIX paths; a
 * browser workspace has URIs such as `vscode-vfs://github/owner/repo/src/app.ts`. Each path is the
 * URI's path, and links go back through the `node:url` stand-in, set to the root's scheme and authority.
 */
import { fileURLToPath, pathToFileURL, setWorkspaceUriBase } from '../../web/node-url';

/** The scheme and authority of `rootUri` (`vscode-vfs://github`, `memfs:`), and its path. */
export function splitRootUri(rootUri: string): { base: string; path: string } {
  const url = new URL(rootUri);
  const hasAuthority = rootUri.startsWith(`${url.protocol}//`);
  const base = hasAuthority ? `${url.protocol}//${url.host}` : url.protocol;
  return { base, path: decodeURIComponent(url.pathname) || '/' };
}

/** Makes `rootUri`'s scheme and authority the one paths map into; returns the root's path. */
export function useRootUri(rootUri: string): string {
  const { base, path } = splitRootUri(rootUri);
  setWorkspaceUriBase(base);
  return path;
}

/** The URI of a path of the workspace. */
export function toWorkspaceUri(path: string): string {
  return pathToFileURL(path).href;
}

/** The path of a URI in the workspace's scheme and authority; undefined for any other URI. */
export function toWorkspacePath(uri: string, rootUri: string): string | undefined {
  try {
    const { base } = splitRootUri(rootUri);
    if (splitRootUri(uri).base !== base) return undefined;
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
