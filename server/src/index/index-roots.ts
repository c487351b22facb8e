/**
 * Which files the workspace index covers: the workspace folders (roots), each with its source
 * filter (`.gitignore` and `.clearance.yaml` `exclude:`), the check of one path against them, and
 * the bounded walk that lists the source files of a full run. Pure: no editor or LSP imports.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createSourceFilter, type SourceFilter } from '../config/source-filter';
import { isSkippedDirectory } from '../config/workspace-files';
import { languageForPath } from '../scanner';

/** A walk stops after this many folders: a folder tree without end (a huge tree) is cut there. */
const MAX_DIRECTORIES = 200_000;

/** The source files a walk listed, in a stable order, and whether it stopped at its limit. */
export interface ListedFiles {
  files: string[];
  truncated: boolean;
}

/** The folders an index covers and the filters of each. */
export class IndexRoots {
  private roots: string[] = [];
  /** Per root: `.gitignore` and `.clearance.yaml` `exclude:`, read again at each walk. */
  private readonly filters = new Map<string, SourceFilter>();

  /** Sets the folders (every folder of a multi-root workspace). */
  set(roots: string[]): void {
    this.roots = [...new Set(roots)];
  }

  /** Whether `path` is a source file under a root, outside skipped folders and excluded paths. */
  covers(path: string): boolean {
    if (!languageForPath(path)) return false;
    return this.roots.some((root) => {
      const rel = relative(root, path);
      if (!rel || rel.startsWith('..') || rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel)) return false;
      const folders = rel.split(sep).slice(0, -1);
      return !folders.some(isSkippedDirectory) && !this.filterOf(root).excludes(path, false);
    });
  }

  /**
   * Walks the roots breadth-first in a stable order, up to `maxFiles` source files, reading each
   * root's filters again first. `isCancelled` stops the walk between two folders.
   */
  async list(maxFiles: number, isCancelled: () => boolean): Promise<ListedFiles> {
    const files: string[] = [];
    this.filters.clear();
    const queue = [...this.roots];
    const rootOf = new Map(this.roots.map((root) => [root, root]));
    let directories = 0;
    while (queue.length > 0) {
      if (isCancelled()) break;
      const dir = queue.shift() as string;
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      // A folder tree without end (a symlink loop is not followed, but a huge tree can be) stops here.
      if (++directories > MAX_DIRECTORIES) return { files, truncated: true };
      const root = rootOf.get(dir) ?? dir;
      const filter = this.filterOf(root);
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!isSkippedDirectory(entry.name) && !filter.excludes(path, true)) {
            queue.push(path);
            rootOf.set(path, root);
          }
        } else if (entry.isFile() && languageForPath(path) && !filter.excludes(path, false)) {
          if (files.length >= maxFiles) return { files, truncated: true };
          files.push(path);
        }
      }
    }
    return { files, truncated: false };
  }

  private filterOf(root: string): SourceFilter {
    let filter = this.filters.get(root);
    if (filter === undefined) {
      filter = createSourceFilter(root);
      this.filters.set(root, filter);
    }
    return filter;
  }
}
