/**
 * A scan pool's worker thread (see `scan-pool.ts`): scans the files it is sent with its own scanner,
 * built with the options the pool was given, and keeps their trees for the project pass's later
 * rounds. A round's view of the project's clients arrives once, before the round's files. The trees
 * are freed with the thread: the pool's owner closes it when the pass ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createScanner } from '../scanner';
import type { ScannerOptions, ScanResult, TreeCache } from '../types';
import type { ProjectView } from './types';

/** What the pool sends a worker: files to scan come several to a message, scanned in that order. */
export type ScanWorkerMessage =
  | { op: 'view'; view: ProjectView | undefined }
  | { op: 'scan'; jobs: Array<{ id: number; file: string; text: string; keep?: boolean }> };

/** What a worker answers: that it is ready, or the results of the files it scanned, in order. */
export type ScanWorkerAnswer = { ready: true } | { results: Array<{ id: number; result: ScanResult }> };

type Step =
  | { op: 'view'; view: ProjectView | undefined }
  | { op: 'file'; id: number; file: string; text: string; keep?: boolean };

/** What a worker is started with. */
export interface ScanWorkerData {
  options: ScannerOptions;
  /** Source characters whose trees this worker keeps between rounds. */
  treeBudget: number;
}

const data = workerData as ScanWorkerData;
const scanner = createScanner(data.options);
const trees: TreeCache = { entries: new Map(), budget: data.treeBudget };
let view: ProjectView | undefined;

// The runtime and the TypeScript grammar load before the first file (others on first use); the
// pool sends files only once a worker says it is ready, so a slow start holds none back.
void scanner
  .scanText('warm-up.ts', '', 'typescript')
  .then(() => parentPort?.postMessage({ ready: true } satisfies ScanWorkerAnswer));

// One step at a time, in the order sent: the pool holds several files here and times the oldest,
// and a round's view must be in place before that round's files.
const steps: Step[] = [];
let filesHeld = 0;
let running = false;
const outbox: Array<{ id: number; result: ScanResult }> = [];

parentPort?.on('message', (message: ScanWorkerMessage) => {
  if (message.op === 'scan') {
    for (const job of message.jobs) steps.push({ op: 'file', ...job });
    filesHeld += message.jobs.length;
  } else {
    steps.push(message);
  }
  if (!running) void run();
});

async function run(): Promise<void> {
  running = true;
  for (let step = steps.shift(); step !== undefined; step = steps.shift()) {
    if (step.op === 'view') {
      view = step.view;
    } else {
      const result = await scanner.scanText(step.file, step.text, undefined, {
        ...(view === undefined ? {} : { project: view }),
        collectFacts: true,
        trees,
        ...(step.keep === false ? { keepTree: false } : {}),
      });
      filesHeld--;
      outbox.push({ id: step.id, result });
      // A scan resolves in microtasks only, so without this the files the pool sent meanwhile were
      // not counted until this worker ran out: it then answered nearly every file on its own, and
      // the pool refilled it a file at a time (2,200 messages each way on the 5,000-file workspace).
      await new Promise((resolve) => setImmediate(resolve));
      // Answers go several to a message, but early enough that the pool's next files arrive
      // before this worker runs out: once half of what it holds is done, or when it holds nothing.
      if (outbox.length >= filesHeld)
        parentPort?.postMessage({ results: outbox.splice(0) } satisfies ScanWorkerAnswer);
    }
  }
  running = false;
}
