/**
 * A `FileAccess` that remembers another's answers: the desktop server reads the documents
 * `.clearance.yaml` names through it, so typing in `.clearance.yaml` parses the documents again from
 * memory without reading the disk, and a file event on one of them (`forget`) is what reads them again.
 * Each read of the configuration is bracketed by `begin` and `end`: `end` says which files and folders
 * it looked at (what the editor is asked to watch), and `prune` forgets the answers it did not use, so
 * what is kept is one configuration's documents, and at most `maxBytes` of text (past that, reads go
 * through unremembered).
 */
import type { BoundedReadOptions, ReadResult } from '../identity/bounded-read';
import { type FileAccess, type FileEntry, type FileKind, utf8Length } from './file-access';

/** The files and folders one read looked at. */
export interface FilesLookedAt {
  files: Set<string>;
  folders: string[];
}

/** `base`'s answers, remembered until forgotten or no longer used. */
export class RememberedFiles implements FileAccess {
  private readonly answers = new Map<string, { value: unknown; bytes: number }>();
  private bytes = 0;
  private used = new Set<string>();
  private looked: FilesLookedAt = { files: new Set(), folders: [] };

  constructor(
    private readonly base: FileAccess,
    private readonly maxBytes: number,
  ) {}

  /** Starts a read of the configuration: what it looks at is noted from here. */
  begin(): void {
    this.used = new Set();
    this.looked = { files: new Set(), folders: [] };
  }

  /** Ends the read: what it looked at. */
  end(): FilesLookedAt {
    return this.looked;
  }

  /** Forgets the answers the read since `begin` did not use. */
  prune(): void {
    for (const [key, answer] of this.answers)
      if (!this.used.has(key)) {
        this.answers.delete(key);
        this.bytes -= answer.bytes;
      }
  }

  /** Forgets every answer: the next read asks `base` again. */
  forget(): void {
    this.answers.clear();
    this.bytes = 0;
  }

  kindOf(path: string): FileKind | undefined {
    return this.remember(`kind\0${path}`, () => this.base.kindOf(path));
  }

  list(dir: string): FileEntry[] | undefined {
    if (!this.looked.folders.includes(dir)) this.looked.folders.push(dir);
    return this.remember(`list\0${dir}`, () => this.base.list(dir));
  }

  readText(path: string, limitBytes: number, options?: BoundedReadOptions): ReadResult {
    this.looked.files.add(path);
    const key = `read\0${path}\0${limitBytes}\0${options?.within ?? ''}`;
    return this.remember(
      key,
      () => this.base.readText(path, limitBytes, options),
      (read) => (read.ok ? utf8Length(read.text) : 0),
    );
  }

  contains(root: string, path: string): boolean {
    return this.remember(`contains\0${root}\0${path}`, () => this.base.contains(root, path));
  }

  // The remembered answer under `key`, else `base`'s, kept while the texts kept stay within `maxBytes`.
  private remember<T>(key: string, ask: () => T, sizeOf: (value: T) => number = () => 0): T {
    this.used.add(key);
    const known = this.answers.get(key);
    if (known !== undefined) return known.value as T;
    const value = ask();
    const bytes = sizeOf(value);
    if (this.bytes + bytes <= this.maxBytes) {
      this.answers.set(key, { value, bytes });
      this.bytes += bytes;
    }
    return value;
  }
}
