/**
 * A bundle's files as bytes, from a folder or a `.tar.gz` on disk. Folders are walked without
 * following links (a link is refused, as in an archive), within the same file, size and depth
 * limits as archives.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleLimits } from './limits';
import { ArchiveError, readTarGz } from './tar';

/** A bundle's files by bundle-relative path (`a/b/data.json`). */
export type BundleFiles = Map<string, Buffer>;

/** Reads the bundle at `path`: a folder, or a `.tar.gz` archive. Throws `ArchiveError` with the reason. */
export function readBundleFiles(path: string, limits: BundleLimits): BundleFiles {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new ArchiveError(`bundle ${path} does not exist`);
  }
  if (stat.isDirectory()) return readBundleDirectory(path, limits);
  if (stat.size > limits.maxDownloadBytes) {
    throw new ArchiveError(
      `${stat.size} bytes, over the ${limits.maxDownloadBytes} byte limit for a bundle archive`,
    );
  }
  return readTarGz(readFileSync(path), limits);
}

/** Reads a bundle folder: every regular file under it; `.git` and other dot-folders are skipped. */
export function readBundleDirectory(root: string, limits: BundleLimits): BundleFiles {
  const files: BundleFiles = new Map();
  let total = 0;
  const walk = (dir: string, rel: string, depth: number): void => {
    if (depth > limits.maxDepth)
      throw new ArchiveError(`${rel}: folders nested deeper than ${limits.maxDepth}`);
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) throw new ArchiveError(`${path}: a link is refused in a bundle`);
      if (entry.isDirectory()) {
        // Version control and editor folders are not bundle content (`opa build` is run on clean trees).
        if (!entry.name.startsWith('.')) walk(full, path, depth + 1);
        continue;
      }
      if (!entry.isFile()) throw new ArchiveError(`${path}: not a regular file`);
      const size = lstatSync(full).size;
      if (size > limits.maxFileBytes) {
        throw new ArchiveError(`${path}: ${size} bytes, over the ${limits.maxFileBytes} byte limit per file`);
      }
      total += size;
      if (total > limits.maxUncompressedBytes) {
        throw new ArchiveError(`bundle is over the ${limits.maxUncompressedBytes} byte limit`);
      }
      files.set(path, readFileSync(full));
      if (files.size > limits.maxFiles) throw new ArchiveError(`more than ${limits.maxFiles} files`);
    }
  };
  walk(root, '', 0);
  return files;
}
