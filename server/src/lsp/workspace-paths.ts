/**
 * What a path is to a workspace folder: inside it or not, a policy or data file, a folder that held
 * policy files, the identity's token or key file. A change to such a path reloads what depends on it.
 */
import { isAbsolute, join, sep } from 'node:path';

/** Whether `path` is inside the folder `root` (a sibling folder that shares a prefix is not). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(`${root}${sep}`);
}

/** Whether `path` is a policy or data file of the folder `root`. */
export function isPolicyPath(root: string, path: string): boolean {
  if (!isInside(root, path)) return false;
  // A bundle's .manifest says which Rego version its files are read as.
  return path.endsWith('.rego') || /(^|[\\/])(data\.(json|ya?ml)|\.manifest)$/.test(path);
}

/**
 * Whether a created or deleted `path` may change the policy of `root` whose files are `policyFiles`:
 * a policy file, or a folder that held one (VS Code reports a deleted folder as one event).
 */
export function mayAffectPolicy(root: string, path: string, policyFiles: string[]): boolean {
  if (isPolicyPath(root, path)) return true;
  const folder = path.endsWith(sep) ? path : `${path}${sep}`;
  return isInside(root, path) && (policyFiles.some((f) => f.startsWith(folder)) || !/\.[^\\/]*$/.test(path));
}

/** Whether `path` is one of `files` (relative to `root`), or a folder holding one. */
export function isOrHolds(root: string, path: string, files: Array<string | undefined>): boolean {
  return files.some((f) => {
    if (!f) return false;
    const file = isAbsolute(f) ? f : join(root, f);
    return path === file || file.startsWith(`${path}${sep}`);
  });
}
