/**
 * The language server's side of the analysis worker: typed jobs (load the policy, decide a
 * document) run in a `Sandbox` under deadlines, and the record of which policy states are known to
 * load in time, so the main thread loads only those itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { EvaluationResult } from '../../authoring/evaluate';
import { runBudgetMs, type TestOutcome } from '../../authoring/tests';
import { buildCallInput } from '../../decision/input';
import type { OtherAction } from '../../decision/other-actions';
import { type DecidedCall, fileBudgetMs } from '../../decision/scan';
import type { ClearanceError } from '../../errors';
import type { PolicyFiles } from '../../policy/load';
import type { ClientMapping, HttpCall, Scanner, ScanResult } from '../../scanner';
import type { ProjectView } from '../../scanner/project/types';
import type { PolicyFacts } from './policy-view';
import type {
  DecideCallsRequest,
  DecideRequest,
  EvaluateRuleRequest,
  LoadRequest,
  MissingView,
  OtherActionsRequest,
  RunTestsRequest,
  ScanRequest,
  WarmUpRequest,
} from './protocol';
import { slimRequest } from './protocol';
import { Sandbox, type SandboxResult } from './sandbox';

/** The worker's heap cap: far above any real policy, far below what would take the editor down. */
export const WORKER_MEMORY_MB = 256;
/**
 * The workers' young-generation semi-spaces in MB (node's default is 16): the workers scan the
 * workspace, a scan's objects live to its end, and the collector was 13-18% of a scan's CPU. They
 * grow only as far as a scan's survivors need (docs/speed/stop-21/speed-file8.md).
 */
export const WORKER_SEMI_SPACE_MB = 64;
/** How long loading and compiling a policy may take in the worker, plus `LOAD_MS_PER_FILE` for each file. */
export const LOAD_DEADLINE_MS = 10_000;
/**
 * What each policy file adds to the load deadline. A cold load of 350 files took 6 to 10 s on a busy
 * machine; stopped at a flat 10 s, every retry started cold in a new worker and never finished.
 */
export const LOAD_MS_PER_FILE = 60;
/** The most a policy load may take, however many files. */
export const LOAD_DEADLINE_MAX_MS = 60_000;

/** `CLEARANCE_ANALYSIS_DEADLINE_MS` from the environment (tests set it), when it is a usable deadline. */
function forcedDeadlineMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const forced = Number(env.CLEARANCE_ANALYSIS_DEADLINE_MS);
  return Number.isFinite(forced) && forced >= 100 ? forced : undefined;
}

/**
 * The deadline of loading a policy of `files` files. `CLEARANCE_ANALYSIS_DEADLINE_MS` does not
 * shorten it: it is for evaluation, and a cold worker's first load of even a small policy can take
 * seconds on a busy machine.
 */
export function loadDeadlineMs(files: number): number {
  return Math.min(LOAD_DEADLINE_MAX_MS, LOAD_DEADLINE_MS + files * LOAD_MS_PER_FILE);
}
/** Parsing a document and scanning it for calls, on top of its evaluation budget. */
const SCAN_ALLOWANCE_MS = 3000;

/** The deadline of one document's analysis, or `CLEARANCE_ANALYSIS_DEADLINE_MS` from the server's environment. */
export function decideDeadlineMs(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): number {
  return forcedDeadlineMs(env) ?? fileBudgetMs + timeoutMs + SCAN_ALLOWANCE_MS;
}

/** How long parsing one file for the index may take in the worker. */
const SCAN_DEADLINE_MS = 10_000;

/**
 * The deadline of one index scan, or `CLEARANCE_SCAN_DEADLINE_MS` from the server's environment
 * (tests set it to stop a large file quickly).
 */
export function scanDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.CLEARANCE_SCAN_DEADLINE_MS);
  return Number.isFinite(forced) && forced >= 100 ? forced : SCAN_DEADLINE_MS;
}

/** How long a scan worker may take to start and load the parser before its first file. */
const SCAN_WARM_UP_MS = 30_000;

/**
 * The scan workers the index uses beside the background worker: `CLEARANCE_SCAN_WORKERS` (0: none),
 * else one per core beyond the first, at most two (the CLI's scan pool counts the same way).
 */
export function scanHelperCount(
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
): number {
  const forced = Number(env.CLEARANCE_SCAN_WORKERS ?? Number.NaN);
  if (Number.isInteger(forced) && forced >= 0) return Math.min(forced, 2);
  return Math.max(0, Math.min(2, cores - 1));
}

/** What a test run or an evaluation may take on top of its evaluation limits (messages, cloning results). */
const RUN_ALLOWANCE_MS = 3000;

/**
 * The deadline of running `tests` tests each under `timeoutMs`: a failing test is evaluated twice
 * (its value, then the trace that says why), and the run stops starting tests after `runBudgetMs`.
 */
export function runTestsDeadlineMs(tests: number, timeoutMs: number): number {
  const perTest = 2 * timeoutMs;
  return Math.min(Math.max(1, tests) * perTest, runBudgetMs + perTest) + RUN_ALLOWANCE_MS;
}

/** The deadline of evaluating one rule under `timeoutMs` (Explain evaluates it a second time, traced). */
export function evaluateDeadlineMs(timeoutMs: number, explain: boolean): number {
  return (explain ? 2 : 1) * timeoutMs + RUN_ALLOWANCE_MS;
}

/**
 * Typed jobs on three sandboxes, and the policy states known to load in time with what the worker
 * found loading them. Open documents (hovers, diagnostics) have a worker of their own, so the
 * background index never delays them; test runs and evaluations from the editor have a third,
 * started on first use, so a long test run never holds a hover either.
 */
export class Analysis {
  private readonly loaded = new Map<string, PolicyFacts>();
  /** The workspace index's newest view of the project's own clients, numbered as it changes. */
  private view: { generation: number; view: ProjectView } | undefined;
  /** The view generation last sent whole to each worker, which later jobs only name. */
  private readonly viewSent = new Map<Sandbox, number>();
  /** The workers index scans run on: the background worker, then the scan helpers. */
  readonly scanLanes: readonly Sandbox[];
  /** Per lane, the index scans sent to it and not yet answered. */
  private readonly scansPending = new Map<Sandbox, number>();
  /** The lane each file's unanswered scans went to: a newer scan of it follows, so it replaces a queued one. */
  private readonly scanLaneOf = new Map<string, { lane: Sandbox; scans: number }>();
  /** Files each lane has scanned (the log says how the work was shared). */
  readonly scansDone = new Map<Sandbox, number>();
  private helpersWarmed = false;

  /**
   * `helpers`: workers that only scan for the index, beside the background worker, so that a
   * workspace's first index uses every core (open documents and policy work stay where they were).
   */
  constructor(
    readonly sandbox: Sandbox,
    readonly background: Sandbox,
    readonly authoring: Sandbox,
    readonly helpers: readonly Sandbox[] = [],
  ) {
    this.scanLanes = [background, ...helpers];
    for (const helper of helpers) helper.prepareReplacementsWith(() => this.helperWarmUp());
  }

  /** A helper's first job, and a replacement's: it starts and loads the parser outside any file's deadline. */
  private helperWarmUp(): { request: Record<string, unknown>; deadlineMs: number; what: string } {
    const request: ScanRequest = { op: 'scan', path: 'warm-up.ts', text: '', clients: [] };
    return {
      request: request as unknown as Record<string, unknown>,
      deadlineMs: SCAN_WARM_UP_MS,
      what: 'starting a scan worker',
    };
  }

  /** The lane for a scan of `file`: where its earlier scan still waits, else the least busy one. */
  private laneFor(file: string): Sandbox {
    const held = this.scanLaneOf.get(file);
    if (held !== undefined) return held.lane;
    let best = this.background;
    for (const lane of this.scanLanes)
      if ((this.scansPending.get(lane) ?? 0) < (this.scansPending.get(best) ?? 0)) best = lane;
    return best;
  }

  // Runs one index scan on its lane, counting it there until it is answered (or stopped).
  private async scanOn<T>(
    file: string,
    run: (lane: Sandbox) => Promise<SandboxResult<T>>,
  ): Promise<SandboxResult<T>> {
    if (!this.helpersWarmed) {
      this.helpersWarmed = true;
      for (const helper of this.helpers) {
        const warm = this.helperWarmUp();
        void helper.run(warm.request, { deadlineMs: warm.deadlineMs, what: warm.what });
      }
    }
    const lane = this.laneFor(file);
    const held = this.scanLaneOf.get(file) ?? { lane, scans: 0 };
    held.scans++;
    this.scanLaneOf.set(file, held);
    this.scansPending.set(lane, (this.scansPending.get(lane) ?? 0) + 1);
    try {
      return await run(lane);
    } finally {
      this.scansPending.set(lane, (this.scansPending.get(lane) ?? 1) - 1);
      this.scansDone.set(lane, (this.scansDone.get(lane) ?? 0) + 1);
      if (--held.scans === 0) this.scanLaneOf.delete(file);
    }
  }

  /** The facts of the policy state `key` if it loaded in the worker within its deadline before. */
  vouched(key: string): PolicyFacts | undefined {
    return this.loaded.get(key);
  }

  /** Records that `key` loaded in time, and its facts (bounded; a forgotten state is loaded again). */
  vouch(key: string, facts: PolicyFacts): void {
    if (this.loaded.size >= 256) this.loaded.clear();
    this.loaded.set(key, facts);
  }

  /**
   * Makes `view` the project view later scans, and open documents' decisions, use (the scanner's
   * `useProjectView`); each new view gets a new generation.
   */
  useProjectView(view: ProjectView): void {
    if (this.view?.view === view) return;
    this.view = { generation: (this.view?.generation ?? 0) + 1, view };
  }

  /**
   * A scanner that parses in the background worker (for the workspace index); a stopped parse is an
   * error. A scan uses the project view it is given, else the newest (`useProjectView`).
   */
  scanner(clients: ClientMapping[]): Scanner {
    return {
      scanText: async (file, text, language, extras = {}) => {
        if (extras.project !== undefined) this.useProjectView(extras.project);
        const request: ScanRequest = {
          op: 'scan',
          path: file,
          text,
          clients,
          ...(language ? { language } : {}),
          ...(extras.collectFacts ? { collectFacts: true } : {}),
        };
        const result = await this.scanOn(file, (lane) =>
          this.withView<ScanResult>(lane, request, {
            deadlineMs: scanDeadlineMs(),
            what: `parsing ${file}`,
            priority: 'background',
            // Typing re-indexes the document on every keystroke: only its newest text is parsed.
            key: `scan:${file}`,
          }),
        );
        return result.ok ? result.value : { calls: [], errors: [result.error] };
      },
      useProjectView: (view) => this.useProjectView(view),
    };
  }

  /**
   * Runs `request` on `sandbox` with the newest project view: named when that worker was sent it
   * before, else whole; a worker that does not hold a named view (it was replaced) is sent it whole.
   */
  private async withView<T>(
    sandbox: Sandbox,
    request: ScanRequest | DecideRequest,
    options: Parameters<Sandbox['run']>[1],
  ): Promise<SandboxResult<T>> {
    const current = this.view;
    if (current === undefined) return sandbox.run<T>(request as unknown as Record<string, unknown>, options);
    const whole = { ...request, view: { generation: current.generation, view: current.view } };
    const named = this.viewSent.get(sandbox) === current.generation;
    this.viewSent.set(sandbox, current.generation);
    const first = await sandbox.run<T | MissingView>(
      (named ? { ...request, view: { generation: current.generation } } : whole) as unknown as Record<
        string,
        unknown
      >,
      options,
    );
    if (!first.ok || !isMissingView(first.value)) return first as SandboxResult<T>;
    return sandbox.run<T>(whole as unknown as Record<string, unknown>, options);
  }

  /** Decides the index's calls of one file in the background worker; stopped, each call is an error. */
  async decideCalls(request: DecideCallsRequest): Promise<DecidedCall[]> {
    const result = await this.background.run<DecidedCall[]>(request as unknown as Record<string, unknown>, {
      deadlineMs: decideDeadlineMs(request.settings.evaluation.timeoutMs),
      what: `deciding the calls of ${request.files.map((f) => f.file).join(', ')}`.slice(0, 300),
      priority: 'background',
    });
    if (result.ok) return result.value;
    return request.files.flatMap(({ file, calls }) =>
      calls.map((call) => undecided(request, file, call, result.error)),
    );
  }

  /** The other actions of a hovered call, decided in the open-document worker; none when stopped. */
  async otherActions(request: OtherActionsRequest): Promise<OtherAction[]> {
    const result = await this.sandbox.run<OtherAction[]>(request as unknown as Record<string, unknown>, {
      deadlineMs: request.limits.timeoutMs + 1000,
      what: 'deciding the other actions',
      priority: 'open',
    });
    return result.ok ? result.value : [];
  }

  /**
   * Has a worker that replaces a stopped one (open documents, background) load `current()`, the
   * workspace's newest policy state of `files` files, before its next job, under the load deadline.
   */
  warmUpWith(current: () => { load: LoadRequest; files: number } | undefined): void {
    // The log names the worker: both are replaced when a hopeless policy stops each of them.
    const warmUp = (worker: string) => () => {
      const state = current();
      if (!state) return undefined;
      const request: WarmUpRequest = { op: 'warm', load: state.load };
      return {
        request: request as unknown as Record<string, unknown>,
        deadlineMs: loadDeadlineMs(state.files),
        what: `loading the policy into a new ${worker} worker`,
      };
    };
    this.sandbox.prepareReplacementsWith(warmUp('open-document'));
    this.background.prepareReplacementsWith(warmUp('background'));
  }

  /**
   * Loads the policy of `load` (OPA bundles: activates them) in the background worker too, ahead of
   * the index's decisions, so that each decision job only decides.
   */
  private loadInBackground(request: LoadRequest, files: number): void {
    void this.background.run(request as unknown as Record<string, unknown>, {
      deadlineMs: loadDeadlineMs(files),
      what: 'loading the policy',
      key: 'policy',
      priority: 'background',
    });
  }

  /** Stops the workers. */
  close(): Promise<void> {
    return Promise.all(
      [this.sandbox, this.background, this.authoring, ...this.helpers].map((worker) => worker.close()),
    ).then(() => undefined);
  }

  /**
   * Loads the policy of `load` (of `files` files) in the authoring worker under the load deadline,
   * so that the run after it is held to its own, shorter deadline; a no-op when it is loaded.
   */
  private async prepare(load: LoadRequest, files: number): Promise<SandboxResult<unknown>> {
    return this.authoring.run(load as unknown as Record<string, unknown>, {
      deadlineMs: loadDeadlineMs(files),
      what: 'loading the policy to run it',
    });
  }

  /** Runs policy tests in the authoring worker; stopped (deadline, memory), the run is an error. */
  async runTests(request: RunTestsRequest, files: number): Promise<SandboxResult<TestOutcome[]>> {
    const loaded = await this.prepare(request.load, files);
    if (!loaded.ok) return loaded;
    return this.authoring.run<TestOutcome[]>(request as unknown as Record<string, unknown>, {
      deadlineMs:
        forcedDeadlineMs() ?? runTestsDeadlineMs(request.tests.length, request.limits.timeoutMs ?? 0),
      what: `running ${request.tests.length === 1 ? 'the test' : `${request.tests.length} tests`}`,
    });
  }

  /** Evaluates a rule in the authoring worker; stopped (deadline, memory), the evaluation is an error. */
  async evaluate(request: EvaluateRuleRequest, files: number): Promise<SandboxResult<EvaluationResult>> {
    const loaded = await this.prepare(request.load, files);
    if (!loaded.ok) return loaded;
    return this.authoring.run<EvaluationResult>(request as unknown as Record<string, unknown>, {
      deadlineMs: forcedDeadlineMs() ?? evaluateDeadlineMs(request.limits.timeoutMs ?? 0, request.explain),
      what: `evaluating ${request.query}`,
    });
  }

  /**
   * Loads and compiles the policy (of `files` files) in the worker, which keeps it to decide with;
   * returns its facts. Then the background worker loads it too.
   */
  load(request: LoadRequest, files: number): Promise<SandboxResult<PolicyFacts>> {
    const result = this.sandbox.run<PolicyFacts>(request as unknown as Record<string, unknown>, {
      deadlineMs: loadDeadlineMs(files),
      what: 'loading the policy',
      key: 'policy',
    });
    // After it, not beside it: two compiles at once made the open documents' one wait for a core.
    void result.then((loaded) => {
      if (!loaded.ok && loaded.stale) return;
      this.loadInBackground(request, files);
    });
    return result;
  }

  /** Scans a document and decides its calls in the worker; a newer request for `label` replaces a queued one. */
  decide(
    request: DecideRequest,
    timeoutMs: number,
    label: string,
  ): Promise<
    SandboxResult<{
      calls: import('../../decision/scan').DecidedCall[];
      errors: ClearanceError[];
      innerCalls?: Array<[number, string]>;
    }>
  > {
    return this.withView(this.sandbox, request, {
      deadlineMs: decideDeadlineMs(timeoutMs),
      what: `deciding ${label}`,
      key: `decide:${request.path}`,
      priority: 'open',
    });
  }
}

/**
 * The analysis of a server whose bundle sits beside `wasmDir`, with `scanHelpers` scan workers beside
 * the background one (default `scanHelperCount()`); undefined without the worker bundle.
 */
export function createAnalysis(
  wasmDir: string,
  log: (message: string) => void,
  scanHelpers = scanHelperCount(),
): Analysis | undefined {
  const entry = join(dirname(wasmDir), 'analysis-worker.js');
  if (!existsSync(entry)) return undefined;
  // A job names the policy state its worker already holds instead of sending it again (`slimRequest`).
  // The worker says when its code is loaded: a job's deadline runs from then, not from the fork.
  const options = {
    entry,
    workerData: { wasmDir },
    memoryMb: WORKER_MEMORY_MB,
    semiSpaceMb: WORKER_SEMI_SPACE_MB,
    slim: slimRequest,
    announcesReady: true,
  };
  const helpers = Array.from({ length: scanHelpers }, () => new Sandbox(options, log));
  return new Analysis(
    new Sandbox(options, log),
    new Sandbox(options, log),
    new Sandbox(options, log),
    helpers,
  );
}

/**
 * What a policy load depends on: the settings, the open documents' texts and each policy file's
 * size and modification time. Equal fingerprints load alike.
 */
export function fingerprintLoad(request: LoadRequest, files: PolicyFiles): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([request.root, request.paths, request.regoVersion, request.entrypoint]));
  for (const [path, text] of request.openTexts) hash.update(`\0${path}\0${text}`);
  for (const file of [...files.rego, ...files.data.map((d) => d.file), ...files.manifests]) {
    const info = statSync(file, { throwIfNoEntry: false });
    hash.update(`\0${file}\0${info?.size ?? -1}\0${info?.mtimeMs ?? -1}`);
  }
  return hash.digest('hex');
}

function isMissingView(value: unknown): value is MissingView {
  return typeof value === 'object' && value !== null && 'missingView' in value;
}

/** A call the worker could not decide in time: an error verdict that says why. */
function undecided(
  request: DecideCallsRequest,
  file: string,
  call: HttpCall,
  error: ClearanceError,
): DecidedCall {
  const input = buildCallInput(call, request.identity, new Date(request.nowMs), request.project);
  return {
    file,
    call,
    input,
    decision: {
      verdict: 'error',
      entrypoint: request.settings.policy.entrypoint,
      policyVersion: '',
      rules: [],
      branches: [],
      blockers: [],
      errors: [error],
    },
  };
}
