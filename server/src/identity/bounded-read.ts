/**
 * The one reader for files Clearance does not trust (tokens, key sets, settings, `.clearance.yaml`,
 * policies and data): a FIFO, a device, a multi-gigabyte file or a link out of the workspace must
 * neither hang the process nor fill its memory nor read what the user did not point at.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isInside, type ReadProblem, type ReadResult } from './read-problem';

export { describeReadProblem, isInside, type ReadProblem, type ReadResult } from './read-problem';

/** What a bounded read may touch. */
export interface BoundedReadOptions {
  /**
   * The folder the file must resolve inside after following every link (a repository's own
   * file may not be a link to the runner's secrets). Unset: the user named the file, any place goes.
   */
  within?: string;
}

// O_NONBLOCK: opening a FIFO for reading would otherwise block until a writer appears.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Reads a regular file as UTF-8 when it holds at most `limitBytes` bytes; never throws. */
export async function readBoundedFile(
  path: string,
  limitBytes: number,
  options: BoundedReadOptions = {},
): Promise<ReadResult> {
  try {
    if (options.within !== undefined) {
      const [real, root] = await Promise.all([realpath(path), realpath(options.within)]);
      if (!isInside(root, real)) return { ok: false, problem: { kind: 'outside', root: options.within } };
    }
    const handle = await open(path, OPEN_FLAGS);
    try {
      // fstat the opened file, not the path: what was checked is what is read.
      const info = await handle.stat();
      const problem = checkKind(info, limitBytes);
      if (problem) return { ok: false, problem };
      // Read one byte past the limit, because the file may have grown since fstat.
      const buffer = Buffer.alloc(Math.min(limitBytes, info.size) + 1);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return finish(buffer, filled, limitBytes);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

/** `readBoundedFile` for synchronous callers (settings, `.clearance.yaml`, policy files); never throws. */
export function readBoundedFileSync(
  path: string,
  limitBytes: number,
  options: BoundedReadOptions = {},
): ReadResult {
  try {
    if (options.within !== undefined && !isInside(realpathSync(options.within), realpathSync(path)))
      return { ok: false, problem: { kind: 'outside', root: options.within } };
    const fd = openSync(path, OPEN_FLAGS);
    try {
      const info = fstatSync(fd);
      const problem = checkKind(info, limitBytes);
      if (problem) return { ok: false, problem };
      const buffer = Buffer.alloc(Math.min(limitBytes, info.size) + 1);
      let filled = 0;
      while (filled < buffer.length) {
        const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return finish(buffer, filled, limitBytes);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

/**
 * Whether `path` resolves (links followed) inside `root`; a path that does not exist yet counts as
 * inside when its lexical form is, so a missing file is reported as missing, not as outside.
 */
export function resolvesInside(root: string, path: string): boolean {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return false;
  }
  try {
    return isInside(realRoot, realpathSync(path));
  } catch {
    return isInside(root, path);
  }
}

function checkKind(
  info: { isDirectory(): boolean; isFile(): boolean; size: number },
  limitBytes: number,
): ReadProblem | undefined {
  if (info.isDirectory()) return { kind: 'directory' };
  if (!info.isFile()) return { kind: 'not-regular' };
  if (info.size > limitBytes) return { kind: 'too-large', limitBytes, sizeBytes: info.size };
  return undefined;
}

function finish(buffer: Buffer, filled: number, limitBytes: number): ReadResult {
  if (filled > limitBytes) return { ok: false, problem: { kind: 'too-large', limitBytes } };
  return { ok: true, text: buffer.subarray(0, filled).toString('utf8') };
}

function problemOf(error: unknown): ReadProblem {
  const code = readErrnoCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'not-found' };
  if (code === 'EISDIR') return { kind: 'directory' };
  return { kind: 'unreadable', detail: code ?? 'unknown error' };
}

function readErrnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
