/**
 * The scan pool (worker threads) finds exactly what the single-threaded project pass finds, in the
 * same order, over every project fixture at once (wrappers found in one round make files scanned
 * again in the next, across threads); workers start while the files are read; small projects
 * start no worker; a worker that stops or
 * overruns its deadline hands its files back or has them reported, and the pass still ends.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { listSourceFiles } from '../../../server/src/decision/scan';
import { createScanner, type ScanResult } from '../../../server/src/scanner';
import { createScanPool } from '../../../server/src/scanner/project/scan-pool';
import { type ProjectFile, scanProject } from '../../../server/src/scanner/project/scan-project';

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'scanner');
const projects = path.join(fixtures, 'project');
// Every fixture project, ten times over (in folders of their own), so the workers get a share.
const files: ProjectFile[] = Array.from({ length: 10 }, (_, copy) =>
  listSourceFiles(projects).map((file) => ({
    file: path.join(`copy${copy}`, path.relative(projects, file)),
    read: () => readFileSync(file, 'utf8'),
  })),
).flat();

function flatten(results: Map<string, ScanResult>): unknown {
  return [...results].map(([file, result]) => [file, result.calls, result.errors]);
}

test('the pool finds the same calls as one thread, in the same order', async () => {
  const single = await scanProject(createScanner(), files);
  const pool = createScanPool({ scanner: {}, workers: 2, minChars: 0 });
  assert.ok(pool, 'the worker script is found');
  try {
    const pooled = await scanProject(createScanner(), files, { parallel: pool });
    assert.equal(pool.started, 2);
    assert.ok(pool.workerFiles > 0, 'the workers scanned some of the files');
    assert.deepEqual(flatten(pooled), flatten(single));
    assert.ok([...single.values()].some((result) => result.calls.some((call) => call.origin === 'inferred')));
  } finally {
    await pool.close();
  }
});

test('workers start while the files are still being read', async () => {
  const pool = createScanPool({ scanner: {}, workers: 1, minChars: 0 });
  assert.ok(pool);
  // What the pool had started when each file was read: none before the second file is in.
  const startedAtRead: number[] = [];
  const watched = files.map((file) => ({
    file: file.file,
    read: () => {
      startedAtRead.push(pool.started);
      return file.read();
    },
  }));
  try {
    const pooled = await scanProject(createScanner(), watched, { parallel: pool });
    assert.deepEqual(startedAtRead.slice(0, 3), [0, 0, 1]);
    assert.deepEqual(flatten(pooled), flatten(await scanProject(createScanner(), files)));
  } finally {
    await pool.close();
  }
});

test('a project under the threshold starts no worker', async () => {
  const pool = createScanPool({ scanner: {}, minChars: 10_000_000 });
  assert.ok(pool);
  const pooled = await scanProject(createScanner(), files, { parallel: pool });
  assert.equal(pool.started, 0);
  assert.deepEqual(flatten(pooled), flatten(await scanProject(createScanner(), files)));
  await pool.close();
});

test('a worker that stops hands its files back to this thread', async () => {
  const entry = path.join(fixtures, 'scan-pool', 'failing-worker.js');
  const pool = createScanPool({ scanner: {}, workers: 1, minChars: 0, entry });
  assert.ok(pool);
  try {
    const pooled = await scanProject(createScanner(), files, { parallel: pool });
    assert.deepEqual(flatten(pooled), flatten(await scanProject(createScanner(), files)));
  } finally {
    await pool.close();
  }
});

test('a file held past the deadline is reported as skipped, the others are scanned', async () => {
  const entry = path.join(fixtures, 'scan-pool', 'silent-worker.js');
  const pool = createScanPool({ scanner: {}, workers: 1, minChars: 0, entry, deadlineMs: 300 });
  assert.ok(pool);
  try {
    const pooled = await scanProject(createScanner(), files, { parallel: pool });
    const single = await scanProject(createScanner(), files);
    const skipped = [...pooled].filter(([, result]) => result.errors.some((e) => e.code === 'scan_timeout'));
    // The worker held at most two files (one in flight, one queued behind it) when it was stopped.
    assert.ok(skipped.length >= 1 && skipped.length <= 2, `skipped ${skipped.length}`);
    for (const [file, result] of skipped) {
      assert.match(result.errors[0]?.message ?? '', /skipped: scanning took longer than/);
      assert.equal(result.calls.length, 0, file);
    }
    assert.equal(pooled.size, single.size);
  } finally {
    await pool.close();
  }
});
