/**
 * A worker thread that runs untrusted computation (policy load, compile, evaluation, code parsing)
 * off the language server's main thread, under a hard deadline and a memory cap. The engine's own
 * limits are checked between steps; one builtin call or one parse is a single step, so only a thread
 * that can be killed bounds it. A job past its deadline terminates the worker, which is replaced on
 * the next job, and the job's caller gets an `eval_cancel_error` it can show: the main thread
 * always answers.
 */
import { Worker } from 'node:worker_threads';
import type { ClearanceError } from '../../errors';

/** How a sandboxed job ended: its value, or an error that says why there is none. */
export type SandboxResult<T> =
  | { ok: true; value: T; ms: number }
  | { ok: false; error: ClearanceError; stale?: boolean; ms: number };

/** How the sandbox's worker is started. */
export interface SandboxOptions {
  /** The worker's script (a bundled `.js` file). */
  entry: string;
  /** Passed to the worker as `workerData`. */
  workerData?: unknown;
  /** The worker's V8 heap cap in MB (`resourceLimits.maxOldGenerationSizeMb`). */
  memoryMb: number;
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
}

/** One worker, one job at a time, open-document jobs first, newer jobs replacing queued ones of the same key. */
export class Sandbox {
  private worker: Worker | undefined;
  private running: (Job & { id: number; started: number; timer: NodeJS.Timeout }) | undefined;
  private readonly queue: Job[] = [];
  private nextId = 1;
  /** Workers started so far (1 + the number of replacements): for tests and the log. */
  started = 0;
  /** Jobs stopped at their deadline or by the memory cap. */
  cancelled = 0;

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

  /** Whether a job with `key` is waiting (not yet running). */
  isQueued(key: string): boolean {
    return this.queue.some((job) => job.key === key);
  }

  /** Stops the worker; queued and running jobs end with an error. */
  async close(): Promise<void> {
    const jobs = this.queue.splice(0);
    for (const job of jobs) job.resolve(this.failure(job, 'the language server is shutting down'));
    if (this.running) this.finish(this.failure(this.running, 'the language server is shutting down'));
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift() as Job;
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const timer = setTimeout(() => this.kill(`took longer than ${formatMs(job.deadlineMs)}`), job.deadlineMs);
    this.running = { ...job, id, started: Date.now(), timer };
    worker.postMessage({ id, ...job.request });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.entry, {
      workerData: this.options.workerData,
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    this.started++;
    worker.unref();
    worker.on('message', (message: { id: number; value?: unknown; error?: ClearanceError }) => {
      const running = this.running;
      if (!running || message.id !== running.id) return;
      const ms = Date.now() - running.started;
      this.finish(
        message.error ? { ok: false, error: message.error, ms } : { ok: true, value: message.value, ms },
      );
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (this.worker !== worker) return;
      const why =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of its ${this.options.memoryMb} MB memory limit`
          : `failed (${error.name})`;
      this.replace(why);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.replace('stopped unexpectedly');
    });
    this.worker = worker;
    return worker;
  }

  /** The running job is past its deadline: the only way to stop a single long step is to kill its thread. */
  private kill(why: string): void {
    const worker = this.worker;
    this.replace(why);
    void worker?.terminate();
  }

  private replace(why: string): void {
    this.worker = undefined;
    const running = this.running;
    if (!running) return;
    this.cancelled++;
    this.log(`${running.what} ${why}; its worker was stopped and is replaced`);
    this.finish(this.failure(running, `${running.what} ${why}; it was stopped`));
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

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
