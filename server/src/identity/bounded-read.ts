/**
 * Reads small configuration files (tokens, key sets) without trusting them: a FIFO, a device or a
 * multi-gigabyte file must neither hang the language server nor fill its memory.
 */
import { open, stat } from 'node:fs/promises';

/** Why a file could not be read; `detail` is an errno code such as `EACCES` when there is one. */
export type ReadProblem =
  | { kind: 'not-found' }
  | { kind: 'directory' }
  | { kind: 'not-regular' }
  | { kind: 'too-large'; limitBytes: number }
  | { kind: 'unreadable'; detail: string };

/** The text of a file, or why there is none. */
export type ReadResult = { ok: true; text: string } | { ok: false; problem: ReadProblem };

/** Reads a regular file as UTF-8 when it holds at most `limitBytes` bytes; never throws. */
export async function readBoundedFile(path: string, limitBytes: number): Promise<ReadResult> {
  try {
    // stat first: opening a FIFO for reading blocks until a writer appears.
    const info = await stat(path);
    if (info.isDirectory()) return { ok: false, problem: { kind: 'directory' } };
    if (!info.isFile()) return { ok: false, problem: { kind: 'not-regular' } };
    if (info.size > limitBytes) return { ok: false, problem: { kind: 'too-large', limitBytes } };
    const handle = await open(path, 'r');
    try {
      // Read one byte past the limit, because the file may have grown since stat.
      const buffer = Buffer.alloc(limitBytes + 1);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled > limitBytes) return { ok: false, problem: { kind: 'too-large', limitBytes } };
      return { ok: true, text: buffer.subarray(0, filled).toString('utf8') };
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = readErrnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: { kind: 'not-found' } };
    if (code === 'EISDIR') return { ok: false, problem: { kind: 'directory' } };
    return { ok: false, problem: { kind: 'unreadable', detail: code ?? 'unknown error' } };
  }
}

/** Phrases a read problem after the file's label, e.g. `does not exist`. */
export function describeReadProblem(problem: ReadProblem): string {
  switch (problem.kind) {
    case 'not-found':
      return 'does not exist';
    case 'directory':
      return 'is a directory, not a file';
    case 'not-regular':
      return 'is not a regular file';
    case 'too-large':
      return `is larger than ${formatBytes(problem.limitBytes)}`;
    case 'unreadable':
      return `could not be read (${problem.detail})`;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

function readErrnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
