/**
 * Whether a bundled scan worker was built from the sources beside it. `scripts/build.mjs` writes,
 * beside `dist/cli/scan-worker.js`, `scan-worker.sources.json`: each file the bundle was built from
 * and a hash of its text. The scan pool run from the TypeScript sources (the bench, tests, scripts)
 * checks it before starting that worker: a worker built before the sources changed scans with the
 * old code, or speaks an older message format (a crash "message.results is not iterable" was seen).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The sources file beside a bundled worker (`scan-worker.js` -> `scan-worker.sources.json`). */
export function sourcesFileOf(entry: string): string {
  return entry.replace(/\.js$/, '.sources.json');
}

/**
 * Why the bundled worker `entry` does not match its sources, or undefined when it does: names the
 * first source changed or gone since the build, or the missing sources file (a bundle built by an
 * older build script). Not for the bundled CLI itself, which was built with its worker.
 */
export function staleWorkerReason(entry: string): string | undefined {
  const file = sourcesFileOf(entry);
  if (!existsSync(file)) return `${file} is missing (built by an older build script)`;
  let inputs: Record<string, string>;
  try {
    inputs = (JSON.parse(readFileSync(file, 'utf8')) as { inputs: Record<string, string> }).inputs;
  } catch (error) {
    return `${file} cannot be read: ${(error as Error).message}`;
  }
  const folder = dirname(entry);
  for (const [input, hash] of Object.entries(inputs)) {
    const source = resolve(folder, input);
    if (!existsSync(source)) return `${source}, which it was built from, is gone`;
    if (createHash('sha256').update(readFileSync(source)).digest('hex') !== hash)
      return `${source} changed since it was built`;
  }
  return undefined;
}
