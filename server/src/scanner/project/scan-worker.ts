/**
 * A scan pool's worker thread (see `scan-pool.ts`): scans the files it is sent with its own scanner,
 * built with the options the pool was given, and keeps their trees for the project pass's later
 * rounds. A round's view of the project's clients arrives once, before the round's files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createScanner, releaseTrees } from '../scanner';
import type { ScannerOptions, TreeCache } from '../types';
import type { ProjectView } from './types';

/** What the pool sends a worker. */
export type ScanWorkerMessage =
  | { op: 'view'; view: ProjectView | undefined }
  | { op: 'scan'; id: number; file: string; text: string }
  | { op: 'release' };

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
void scanner.scanText('warm-up.ts', '', 'typescript').then(() => parentPort?.postMessage({ ready: true }));

async function handle(message: ScanWorkerMessage): Promise<void> {
  if (message.op === 'view') {
    view = message.view;
  } else if (message.op === 'release') {
    releaseTrees(trees);
    trees.budget = data.treeBudget;
  } else {
    const result = await scanner.scanText(message.file, message.text, undefined, {
      ...(view === undefined ? {} : { project: view }),
      collectFacts: true,
      trees,
    });
    parentPort?.postMessage({ id: message.id, result });
  }
}

// One message at a time, in the order sent: the pool holds several files here and times the
// oldest, and a round's view must be in place before that round's files.
let work = Promise.resolve();
parentPort?.on('message', (message: ScanWorkerMessage) => {
  work = work.then(() => handle(message));
});
