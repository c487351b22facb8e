/**
 * Reads and writes the `.tar.gz` archives OPA bundles travel in. Reading is bounded: the gzip
 * stream is inflated up to a byte limit (a gzip bomb stops there), entries are counted, and only
 * regular files and folders are accepted: links, devices and paths with `..` are refused, so an
 * archive can never name anything outside itself.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { BundleLimits } from './limits';

/** Why an archive was refused; `message` names the entry when one is at fault. */
export class ArchiveError extends Error {}

const block = 512;

/** The regular files of a `.tar.gz` archive, by bundle-relative path (`a/b/data.json`), in archive order. */
export function readTarGz(archive: Uint8Array, limits: BundleLimits): Map<string, Buffer> {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: limits.maxUncompressedBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ArchiveError(`archive inflates past the ${limits.maxUncompressedBytes} byte limit`);
    }
    throw new ArchiveError(`not a gzip archive, or a truncated one: ${(error as Error).message}`);
  }
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  let entries = 0;
  while (offset + block <= tar.length) {
    const header = tar.subarray(offset, offset + block);
    if (header.every((b) => b === 0)) break;
    if (++entries > limits.maxFiles * 2 + 16) throw new ArchiveError(`more than ${limits.maxFiles} entries`);
    verifyChecksum(header, offset);
    const size = readOctal(header.subarray(124, 136), offset);
    const type = String.fromCharCode(header[156] ?? 0);
    const start = offset + block;
    const end = start + size;
    if (end > tar.length) throw new ArchiveError('archive is truncated: an entry runs past its end');
    const body = tar.subarray(start, end);
    offset = start + Math.ceil(size / block) * block;
    if (type === 'x') {
      longName = readPaxPath(body) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'g') continue;
    const rawName = longName ?? ustarName(header);
    longName = undefined;
    if (type === '5') continue;
    if (type !== '0' && type !== '\0' && type !== '7') {
      throw new ArchiveError(`${rawName}: entry type '${type}' is not a regular file (links are refused)`);
    }
    const name = normalizeEntryPath(rawName);
    if (size > limits.maxFileBytes) {
      throw new ArchiveError(`${name}: ${size} bytes, over the ${limits.maxFileBytes} byte limit per file`);
    }
    if (files.has(name)) throw new ArchiveError(`${name}: appears twice in the archive`);
    files.set(name, Buffer.from(body));
    if (files.size > limits.maxFiles) throw new ArchiveError(`more than ${limits.maxFiles} files`);
  }
  return files;
}

/**
 * A bundle-relative path from an archive or folder entry: `/x` and `./x` are the bundle's own `x`
 * (OPA writes both); empty segments, `..` and backslashes are refused.
 */
export function normalizeEntryPath(raw: string): string {
  const trimmed = raw.replace(/^(\.\/|\/)+/, '');
  const parts = trimmed.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new ArchiveError(`empty path ${JSON.stringify(raw)}`);
  if (parts.some((p) => p === '..')) throw new ArchiveError(`${raw}: a path with '..' is refused`);
  if (/[\\\0]/.test(trimmed))
    throw new ArchiveError(`${JSON.stringify(raw)}: backslashes and NUL are refused`);
  if (/^[a-zA-Z]:/.test(trimmed)) throw new ArchiveError(`${raw}: an absolute path is refused`);
  return parts.join('/');
}

function ustarName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const magic = header.subarray(257, 262).toString('latin1');
  const prefix = magic === 'ustar' ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.subarray(0, nul === -1 ? bytes.length : nul).toString('utf8');
}

function readOctal(field: Buffer, at: number): number {
  // Base-256 sizes (high bit set) are for files past 8 GB: far over any limit here.
  if ((field[0] ?? 0) & 0x80) throw new ArchiveError(`entry at byte ${at}: size over any limit`);
  const text = cString(field).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveError(`entry at byte ${at}: malformed size field`);
  return Number.parseInt(text, 8);
}

function verifyChecksum(header: Buffer, at: number): void {
  const stored = cString(header.subarray(148, 156)).trim();
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  if (!/^[0-7]+$/.test(stored) || Number.parseInt(stored, 8) !== sum) {
    throw new ArchiveError(
      `entry at byte ${at}: header checksum mismatch (not a tar archive, or a corrupt one)`,
    );
  }
}

/** The `path` record of a pax extended header (`<len> path=<value>\n` records). */
function readPaxPath(body: Buffer): string | undefined {
  let pos = 0;
  let path: string | undefined;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space === -1) break;
    const length = Number.parseInt(body.subarray(pos, space).toString('latin1'), 10);
    if (!Number.isInteger(length) || length <= 0 || pos + length > body.length) break;
    const record = body.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    pos += length;
  }
  return path;
}

/** A `.tar.gz` of `files` (bundle-relative paths), as `opa build` writes one: regular files, mode 0644. */
export function writeTarGz(files: ReadonlyMap<string, Uint8Array>, mtimeSeconds = 0): Buffer {
  const chunks: Buffer[] = [];
  for (const [path, content] of files) {
    const name = normalizeEntryPath(path);
    const header = Buffer.alloc(block);
    let head = name;
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      const cut = name.lastIndexOf('/', 155);
      if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) {
        throw new ArchiveError(`${name}: path too long for a tar header`);
      }
      prefix = name.slice(0, cut);
      head = name.slice(cut + 1);
    }
    header.write(head, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write(`${Math.floor(mtimeSeconds).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
    header.write('        ', 148, 'latin1');
    header.write('0', 156, 'latin1');
    header.write('ustar\u000000', 257, 'latin1');
    header.write(prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    chunks.push(header, Buffer.from(content));
    const pad = (block - (content.length % block)) % block;
    if (pad > 0) chunks.push(Buffer.alloc(pad));
  }
  chunks.push(Buffer.alloc(block * 2));
  return gzipSync(Buffer.concat(chunks));
}
