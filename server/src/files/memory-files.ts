/**
 * A `FileAccess` over texts held in memory: the web worker's snapshot of the workspace (it has no
 * file system) and a test's files. Folders are implied by the files' paths (POSIX, absolute).
 */
import type { BoundedReadOptions, ReadProblem, ReadResult } from '../identity/bounded-read';
import { isInside } from '../identity/read-problem';
import { type FileAccess, type FileEntry, type FileKind, utf8Length } from './file-access';

/** Files as texts in memory, addressed by absolute POSIX paths. */
export class MemoryFiles implements FileAccess {
  private readonly texts = new Map<string, string>();
  private readonly folders = new Map<string, Map<string, FileKind>>();
  /** Files that were looked for and could not be read, with why (too large, say): read answers that. */
  private readonly problems = new Map<string, ReadProblem>();

  /** Sets (or replaces) a file's text, creating the folders above it. */
  set(path: string, text: string): void {
    const clean = normalize(path);
    this.problems.delete(clean);
    this.texts.set(clean, text);
    this.addParents(clean, 'file');
  }

  /** Records a folder that was listed, so an empty one is still a folder. */
  setFolder(path: string): void {
    const clean = normalize(path);
    if (!this.folders.has(clean)) this.folders.set(clean, new Map());
    this.addParents(clean, 'directory');
  }

  /**
   * Records why a file could not be read (its text, if any, is forgotten): a later read gives that
   * problem, as Node's file system would, rather than "not found".
   */
  setProblem(path: string, problem: ReadProblem): void {
    this.delete(path);
    this.problems.set(normalize(path), problem);
  }

  // Each folder above `clean` lists the one below it; `clean` itself is a `kind`.
  private addParents(clean: string, kind: FileKind): void {
    let child = clean;
    for (let dir = parentOf(clean); dir !== undefined; child = dir, dir = parentOf(dir)) {
      const entries = this.folders.get(dir) ?? new Map<string, FileKind>();
      entries.set(child.slice(dir === '/' ? 1 : dir.length + 1), child === clean ? kind : 'directory');
      this.folders.set(dir, entries);
    }
  }

  /** Forgets one file (its folders stay). */
  delete(path: string): void {
    const clean = normalize(path);
    this.problems.delete(clean);
    if (!this.texts.delete(clean)) return;
    const dir = parentOf(clean);
    if (dir !== undefined) this.folders.get(dir)?.delete(clean.slice(dir === '/' ? 1 : dir.length + 1));
  }

  /** Forgets every file. */
  clear(): void {
    this.texts.clear();
    this.folders.clear();
    this.problems.clear();
  }

  /** How many files are held. */
  get size(): number {
    return this.texts.size;
  }

  kindOf(path: string): FileKind | undefined {
    const clean = normalize(path);
    if (this.texts.has(clean)) return 'file';
    return this.folders.has(clean) ? 'directory' : undefined;
  }

  list(dir: string): FileEntry[] | undefined {
    const entries = this.folders.get(normalize(dir));
    return entries ? [...entries].map(([name, kind]) => ({ name, kind })) : undefined;
  }

  readText(path: string, limitBytes: number, options: BoundedReadOptions = {}): ReadResult {
    const clean = normalize(path);
    if (options.within !== undefined && !this.contains(options.within, clean))
      return { ok: false, problem: { kind: 'outside', root: options.within } };
    const text = this.texts.get(clean);
    if (text === undefined)
      return {
        ok: false,
        problem:
          this.problems.get(clean) ??
          (this.folders.has(clean) ? { kind: 'directory' } : { kind: 'not-found' }),
      };
    const sizeBytes = utf8Length(text);
    if (sizeBytes > limitBytes) return { ok: false, problem: { kind: 'too-large', limitBytes, sizeBytes } };
    return { ok: true, text };
  }

  /** Lexical: the snapshot holds no links. */
  contains(root: string, path: string): boolean {
    return isInside(normalize(root), normalize(path));
  }
}

/** Drops a trailing slash (but of the root) and empty segments. */
function normalize(path: string): string {
  const clean = `/${path.split('/').filter(Boolean).join('/')}`;
  return clean;
}

function parentOf(path: string): string | undefined {
  if (path === '/') return undefined;
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}
