/**
 * Scanning a project on every core: this thread and one worker thread per further core (at most
 * two) take the files of a project pass's round from one queue, so the round ends when the last
 * scan does. Node only (the web build scans on its one thread).
 *
 * Results are those of the single-threaded pass: a round's files are all scanned with the same view
 * (see `scanProject`), each worker scans with a scanner built from the same options, and the results
 * come back in the order of the round's files. A file's later rounds go to the thread that scanned
 * it first, which keeps its tree. A worker is bounded like the decide workers: a heap cap, and a
 * deadline per file (a worker scans its files in order, so the file it is on is the oldest it
 * holds, and its deadline runs from the answer before it) past which the worker is stopped and
 * the file reported as skipped; a worker that stops or fails hands its other files back to this
 * thread. Small projects are scanned on this
 * thread alone: starting a worker (a thread, the bundle, tree-sitter's runtime and grammars) costs
 * more than it saves below `minChars` of source.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { locateFileStart } from '../positions';
import { DEFAULT_PARSE_TIMEOUT_MS } from '../scanner';
import type { ScannerOptions, ScanResult } from '../types';
import type { ParallelScan, ScanJob } from './scan-project';
import type { ScanWorkerAnswer, ScanWorkerData, ScanWorkerMessage } from './scan-worker';
import { staleWorkerReason } from './scan-worker-sources';
import type { ProjectView } from './types';

/** Below this much source text in a round, workers are not started (measured: see docs/scan-pool.md). */
export const DEFAULT_POOL_MIN_CHARS = 1_500_000;
/** A worker's V8 heap cap in MB: a 2 MB file's calls and facts take well under it. */
export const SCAN_WORKER_MEMORY_MB = 512;
/**
 * A worker's young generation in MB (`maxYoungGenerationSizeMb`: two semi-spaces and a young
 * large-object space, a third each), 64 MB semi-spaces where node's default is 16: a scan's objects
 * live to its end, and the collector's share of a scan was 13-18% (see docs/scan-pool.md, "Bounds").
 */
export const SCAN_WORKER_YOUNG_MB = 192;
/** Source characters whose trees each worker keeps between rounds. */
const WORKER_TREE_BUDGET = 8_000_000;
/**
 * What a worker holds at once: at least two files (one scanned while the next one's message is on
 * its way), more while they are small, up to this much source. This thread hands out files only
 * between two of its own, so a worker holding two small files ran dry while this thread scanned
 * (idle 40% of a 5,000-file workspace's round); a few large files stay two, so that a round's end
 * does not wait on a worker's long queue.
 */
const IN_FLIGHT_CHARS = 64_000;
/** The most files a worker holds at once, however small. */
const IN_FLIGHT_MAX = 32;

/** How a scan pool is set up. */
export interface ScanPoolOptions {
  /** The options the caller's scanner was created with: each worker builds its own from them. */
  scanner: ScannerOptions;
  /** Worker threads beside this one; default one per core beyond the first, at most two; 0: no pool. */
  workers?: number;
  /** Source characters a round must have before workers are started (default `DEFAULT_POOL_MIN_CHARS`). */
  minChars?: number;
  /** Each worker's heap cap in MB (default `SCAN_WORKER_MEMORY_MB`). */
  memoryMb?: number;
  /** The worker script; default the bundled `scan-worker.js` beside this code, or its source. */
  entry?: string;
  /** How long a worker may hold one file; default from the scanner's parse timeout. */
  deadlineMs?: number;
}

/** A pool of scanning threads for `scanProject`'s `parallel` option. */
export interface ScanPool extends ParallelScan {
  /** Worker threads started so far (tests and the bench read it). */
  readonly started: number;
  /** Files the workers scanned so far (the rest were scanned on this thread). */
  readonly workerFiles: number;
  /** Stops the workers; the pool starts new ones if it is used again. */
  close(): Promise<void>;
}

/** The worker script: the bundle's `scan-worker.js` beside this code, or its TypeScript source. */
export function locateScanWorker(): string | undefined {
  for (const name of ['scan-worker.js', 'scan-worker.ts']) {
    const file = join(__dirname, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Creates a pool; undefined when the worker script is missing (the caller scans on its thread).
 * Run from the TypeScript sources (bench, tests), it throws when given a bundled worker
 * (`scan-worker.js`) built from other sources than these: that worker would scan with other code.
 */
export function createScanPool(options: ScanPoolOptions): ScanPool | undefined {
  const entry = options.entry ?? locateScanWorker();
  if (entry === undefined || options.workers === 0) return undefined;
  if (__filename.endsWith('.ts') && basename(entry) === 'scan-worker.js') {
    const stale = staleWorkerReason(entry);
    if (stale !== undefined)
      throw new Error(
        `the scan worker ${entry} was not built from these sources (${stale}): run \`node scripts/build.mjs\``,
      );
  }
  return new WorkerPool({ ...options, entry });
}

interface Task {
  index: number;
  job: ScanJob;
}

interface Lane {
  worker: Worker;
  ready: boolean;
  dead: boolean;
  queue: Task[];
  /** The files sent and not answered yet, in the order sent (the worker scans them in that order). */
  inFlight: Map<number, Task>;
  /** Source characters of `inFlight`. */
  chars: number;
  /** The deadline of the file the worker is on (the oldest in flight), reset at each answer. */
  timer: NodeJS.Timeout | undefined;
}

/** The lane number of this thread; workers are 1..n. */
const HERE = 0;

class WorkerPool implements ScanPool {
  private lanes: Lane[] = [];
  private readonly owner = new Map<string, number>();
  private nextId = 1;
  started = 0;
  workerFiles = 0;
  private readonly workers: number;
  private readonly deadlineMs: number;
  private readonly minChars: number;
  // The running round's state (one round at a time).
  private round:
    | {
        results: ScanResult[];
        left: number;
        here: Task[];
        shared: Task[];
        wake: () => void;
        done: () => void;
      }
    | undefined;

  constructor(private readonly options: ScanPoolOptions & { entry: string }) {
    this.workers = Math.max(1, Math.min(2, options.workers ?? availableParallelism() - 1));
    this.minChars = options.minChars ?? DEFAULT_POOL_MIN_CHARS;
    // Per file: the parse guard (one window for the tree and its fragments; the parse itself is
    // bounded by its steps) and 10 s for the recognisers. It runs from the answer before it, so the
    // files queued before it in the worker are not counted.
    const parseMs = options.scanner.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
    this.deadlineMs = options.deadlineMs ?? parseMs + 10_000;
  }

  reading(files: number, chars: number): void {
    // The first round will start workers once it is handed over (see `scanAll`): they start now,
    // and load while this thread reads the rest of the files.
    if (files >= 2 && chars >= this.minChars && this.lanes.every((lane) => lane.dead)) this.start();
  }

  async scanAll(
    jobs: readonly ScanJob[],
    view: ProjectView | undefined,
    local: (job: ScanJob) => Promise<ScanResult>,
  ): Promise<ScanResult[]> {
    const chars = jobs.reduce((sum, job) => sum + job.text.length, 0);
    const live = this.lanes.filter((lane) => !lane.dead);
    if (jobs.length < 2 || (live.length === 0 && chars < this.minChars)) {
      const results: ScanResult[] = [];
      for (const job of jobs) {
        results.push(await local(job));
        this.owner.set(job.file, HERE);
      }
      return results;
    }
    if (live.length === 0) this.start();
    return new Promise<ScanResult[]>((resolve) => {
      const round = {
        results: new Array<ScanResult>(jobs.length),
        left: jobs.length,
        here: [] as Task[],
        shared: [] as Task[],
        wake: () => undefined,
        done: () => resolve(round.results),
      };
      this.round = round;
      jobs.forEach((job, index) => {
        const lane = this.owner.get(job.file);
        const task = { index, job };
        if (lane === HERE) round.here.push(task);
        else if (lane !== undefined && this.lanes[lane - 1]?.dead === false)
          this.lanes[lane - 1]?.queue.push(task);
        else round.shared.push(task);
      });
      for (const lane of this.lanes) {
        if (lane.dead) continue;
        lane.worker.ref();
        lane.worker.postMessage({ op: 'view', view } satisfies ScanWorkerMessage);
        this.pump(lane);
      }
      void this.scanHere(local);
    }).finally(() => {
      this.round = undefined;
      for (const lane of this.lanes) lane.worker.unref();
    });
  }

  async close(): Promise<void> {
    const lanes = this.lanes;
    this.lanes = [];
    this.owner.clear();
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }

  private start(): void {
    this.lanes = [];
    this.owner.clear();
    for (let i = 0; i < this.workers; i++) {
      const data: ScanWorkerData = { options: this.options.scanner, treeBudget: WORKER_TREE_BUDGET };
      const [script, how] = workerScript(this.options.entry);
      const worker = new Worker(script, {
        ...how,
        workerData: data,
        resourceLimits: {
          maxOldGenerationSizeMb: this.options.memoryMb ?? SCAN_WORKER_MEMORY_MB,
          maxYoungGenerationSizeMb: SCAN_WORKER_YOUNG_MB,
        },
        // The worker writes nowhere: the language server's stdout is its LSP channel.
        stdout: true,
        stderr: true,
      });
      this.started++;
      const lane: Lane = {
        worker,
        ready: false,
        dead: false,
        queue: [],
        inFlight: new Map(),
        chars: 0,
        timer: undefined,
      };
      const number = this.lanes.push(lane);
      worker.on('message', (message: ScanWorkerAnswer) => this.receive(lane, number, message));
      worker.on('error', () => this.fail(lane));
      worker.on('exit', () => this.fail(lane));
    }
  }

  private receive(lane: Lane, number: number, message: ScanWorkerAnswer) {
    // A stopped worker's messages still in flight are dropped: its files were handed back once,
    // and terminating it again per message piled up exit listeners.
    if (lane.dead) return;
    // An answer of another form (a worker of another version) stops the worker: this thread scans
    // what it held.
    if (
      typeof message !== 'object' ||
      message === null ||
      !('ready' in message || Array.isArray(message.results))
    ) {
      this.fail(lane);
      void lane.worker.terminate();
      return;
    }
    if ('ready' in message) {
      lane.ready = true;
      this.pump(lane);
      return;
    }
    for (const { id, result } of message.results) {
      const task = lane.inFlight.get(id);
      if (task === undefined) continue;
      lane.inFlight.delete(id);
      lane.chars -= task.job.text.length;
      this.owner.set(task.job.file, number);
      this.workerFiles++;
      this.finish(task, result);
    }
    this.restartDeadline(lane);
    this.pump(lane);
  }

  // The worker's next file starts now: its deadline runs from here (none while it holds nothing).
  private restartDeadline(lane: Lane): void {
    clearTimeout(lane.timer);
    lane.timer = lane.inFlight.size === 0 ? undefined : setTimeout(() => this.overrun(lane), this.deadlineMs);
  }

  // This thread's share: its own files first, then the shared queue, then other lanes' leftovers.
  private async scanHere(local: (job: ScanJob) => Promise<ScanResult>): Promise<void> {
    const round = this.round;
    while (round !== undefined && round === this.round && round.left > 0) {
      const task = round.here.shift() ?? round.shared.shift() ?? this.steal();
      if (task === undefined) {
        // The workers hold the rest; a worker that stops hands its files back and wakes this up.
        await new Promise<void>((wake) => {
          round.wake = wake;
        });
        continue;
      }
      let result: ScanResult;
      try {
        result = await local(task.job);
      } catch (error) {
        result = failed(task.job.file, `scanning failed: ${(error as Error).message}`);
      }
      this.owner.set(task.job.file, HERE);
      this.finish(task, result);
      // Lets the workers' answers in between two files of this thread.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private steal(): Task | undefined {
    let longest: Lane | undefined;
    for (const lane of this.lanes) if (lane.queue.length > (longest?.queue.length ?? 0)) longest = lane;
    return longest?.queue.pop();
  }

  // Fills the worker's window, the files in one message (a message per file cost this thread an
  // event and a wake-up of the worker each).
  private pump(lane: Lane): void {
    const round = this.round;
    if (round === undefined || lane.dead || !lane.ready) return;
    const jobs: Array<{ id: number; file: string; text: string; keep?: boolean }> = [];
    while (lane.inFlight.size < 2 || (lane.chars < IN_FLIGHT_CHARS && lane.inFlight.size < IN_FLIGHT_MAX)) {
      const task = lane.queue.shift() ?? round.shared.shift();
      if (task === undefined) break;
      const id = this.nextId++;
      lane.inFlight.set(id, task);
      lane.chars += task.job.text.length;
      if (lane.inFlight.size === 1) this.restartDeadline(lane);
      jobs.push({
        id,
        file: task.job.file,
        text: task.job.text,
        ...(task.job.keep === false ? { keep: false } : {}),
      });
    }
    if (jobs.length > 0) lane.worker.postMessage({ op: 'scan', jobs } satisfies ScanWorkerMessage);
  }

  private finish(task: Task, result: ScanResult): void {
    const round = this.round;
    if (round === undefined || round.results[task.index] !== undefined) return;
    round.results[task.index] = result;
    if (--round.left > 0) return;
    round.done();
    round.wake();
  }

  // The file the worker is on is past its deadline: the worker is stopped (one long step cannot be
  // interrupted otherwise), the file reported, and the files behind it handed back.
  private overrun(lane: Lane): void {
    const [id, task] = lane.inFlight.entries().next().value ?? [];
    if (id === undefined || task === undefined) return;
    lane.inFlight.delete(id);
    const seconds = Math.round(this.deadlineMs / 1000);
    this.finish(
      task,
      failed(task.job.file, `skipped: scanning took longer than ${seconds} s`, 'scan_timeout'),
    );
    this.fail(lane);
    void lane.worker.terminate();
  }

  // A worker that stopped, failed or ran out of memory: this thread scans what it held.
  private fail(lane: Lane): void {
    if (lane.dead) return;
    lane.dead = true;
    const round = this.round;
    clearTimeout(lane.timer);
    const handedBack = [...lane.inFlight.values(), ...lane.queue];
    lane.inFlight.clear();
    lane.chars = 0;
    lane.queue = [];
    if (round === undefined) return;
    round.here.unshift(...handedBack);
    round.wake();
  }
}

// The bundle's worker runs as it is, without this process's Node options: a worker inherits them,
// and under the bench and tests they load tsx, whose loader then handled every module the worker
// loaded (about a second of its start on the shared machine). Its TypeScript source (tests,
// benchmarks) runs through tsx, whose loader a worker thread does not inherit.
function workerScript(entry: string): [string, { eval?: boolean; execArgv?: string[] }] {
  if (!entry.endsWith('.ts')) return [entry, { execArgv: [] }];
  const tsx = 'tsx/cjs/api';
  return [
    `require(${JSON.stringify(require.resolve(tsx))}).register(); require(${JSON.stringify(entry)});`,
    { eval: true },
  ];
}

function failed(file: string, message: string, code = 'scanner_failed'): ScanResult {
  return { calls: [], errors: [{ code, message, location: locateFileStart(file) }] };
}
