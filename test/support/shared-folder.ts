/**
 * The read-only `../shared` folder beside the project (OPA's conformance cases, the Rego corpus,
 * OPA-compiled wasm), which the tests that measure against an oracle read. CI clones the project
 * beside it; a clone without it fails those tests with one message saying so, not a bare ENOENT,
 * and never skips them.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The project's root (this file is in test/support/). */
const projectRoot = resolve(__dirname, '..', '..');

/** The path of `<projectRoot>/../shared/<parts>`; throws the one clear error when it is not there. */
export function sharedPathBeside(root: string, ...parts: string[]): string {
  const shared = join(resolve(root), '..', 'shared');
  if (!existsSync(shared))
    throw new Error(
      `../shared not found beside the project at ${shared}: clone the project beside it, as CI does`,
    );
  const path = join(shared, ...parts);
  if (!existsSync(path))
    throw new Error(
      `../shared/${parts.join('/')} not found at ${path}: ../shared is incomplete; clone it whole beside the project, as CI does`,
    );
  return path;
}

/** The path of `../shared/<parts>` beside this project, e.g. `sharedPath('opa-wasm')`. */
export function sharedPath(...parts: string[]): string {
  return sharedPathBeside(projectRoot, ...parts);
}
