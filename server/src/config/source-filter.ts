/**
 * Which files of a workspace folder the scanner reads, beyond the folder names every walk skips
 * (workspace-files.ts): the folder's `.gitignore` files, nested ones included, and the `exclude:`
 * patterns of its `.clearance.yaml`, both in `.gitignore` syntax and matched with the `ignore`
 * library (the matcher eslint and prettier use). Reads are bounded; a `.gitignore` that cannot be
 * read counts as empty.
 */
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readBoundedFileSync } from '../identity/bounded-read';
import { CLEARANCE_YAML, parseProjectConfig } from './clearance-yaml';

/** Bigger `.gitignore` and `.clearance.yaml` files are not read. */
const MAX_GITIGNORE_BYTES = 256 * 1024;

/** Tells whether a path under the folder is left out of scanning. */
export interface SourceFilter {
  /** `path` is absolute or relative to the folder; `directory` for folders (`build/` patterns). */
  excludes(path: string, directory: boolean): boolean;
}

/**
 * The filter of one workspace folder. `exclude` defaults to the `exclude:` of the folder's
 * `.clearance.yaml` (none when that file has problems: they are reported where it is read).
 */
export function createSourceFilter(root: string, exclude?: readonly string[]): SourceFilter {
  const patterns = exclude ?? readExclude(root);
  let configured: Ignore | undefined;
  try {
    configured = patterns.length > 0 ? ignore().add([...patterns]) : undefined;
  } catch {
    configured = undefined;
  }
  // Each folder's own .gitignore, read once, applies to the paths under it.
  const gitignores = new Map<string, Ignore | null>();
  const gitignoreOf = (dir: string): Ignore | null => {
    let found = gitignores.get(dir);
    if (found === undefined) {
      const read = readBoundedFileSync(join(root, dir, '.gitignore'), MAX_GITIGNORE_BYTES, { within: root });
      found = read.ok ? ignore().add(read.text) : null;
      gitignores.set(dir, found);
    }
    return found;
  };
  return {
    excludes(path, directory) {
      // A pattern the matcher cannot handle excludes nothing: a repository's .gitignore never stops a scan.
      try {
        return isExcluded(path, directory);
      } catch {
        return false;
      }
    },
  };

  function isExcluded(path: string, directory: boolean): boolean {
    const rel = relative(root, resolve(root, path)).split(sep).join('/');
    if (rel === '' || rel.startsWith('../') || rel === '..') return false;
    const asked = directory ? `${rel}/` : rel;
    if (configured?.ignores(asked)) return true;
    const parts = rel.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      const rules = gitignoreOf(dir);
      if (rules === null) continue;
      const below = parts.slice(depth).join('/');
      if (rules.ignores(directory ? `${below}/` : below)) return true;
    }
    return false;
  }
}

// Only `exclude:` is wanted here: the file is parsed, but the OpenAPI documents it names are not read.
function readExclude(root: string): string[] {
  const read = readBoundedFileSync(join(root, CLEARANCE_YAML), 1_000_000, { within: root });
  if (!read.ok) return [];
  return parseProjectConfig(read.text, join(root, CLEARANCE_YAML)).config?.exclude ?? [];
}
