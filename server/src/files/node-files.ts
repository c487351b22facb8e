/** The file layer on Node: the real file system, read through the one bounded reader. */
import { readdirSync, statSync } from 'node:fs';
import { readBoundedFileSync, resolvesInside } from '../identity/bounded-read';
import type { FileAccess, FileEntry } from './file-access';

/** Node's file system as a `FileAccess`. */
export const nodeFiles: FileAccess = {
  kindOf(path) {
    // A name too long, a component that is a file, or a folder we may not read: nothing there for us.
    try {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat === undefined) return undefined;
      return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : undefined;
    } catch {
      return undefined;
    }
  },
  list(dir) {
    try {
      const entries: FileEntry[] = [];
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) entries.push({ name: entry.name, kind: 'directory' });
        else if (entry.isFile()) entries.push({ name: entry.name, kind: 'file' });
      }
      return entries;
    } catch {
      return undefined;
    }
  },
  readText: readBoundedFileSync,
  contains: resolvesInside,
};
