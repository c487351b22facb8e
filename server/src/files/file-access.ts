/**
 * The file layer of the core: how policy loading, the folder scan and the scanner's wasm loading
 * reach files. On the desktop it is Node's file system (`node-files.ts`); in the browser's web
 * worker there is no file system, so it is a snapshot of the workspace's policy files that the
 * client reads through `workspace.fs` (`memory-files.ts`, filled by `server/src/lsp/web/`).
 * `platform-files.ts` names the one in force; the web build swaps it for `platform-files.browser.ts`.
 */
import type { BoundedReadOptions, ReadResult } from '../identity/bounded-read';

/** What a path is, as far as the file layer can tell. */
export type FileKind = 'file' | 'directory';

/** One entry of a folder listing. */
export interface FileEntry {
  name: string;
  kind: FileKind;
}

/** The reads the core needs; every one is bounded and none throws. */
export interface FileAccess {
  /** Whether `path` is a file, a folder, or nothing (undefined). */
  kindOf(path: string): FileKind | undefined;
  /** The entries of a folder (links and special files left out); undefined when it cannot be listed. */
  list(dir: string): FileEntry[] | undefined;
  /** A file's UTF-8 text when it holds at most `limitBytes` bytes, else why not. */
  readText(path: string, limitBytes: number, options?: BoundedReadOptions): ReadResult;
  /** Whether `path` is `root` or inside it once links are followed (lexically where there are none). */
  contains(root: string, path: string): boolean;
}

/** The number of bytes `text` takes in UTF-8, without Node's `Buffer`. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
