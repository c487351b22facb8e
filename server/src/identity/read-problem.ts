/**
 * What a bounded read answers, as data and words: shared by the Node reader (`bounded-read.ts`) and
 * the web build's (`bounded-read.browser.ts`), so both describe a problem the same way.
 */
import { relative, sep } from 'node:path';

/** Why a file could not be read; `detail` is an errno code such as `EACCES` when there is one. */
export type ReadProblem =
  | { kind: 'not-found' }
  | { kind: 'directory' }
  | { kind: 'not-regular' }
  | { kind: 'too-large'; limitBytes: number; sizeBytes?: number }
  | { kind: 'outside'; root: string }
  | { kind: 'unreadable'; detail: string };

/** The text of a file, or why there is none. */
export type ReadResult = { ok: true; text: string } | { ok: false; problem: ReadProblem };

/** Whether `path` (already resolved) is `root` or inside it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return (
    rel === '' ||
    (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel))
  );
}

/** Phrases a read problem after the file's label, e.g. `does not exist`. */
export function describeReadProblem(problem: ReadProblem): string {
  switch (problem.kind) {
    case 'not-found':
      return 'does not exist';
    case 'directory':
      return 'is a directory, not a file';
    case 'not-regular':
      return 'is not a regular file (a device, FIFO or socket); not read';
    case 'too-large':
      return `is larger than ${formatBytes(problem.limitBytes)}; not read`;
    case 'outside':
      return `resolves (through a link) outside ${problem.root}; not read`;
    case 'unreadable':
      return `could not be read (${problem.detail})`;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
