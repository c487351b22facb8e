/**
 * The bounded reader in the browser (replaces `bounded-read.ts` in the web build). A web worker has
 * no file system: it reads only the workspace snapshot the client filled (policy files, data,
 * `.clearance.yaml`); anything else, such as a token file, a JWKS file or a claims file, is
 * reported as unavailable in the web build rather than as missing.
 */
import { platformFiles } from '../files/platform-files';
import { isInside, type ReadResult } from './read-problem';

export type { BoundedReadOptions } from './bounded-read';
export { describeReadProblem, isInside, type ReadProblem, type ReadResult } from './read-problem';

const unavailable =
  'unavailable in the web build of Clearance (vscode.dev, github.dev), which reads only the workspace policy files and .clearance.yaml';

/** Reads a file of the workspace snapshot, bounded; never throws. */
export function readBoundedFileSync(
  path: string,
  limitBytes: number,
  options: { within?: string } = {},
): ReadResult {
  if (options.within !== undefined && !isInside(options.within, path))
    return { ok: false, problem: { kind: 'outside', root: options.within } };
  if (platformFiles.kindOf(path) === undefined)
    return { ok: false, problem: { kind: 'unreadable', detail: unavailable } };
  return platformFiles.readText(path, limitBytes);
}

/** `readBoundedFileSync` for asynchronous callers. */
export async function readBoundedFile(
  path: string,
  limitBytes: number,
  options: { within?: string } = {},
): Promise<ReadResult> {
  return readBoundedFileSync(path, limitBytes, options);
}

/** Lexical containment: the snapshot has no links to follow. */
export function resolvesInside(root: string, path: string): boolean {
  return isInside(root, path);
}
