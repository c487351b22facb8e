/**
 * The scan pool (worker threads) finds exactly what the single-threaded project pass finds, in the
 * same order, over every project fixture at once (wrappers found in one round make files scanned
 * again in the next, across threads); workers start while the files are read; small projects
 * start no worker; a worker that stops, answers in another format, or
 * overruns its deadline hands its files back or has them reported (and not scanned again in a later
 * round), and the pass still ends.
 *
 * Which files a worker gets depends on when it starts and how fast each thread scans, so the tests
 * that need a worker to hold files hold this thread's scans until it does (it says so on a channel,
 * or answers), with a bound far above a worker's start: the outcome does not depend on the load.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BroadcastChannel } from 'node:worker_threads';
import { listSourceFiles } from '../../../server/src/decision/scan';
import { createScanner, type ScanResult } from '../../../server/src/scanner';
import { createScanPool, type ScanPool } from '../../../server/src/scanner/project/scan-pool';
import {
  type ParallelScan,
  type ProjectFile,
  type ScanJob,
  scanProject,
} from '../../../server/src/scanner/project/scan-project';
import { patientScanning } from '../../support/patient-scanning';
import { waitFor } from '../../support/wait-for';

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'scanner');
const projects = path.join(fixtures, 'project');
// Every fixture project, three times over (in folders of their own), so that each thread gets
// files of every project. (Ten copies made a pass take 100 s at load 25, seven passes in all; the
// tests that need a worker to hold files wait for it instead of counting on many files.)
const files: ProjectFile[] = Array.from({ length: 3 }, (_, copy) =>
  listSourceFiles(projects).map((file) => ({
    file: path.join(`copy${copy}`, path.relative(projects, file)),
    read: () => readFileSync(file, 'utf8'),
  })),
).flat();

function flatten(results: Map<string, ScanResult>): unknown {
  return [...results].map(([file, result]) => [file, result.calls, result.errors]);
}

/** How long this thread waits for a worker to start and take files: far above a start under load. */
const WORKER_WAIT_MS = 120_000;

// The single-threaded pass every pooled one is compared with, scanned once for the whole file.
let singlePass: Promise<Map<string, ScanResult>> | undefined;
function scanSingle(): Promise<Map<string, ScanResult>> {
  singlePass ??= scanProject(createScanner(patientScanning), files);
  return singlePass;
}

/**
 * `pool`, with this thread's scans held until `ready()` says a worker has what the test needs (the
 * worker takes files from the shared queue meanwhile). Waited for once: past the bound, this thread
 * scans on and the test's assertion says what never came.
 */
function holdingThisThread(pool: ScanPool, what: string, ready: () => boolean): ParallelScan {
  let held: Promise<unknown> | undefined;
  return {
    reading: (count, chars) => pool.reading?.(count, chars),
    scanAll: (jobs, view, local) =>
      pool.scanAll(jobs, view, async (job: ScanJob) => {
        held ??= waitFor(what, () => ready() || undefined, WORKER_WAIT_MS).catch(() => undefined);
        await held;
        return local(job);
      }),
  };
}

/** The file lists the fixture workers say they were given, on the channel they share with the test. */
function watchWorkers(answer?: string): { given: string[][]; close(): void } {
  const channel = new BroadcastChannel('clearance-scan-pool-test');
  const given: string[][] = [];
  channel.onmessage = (event) => {
    given.push((event as MessageEvent).data as string[]);
    if (answer !== undefined) channel.postMessage(answer);
  };
  return { given, close: () => channel.close() };
}

test('the pool finds the same calls as one thread, in the same order', async () => {
  const single = await scanSingle();
  const pool = createScanPool({ scanner: patientScanning, workers: 2, minChars: 0 });
  assert.ok(pool, 'the worker script is found');
  try {
    // This thread waits for the workers' first answer: alone, it could scan every file before a
    // worker has loaded tree-sitter on a loaded machine.
    const parallel = holdingThisThread(pool, 'a worker to answer', () => pool.workerFiles > 0);
    const pooled = await scanProject(createScanner(patientScanning), files, { parallel });
    assert.equal(pool.started, 2);
    assert.ok(pool.workerFiles > 0, 'the workers scanned some of the files');
    assert.deepEqual(flatten(pooled), flatten(single));
    assert.ok([...single.values()].some((result) => result.calls.some((call) => call.origin === 'inferred')));
  } finally {
    await pool.close();
  }
});

test('workers start while the files are still being read', async () => {
  const pool = createScanPool({ scanner: patientScanning, workers: 1, minChars: 0 });
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
    const pooled = await scanProject(createScanner(patientScanning), watched, { parallel: pool });
    assert.deepEqual(startedAtRead.slice(0, 3), [0, 0, 1]);
    assert.deepEqual(flatten(pooled), flatten(await scanSingle()));
  } finally {
    await pool.close();
  }
});

test('a project under the threshold starts no worker', async () => {
  const pool = createScanPool({ scanner: patientScanning, minChars: 10_000_000 });
  assert.ok(pool);
  const pooled = await scanProject(createScanner(patientScanning), files, { parallel: pool });
  assert.equal(pool.started, 0);
  assert.deepEqual(flatten(pooled), flatten(await scanSingle()));
  await pool.close();
});

/** Scans every file with one worker of the fixture `worker`, which must hand all its files back. */
async function handsEveryFileBack(worker: string): Promise<void> {
  const entry = path.join(fixtures, 'scan-pool', worker);
  const pool = createScanPool({ scanner: patientScanning, workers: 1, minChars: 0, entry });
  assert.ok(pool);
  // The failing worker stops once this test has seen the files it was given.
  const workers = watchWorkers('stop');
  try {
    const parallel = holdingThisThread(pool, 'the worker to take files', () => workers.given.length > 0);
    const pooled = await scanProject(createScanner(patientScanning), files, { parallel });
    assert.ok(workers.given.length > 0, 'the worker held files when it stopped');
    assert.equal(pool.workerFiles, 0);
    assert.deepEqual(flatten(pooled), flatten(await scanSingle()));
  } finally {
    workers.close();
    await pool.close();
  }
}

test('a worker that stops hands its files back to this thread', () =>
  handsEveryFileBack('failing-worker.js'));

test('a worker answering in an older format hands its files back to this thread', () =>
  handsEveryFileBack('older-format-worker.js'));

test('a file held past the deadline is reported as skipped, the others are scanned', async () => {
  const entry = path.join(fixtures, 'scan-pool', 'silent-worker.js');
  const pool = createScanPool({ scanner: patientScanning, workers: 1, minChars: 0, entry, deadlineMs: 300 });
  assert.ok(pool);
  const workers = watchWorkers();
  try {
    // Once the worker holds files, the file it is on overruns whatever this thread does: the round
    // cannot end before its deadline stops the worker.
    const parallel = holdingThisThread(pool, 'the worker to take files', () => workers.given.length > 0);
    const pooled = await scanProject(createScanner(patientScanning), files, { parallel });
    const single = await scanSingle();
    const skipped = [...pooled].filter(([, result]) => result.errors.some((e) => e.code === 'scan_timeout'));
    // Each stopped worker reports the one file it was on and hands the others back; a later round
    // starts a new (silent) worker, and a skipped file is not scanned again, so its report stays.
    assert.ok(
      skipped.length >= 1 && skipped.length <= pool.started,
      `skipped ${skipped.length} of ${pool.started}`,
    );
    for (const [file, result] of skipped) {
      assert.match(result.errors[0]?.message ?? '', /skipped: scanning took longer than/);
      assert.equal(result.calls.length, 0, file);
    }
    assert.equal(pooled.size, single.size);
  } finally {
    workers.close();
    await pool.close();
  }
});

test('a file skipped past its deadline is not scanned again in a later round', async () => {
  // Every file of the first round is scanned as usual except one, reported as a worker's overrun;
  // the later rounds (the fixtures' wrappers make files scanned again) must not take it up again.
  const single = await scanSingle();
  const rescannedAfterFirst = new Set<string>();
  let rounds = 0;
  // The first file with calls: which fixture file sorts first is not this test's business.
  const victim = files.find((f) => single.get(f.file)?.calls.length)?.file ?? '';
  const parallel = {
    async scanAll(
      jobs: readonly { file: string; text: string }[],
      _view: unknown,
      local: (job: { file: string; text: string }) => Promise<ScanResult>,
    ): Promise<ScanResult[]> {
      rounds++;
      const results: ScanResult[] = [];
      for (const job of jobs) {
        if (rounds > 1) rescannedAfterFirst.add(job.file);
        results.push(
          rounds === 1 && job.file === victim
            ? {
                calls: [],
                errors: [{ code: 'scan_timeout', message: 'skipped: scanning took longer than 1 s' }],
              }
            : await local(job),
        );
      }
      return results;
    },
  };
  const pooled = await scanProject(createScanner(patientScanning), files, { parallel });
  assert.ok(rounds > 1, 'the fixtures need a second round');
  assert.ok(single.get(victim)?.calls.length, 'the skipped file has calls when it is scanned');
  assert.equal(rescannedAfterFirst.has(victim), false);
  assert.equal(pooled.get(victim)?.errors[0]?.code, 'scan_timeout');
});
