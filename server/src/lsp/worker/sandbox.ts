/**
 * A child process that runs untrusted computation (policy load, compile, evaluation, code parsing)
 * off the language server's main thread, under a hard deadline and a memory cap. The engine's own
 * limits are checked between steps; one builtin call or one parse is a single step, so only a
 * process that can be killed bounds it. A job past its deadline kills the process, which is replaced
 * on the next job, and the job's caller gets an `eval_cancel_error` it can show: the main thread
 * always answers.
 *
 * A worker that says when it has loaded its code (`announcesReady`) has its first job's deadline run
 * from then, not from the fork: starting a process took over 10 s on a loaded machine, and a small
 * policy's load, held to 10 s from the fork, failed there for no fault of the policy. The start has
 * its own bound (`START_DEADLINE_MS`).
 *
 * A replaced worker is given its warm-up job first (`prepareReplacementsWith`: load the current
 * policy, under the load deadline), so the job after a replacement is held to its own deadline for
 * its own work, not for starting a process and compiling the policy.
 *
 * A worker keeps what it loaded (the policy state, by generation) and says so in each reply
 * (`holds`); a job is sent with what the worker already holds replaced by a reference (`slim`), so
 * a decision does not carry the policy's open texts and bundle bytes each time. A new worker holds
 * nothing: its first job (the warm-up, for a replacement) goes whole. A worker that is sent a
 * reference to something it does not hold answers `missing`, and the job is sent again whole.
 *
 * A process, not a worker thread: Node gives a worker thread over its heap cap 16 MB of leeway, and
 * one larger allocation past the cap (a string doubled to 256 MB) aborted the whole server. A child
 * process that runs out of memory aborts alone.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { ClearanceError } from '../../errors';

/** How a sandboxed job ended: its value, or an error that says why there is none. */
export type SandboxResult<T> =
  | { ok: true; value: T; ms: number }
  | { ok: false; error: ClearanceError; stale?: boolean; ms: number };

/** How the sandbox's worker is started. */
export interface SandboxOptions {
  /** The worker's script (a bundled `.js` file); it reads `process.argv[2]` as JSON for `workerData`. */
  entry: string;
  /** Passed to the worker as JSON in its first argument. */
  workerData?: unknown;
  /** The worker's V8 heap cap in MB (`--max-old-space-size`). */
  memoryMb: number;
  /** The worker's young-generation semi-spaces in MB (`--max-semi-space-size`); node's default when absent. */
  semiSpaceMb?: number;
  /**
   * `request` with what a worker that `holds` (the state its last reply named) already has replaced
   * by a reference; undefined: `request` must go whole.
   */
  slim?: (request: Record<string, unknown>, holds: number) => Record<string, unknown> | undefined;
  /** The worker sends `{ ready: true }` once its code is loaded; a job's deadline runs from then. */
  announcesReady?: boolean;
}

/** How long a worker that announces itself may take to load its code before it is stopped. */
export const START_DEADLINE_MS = 60_000;

/** A worker's reply: the job's value or error, what it holds now, or that a reference missed. */
interface Reply {
  id: number;
  /** The worker has loaded its code (`announcesReady`). */
  ready?: boolean;
  value?: unknown;
  error?: ClearanceError;
  /** The state the worker holds after the job (its policy generation). */
  holds?: number;
  /** The job referred to a state the worker does not hold: send it whole. */
  missing?: boolean;
}

/** The first job of a worker that replaces a stopped one: what prepares it (loading the policy). */
export interface WarmUp {
  request: Record<string, unknown>;
  deadlineMs: number;
  what: string;
}

/** How urgent a job is: open documents are analysed before the background index. */
export type Priority = 'open' | 'background';

interface Job {
  request: Record<string, unknown>;
  deadlineMs: number;
  what: string;
  priority: Priority;
  key: string | undefined;
  queuedAt: number;
  resolve: (result: SandboxResult<unknown>) => void;
  /** A replacement worker's warm-up: when it is stopped, the next worker gets none (no endless restarts). */
  warmUp?: boolean;
}

/** The key of the warm-up job: a newer warm-up replaces a queued one. */
const WARM_UP_KEY = '\0warm-up';

/** One worker, one job at a time, open-document jobs first, newer jobs replacing queued ones of the same key. */
export class Sandbox {
  private worker: ChildProcess | undefined;
  private running:
    | (Job & { id: number; started: number; timer: NodeJS.Timeout; slimmed: boolean; starting: boolean })
    | undefined;
  /** Whether the current worker has said it loaded its code (always, for a worker that does not say). */
  private ready = true;
  /** What the current worker said it holds in its last reply; undefined for a new worker. */
  private holds: number | undefined;
  /** Jobs sent with a reference in place of what the worker held, for tests and the benchmark. */
  slimmed = 0;
  private readonly queue: Job[] = [];
  private nextId = 1;
  /** Workers started so far (1 + the number of replacements): for tests and the log. */
  started = 0;
  /** Jobs stopped at their deadline or by the memory cap. */
  cancelled = 0;
  /** Warm-up jobs that ended loaded, for tests and the log. */
  warmedUp = 0;
  private warmUp: (() => WarmUp | undefined) | undefined;
  private closed = false;

  constructor(
    private readonly options: SandboxOptions,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /**
   * Runs `request` in the worker. `key` coalesces: a queued job with the same key is dropped (its
   * caller gets a `stale` result) in favour of this one, so only the newest version of a document
   * is analysed. `what` names the work in the error message, e.g. "deciding src/a.ts".
   */
  run<T>(
    request: Record<string, unknown>,
    options: { deadlineMs: number; what: string; priority?: Priority; key?: string },
  ): Promise<SandboxResult<T>> {
    return new Promise((resolve) => {
      const job: Job = {
        request,
        deadlineMs: options.deadlineMs,
        what: options.what,
        priority: options.priority ?? 'open',
        key: options.key,
        queuedAt: Date.now(),
        resolve: resolve as (result: SandboxResult<unknown>) => void,
      };
      if (job.key !== undefined) {
        for (let i = this.queue.length - 1; i >= 0; i--) {
          const queued = this.queue[i] as Job;
          if (queued.key !== job.key) continue;
          this.queue.splice(i, 1);
          queued.resolve({
            ok: false,
            stale: true,
            error: { code: 'eval_cancel_error', message: `${queued.what} was replaced by newer work` },
            ms: Date.now() - queued.queuedAt,
          });
        }
      }
      // Open-document work goes before every background job, after the open ones already waiting.
      const at = job.priority === 'open' ? this.queue.findIndex((q) => q.priority === 'background') : -1;
      if (at === -1) this.queue.push(job);
      else this.queue.splice(at, 0, job);
      this.pump();
    });
  }

  /**
   * Sets what a worker that replaces a stopped one does first (load the current policy), so that the
   * next job does not pay for it inside its own deadline. Undefined from `warmUp`: nothing to load.
   */
  prepareReplacementsWith(warmUp: () => WarmUp | undefined): void {
    this.warmUp = warmUp;
  }

  /** Whether a job with `key` is waiting (not yet running). */
  isQueued(key: string): boolean {
    return this.queue.some((job) => job.key === key);
  }

  /** Stops the worker; queued and running jobs end with an error. */
  async close(): Promise<void> {
    this.closed = true;
    const jobs = this.queue.splice(0);
    for (const job of jobs) job.resolve(this.failure(job, 'the language server is shutting down'));
    if (this.running) this.finish(this.failure(this.running, 'the language server is shutting down'));
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await stop(worker);
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift() as Job;
    const worker = this.ensureWorker();
    const id = this.nextId++;
    // A worker still loading its code: the job's deadline starts once it is ready (see the header).
    const starting = !this.ready;
    const timer = starting
      ? setTimeout(() => this.kill(`did not start within ${formatMs(START_DEADLINE_MS)}`), START_DEADLINE_MS)
      : this.deadline(job);
    const slim = this.holds === undefined ? undefined : this.options.slim?.(job.request, this.holds);
    if (slim) this.slimmed++;
    this.running = { ...job, id, started: Date.now(), timer, slimmed: slim !== undefined, starting };
    try {
      worker.send({ id, ...(slim ?? job.request) });
    } catch (error) {
      this.kill(`could not be started (${(error as Error).message})`);
    }
  }

  private deadline(job: Job): NodeJS.Timeout {
    return setTimeout(() => this.kill(`took longer than ${formatMs(job.deadlineMs)}`), job.deadlineMs);
  }

  private ensureWorker(): ChildProcess {
    if (this.worker) return this.worker;
    const worker = fork(this.options.entry, [JSON.stringify(this.options.workerData ?? {})], {
      // Maps, typed arrays and the like cross as they do between threads.
      serialization: 'advanced',
      // Not the server's own options (a profiler, a loader): the cap, and the stack the engine's recursion had.
      execArgv: [
        `--max-old-space-size=${this.options.memoryMb}`,
        '--stack-size=3984',
        ...(this.options.semiSpaceMb === undefined
          ? []
          : [`--max-semi-space-size=${this.options.semiSpaceMb}`]),
      ],
      // The server's stdout is the LSP channel: the worker writes nowhere.
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    this.started++;
    this.holds = undefined;
    this.ready = this.options.announcesReady !== true;
    worker.unref();
    worker.channel?.unref();
    worker.on('message', (message: Reply) => {
      const running = this.running;
      if (this.worker !== worker) return;
      if (message.ready === true) {
        this.ready = true;
        if (running?.starting) {
          clearTimeout(running.timer);
          running.timer = this.deadline(running);
          running.started = Date.now();
          running.starting = false;
        }
        return;
      }
      if (!running || message.id !== running.id) return;
      this.holds = message.holds;
      if (message.missing && running.slimmed) {
        // The reference missed (it should not: replies say what the worker holds): send it whole.
        running.slimmed = false;
        try {
          worker.send({ id: running.id, ...running.request });
        } catch (error) {
          this.kill(`could not be started (${(error as Error).message})`);
        }
        return;
      }
      const ms = Date.now() - running.started;
      this.finish(
        message.error ? { ok: false, error: message.error, ms } : { ok: true, value: message.value, ms },
      );
    });
    worker.on('error', (error: Error) => {
      if (this.worker === worker) this.kill(`failed (${error.name})`);
    });
    worker.on('exit', (code, signal) => {
      if (this.worker !== worker) return;
      // V8 aborts a process out of heap (SIGABRT, 134): the cap, as nothing else aborts it.
      const outOfMemory = signal === 'SIGABRT' || code === 134;
      this.replace(
        outOfMemory ? `ran out of its ${this.options.memoryMb} MB memory limit` : 'stopped unexpectedly',
      );
    });
    this.worker = worker;
    return worker;
  }

  /** The running job is past its deadline: the only way to stop a single long step is to kill its thread. */
  private kill(why: string): void {
    const worker = this.worker;
    this.replace(why);
    if (worker) void stop(worker);
  }

  private replace(why: string): void {
    this.worker = undefined;
    const running = this.running;
    if (!this.closed && running?.warmUp !== true) this.queueWarmUp();
    if (!running) {
      this.pump();
      return;
    }
    this.cancelled++;
    this.log(`${running.what} ${why}; its worker was stopped and is replaced`);
    this.finish(this.failure(running, `${running.what} ${why}; it was stopped`));
  }

  /** Puts the warm-up first in the queue: the replacement starts with it, at once. */
  private queueWarmUp(): void {
    const warm = this.warmUp?.();
    if (!warm) return;
    const at = this.queue.findIndex((job) => job.key === WARM_UP_KEY);
    if (at >= 0) this.queue.splice(at, 1);
    this.queue.unshift({
      request: warm.request,
      deadlineMs: warm.deadlineMs,
      what: warm.what,
      priority: 'open',
      key: WARM_UP_KEY,
      queuedAt: Date.now(),
      warmUp: true,
      resolve: (result) => {
        if (!result.ok) return;
        this.warmedUp++;
        this.log(`${warm.what}: done in ${result.ms} ms, before the next job`);
      },
    });
  }

  private finish(result: SandboxResult<unknown>): void {
    const running = this.running;
    if (!running) return;
    clearTimeout(running.timer);
    this.running = undefined;
    running.resolve(result);
    this.pump();
  }

  private failure(job: Job, message: string): SandboxResult<never> {
    return { ok: false, error: { code: 'eval_cancel_error', message }, ms: Date.now() - job.queuedAt };
  }
}

/** Kills a worker process and resolves once it is gone. */
function stop(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // Unreferenced, the process would not keep a caller that awaits its end alive until it ends.
    worker.ref();
    worker.once('exit', () => resolve());
    worker.kill('SIGKILL');
  });
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
