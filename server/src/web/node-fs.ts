/**
 * `node:fs` in the web build (esbuild aliases the module to this file; see scripts/build.mjs): the
 * few synchronous reads the Rego authoring features make (policy files, example inputs, the input
 * schema), answered from the web worker's workspace snapshot through the file layer. Only reads are
 * here: a module that writes, or uses any other function of `node:fs`, fails the web build.
 */
import { platformFiles } from '../files/platform-files';

/** Larger than any file the snapshot holds: the callers bound their reads themselves. */
const anySize = Number.MAX_SAFE_INTEGER;

/** The `ENOENT` error Node throws for a path the snapshot does not hold. */
function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file in the workspace snapshot, '${path}'`), {
    code: 'ENOENT',
  });
}

/** Whether the snapshot holds a file or folder at `path`. */
export function existsSync(path: string): boolean {
  return platformFiles.kindOf(path) !== undefined;
}

/** A file's text from the snapshot (the encoding is always UTF-8). */
export function readFileSync(path: string, _encoding?: unknown): string {
  const read = platformFiles.readText(path, anySize);
  if (!read.ok) throw notFound(path);
  return read.text;
}

/**
 * A file's size and a stand-in for its modification time: a hash of its text, so a text that
 * changed is seen as changed by callers that compare the two.
 */
export function statSync(path: string): { size: number; mtimeMs: number; isFile(): boolean } {
  const kind = platformFiles.kindOf(path);
  if (kind === undefined) throw notFound(path);
  const text = kind === 'file' ? readFileSync(path) : '';
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return { size: new TextEncoder().encode(text).length, mtimeMs: hash, isFile: () => kind === 'file' };
}
