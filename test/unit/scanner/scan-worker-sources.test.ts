/**
 * A bundled scan worker is checked against the sources it was built from (the hashes that
 * `scripts/build.mjs` writes beside it): the pool run from the TypeScript sources refuses a worker
 * built before they changed, with a message naming the changed file and the command to run.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createScanPool } from '../../../server/src/scanner/project/scan-pool';
import { staleWorkerReason } from '../../../server/src/scanner/project/scan-worker-sources';

/** A checkout with `src/a.ts` and a bundle `dist/cli/scan-worker.js` built from it. */
function checkout(): { root: string; entry: string; source: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'clearance-worker-sources-'));
  mkdirSync(path.join(root, 'src'));
  mkdirSync(path.join(root, 'dist', 'cli'), { recursive: true });
  const source = path.join(root, 'src', 'a.ts');
  writeFileSync(source, 'export const a = 1;\n');
  const entry = path.join(root, 'dist', 'cli', 'scan-worker.js');
  writeFileSync(entry, '// bundle\n');
  const hash = createHash('sha256').update('export const a = 1;\n').digest('hex');
  writeFileSync(
    path.join(root, 'dist', 'cli', 'scan-worker.sources.json'),
    JSON.stringify({ inputs: { '../../src/a.ts': hash } }),
  );
  return { root, entry, source };
}

test('a worker built from the sources as they are is current', () => {
  const { root, entry } = checkout();
  try {
    assert.equal(staleWorkerReason(entry), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a source changed since the build makes the worker stale, and the pool refuses it', () => {
  const { root, entry, source } = checkout();
  try {
    writeFileSync(source, 'export const a = 2;\n');
    assert.match(staleWorkerReason(entry) ?? '', /src[\\/]a\.ts changed since it was built/);
    assert.throws(
      () => createScanPool({ scanner: {}, workers: 1, entry }),
      /was not built from these sources .*run `node scripts\/build\.mjs`/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a source gone, or no list of sources, makes the worker stale', () => {
  const { root, entry, source } = checkout();
  try {
    rmSync(source);
    assert.match(staleWorkerReason(entry) ?? '', /a\.ts, which it was built from, is gone/);
    rmSync(path.join(root, 'dist', 'cli', 'scan-worker.sources.json'));
    assert.match(staleWorkerReason(entry) ?? '', /scan-worker\.sources\.json is missing/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
