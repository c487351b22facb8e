/**
 * How the CLI names files: relative to the working folder when inside it (as most linters print
 * them, so a terminal or editor opens them from where the command ran), else absolute; and what it
 * says about a path on the command line that does not exist.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type ClearanceError, formatError } from '../errors';
import { splitPrefix } from '../policy/load';

/** A path as the CLI prints it: relative to `cwd` when it is inside `cwd`, else absolute. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return absolute;
  return rel;
}

/** `file:line:col: code: message`, the file named as {@link displayPath} names it. */
export function formatCliError(error: ClearanceError, cwd = process.cwd()): string {
  if (!error.location) return formatError(error);
  return formatError({
    ...error,
    location: { ...error.location, file: displayPath(error.location.file, cwd) },
  });
}

/** An error as OPA's JSON output shapes it: `{code, message, location: {file, row, col}}`. */
export function errorAsJson(error: {
  code: string;
  message: string;
  location?: { file: string; start: { line: number; column: number } };
}): Record<string, unknown> {
  const { code, message, location } = error;
  if (!location) return { code, message };
  const file = displayPath(location.file);
  return { code, message, location: { file, row: location.start.line, col: location.start.column } };
}

// The folders looked at for the suggestion: enough for a project's layout, bounded for a huge tree.
const SUGGEST_MAX_DEPTH = 4;
const SUGGEST_MAX_ENTRIES = 5_000;
const SUGGEST_MAX_FOLDERS = 3;
const SKIPPED = new Set(['node_modules', 'dist', 'out', 'build', 'coverage']);

/** Up to three folders under `cwd` that hold `.rego` files, nearest first, as {@link displayPath} names them. */
export function regoFoldersUnder(cwd: string): string[] {
  const found: string[] = [];
  let seen = 0;
  let level = [cwd];
  for (let depth = 0; depth <= SUGGEST_MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      seen += names.length;
      if (seen > SUGGEST_MAX_ENTRIES) return found;
      if (names.some((n) => n.endsWith('.rego'))) {
        found.push(displayPath(dir, cwd));
        if (found.length === SUGGEST_MAX_FOLDERS) return found;
      }
      for (const name of names)
        if (!name.startsWith('.') && !SKIPPED.has(name) && isFolder(join(dir, name)))
          next.push(join(dir, name));
    }
    level = next;
  }
  return found;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * What is wrong with a path given on the command line that does not exist, and what to pass instead:
 * the folders here that hold `.rego` files, when there are any.
 */
export function noSuchPath(given: string, cwd = process.cwd()): string {
  const folders = regoFoldersUnder(cwd);
  const where =
    folders.length > 0
      ? `, such as ${folders.join(' or ')}`
      : `; no folder under ${displayPath(cwd, cwd)} holds one`;
  return `no such file or folder: ${given}; pass a .rego file or a folder that holds them${where}`;
}

/** The paths of `given` (each maybe `prefix:path`, as `opa test` takes) that do not exist, relative to `cwd`. */
export function missingPaths(given: readonly string[], cwd = process.cwd()): string[] {
  return given.filter(
    (g) => statSync(resolve(cwd, splitPrefix(g).path), { throwIfNoEntry: false }) === undefined,
  );
}
