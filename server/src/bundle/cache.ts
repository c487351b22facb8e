/**
 * The on-disk cache of the last verified bundle of each URL, for offline work: the archive as
 * downloaded and a small record of its URL, `ETag` and download time. It is written only after a
 * bundle verified and activated, by writing a temporary file and renaming it, so the cache never
 * holds a partial or refused bundle; what it holds is verified again when read.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The default cache folder, beside the audit log. */
export function defaultBundleCacheDir(): string {
  return join(homedir(), '.clearance', 'bundles');
}

/** A cached bundle: its archive bytes and what was known of it when it was stored. */
export interface CachedBundle {
  body: Buffer;
  url: string;
  etag?: string;
  /** When it was downloaded (ms since the epoch): the age shown beside it. */
  fetchedAt: number;
}

function baseName(dir: string, url: string): string {
  return join(dir, createHash('sha256').update(url).digest('hex').slice(0, 32));
}

/** Reads the cached bundle of `url`, or undefined when there is none (or it is unreadable, or over `maxBytes`). */
export function readCachedBundle(dir: string, url: string, maxBytes: number): CachedBundle | undefined {
  const base = baseName(dir, url);
  try {
    if (statSync(`${base}.tar.gz`).size > maxBytes) return undefined;
    const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Partial<CachedBundle>;
    if (meta.url !== url || typeof meta.fetchedAt !== 'number') return undefined;
    return {
      body: readFileSync(`${base}.tar.gz`),
      url,
      fetchedAt: meta.fetchedAt,
      ...(typeof meta.etag === 'string' ? { etag: meta.etag } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Stores a verified bundle for `url`; a failure to write only costs offline use, so it is returned, not thrown. */
export function writeCachedBundle(dir: string, entry: CachedBundle): string | undefined {
  const base = baseName(dir, entry.url);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${base}.${process.pid}.tmp`;
    writeFileSync(tmp, entry.body, { mode: 0o600 });
    renameSync(tmp, `${base}.tar.gz`);
    const meta = { url: entry.url, fetchedAt: entry.fetchedAt, ...(entry.etag ? { etag: entry.etag } : {}) };
    writeFileSync(`${tmp}.json`, JSON.stringify(meta), { mode: 0o600 });
    renameSync(`${tmp}.json`, `${base}.json`);
    return undefined;
  } catch (error) {
    return `the bundle cache ${dir} cannot be written: ${(error as Error).message}`;
  }
}

/** "3 min", "2 h", "5 d": how old a cached bundle is. */
export function describeAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
