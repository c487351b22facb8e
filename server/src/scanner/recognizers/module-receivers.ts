/**
 * Which module a receiver names, for calls of a module's plain functions: `api` in `api.get(...)`
 * after `import * as api from '$lib/api.js'`, Python's `from pkg import http_requests`, Go's
 * `send.Execute(...)` after importing `example.com/sdk/internal/send`; and whether a wrapper is a
 * function of that module.
 */

import { basename, dirname, extname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { isJsLanguage, lastName } from '../project/code-shape';
import type { WrapperDefinition } from '../project/types';
import { sliceNode } from '../syntax';
import type { ScanContext } from './context';
import { readGoImportPath } from './go-http';

/**
 * `api` in `api.get(...)` after `import * as api from '$lib/api.js'` (or Python's `from pkg import
 * http_requests`, `import pkg.http_requests as hr`): the module's file name, whose functions it
 * calls; for Go, the import path of the package the receiver names.
 */
export function readModuleReceiver(context: ScanContext, receiver: Node): string | undefined {
  if (receiver.type !== 'identifier') return undefined;
  const name = sliceNode(context.text, receiver);
  if (context.language === 'python') {
    // Read once per name and file: each reading searches the whole text twice.
    let known = pythonModuleNames.get(context);
    if (known === undefined) {
      known = new Map();
      pythonModuleNames.set(context, known);
    }
    if (!known.has(name)) known.set(name, readPythonModuleName(context.text, name));
    return known.get(name);
  }
  if (context.language === 'go') return readGoImportPath(receiver, context.text);
  if (!isJsLanguage(context.language)) return undefined;
  const binding = context.findBindings(name).find((b) => b.kind === 'import');
  if (binding?.importSource === undefined || binding.node.parent?.type !== 'namespace_import')
    return undefined;
  return basename(binding.importSource, extname(binding.importSource));
}

/**
 * A module's function: the file of that name, or (Go) an exported function of a package whose
 * folder ends the import path (`example.com/sdk/internal/send` for `internal/send/send.go`).
 */
export function moduleMatches(context: ScanContext, module: string, definition: WrapperDefinition): boolean {
  const file = definition.site.file;
  if (context.language !== 'go') return basename(file, extname(file)) === module;
  if (!/^[A-Z]/.test(definition.name)) return false;
  // Paths are relative to the project for the CLI and absolute in the editor's index, whose root
  // is not known here: the folders the caller and the package share stand for the root, and the
  // package's folders below them must end the import path. Both readings decide alike.
  const folder = segments(dirname(file));
  const caller = segments(dirname(context.file));
  let shared = 0;
  while (shared < folder.length && shared < caller.length && folder[shared] === caller[shared]) shared++;
  const below = folder.length - shared;
  const imported = module.split('/');
  let ending = 0;
  while (
    ending < below &&
    ending < imported.length &&
    folder[folder.length - 1 - ending] === imported[imported.length - 1 - ending]
  )
    ending++;
  return below > 0 && ending === below;
}

// A path's folder names, without `.` and the empty name before an absolute path's first `/`.
function segments(path: string): string[] {
  return path.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
}

const pythonModuleNames = new WeakMap<ScanContext, Map<string, string | undefined>>();

// The module a Python name was imported as (`from pkg import name`, `import pkg.mod as name`).
function readPythonModuleName(text: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const from = new RegExp(
    `^\\s*from\\s+\\S+\\s+import\\s+(?:\\([^)]*\\b${escaped}\\b|[^\\n(]*\\b${escaped}\\b)`,
    'm',
  ).test(text);
  const aliased = new RegExp(`^\\s*import\\s+([\\w.]+)\\s+as\\s+${escaped}\\s*$`, 'm').exec(text);
  if (aliased?.[1] !== undefined) return lastName(aliased[1]);
  return from ? name : undefined;
}
