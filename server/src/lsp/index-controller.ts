/**
 * The language server's side of the workspace index: it keeps the index current (a background
 * scan after start-up, open documents, file events), decides every indexed call through the
 * decision cache, answers `clearance/permissions`, says `clearance/permissionsChanged` when the
 * answer may have changed, and sends `clearance/impact` when a policy edit changed verdicts.
 */
import type { Connection, FileEvent, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { FileChangeType } from 'vscode-languageserver/node';
import type { DecidedCall, DecisionContext } from '../decision/scan';
import { redactTokensInText } from '../identity';
import { decideIndexedCalls } from '../index/decide-index';
import { fingerprintIdentity } from '../index/decision-cache';
import { compareSnapshots, type ImpactReport, snapshotVerdicts, type VerdictSnapshot } from '../index/impact';
import type { ReportChanges } from '../index/one-report';
import { buildPermissions } from '../index/permissions';
import { WorkspaceIndex } from '../index/workspace-index';
import type { HttpCall, Scanner } from '../scanner';
import type { ProjectView } from '../scanner/project/types';
import type { ImpactNotification, PermissionsResponse } from './clearance-protocol';
import { toPath, toRange, toUri } from './convert';
import { Debouncer } from './debounce';
import { RedecideSchedule } from './redecide-schedule';
import type { Analysis } from './worker/analysis';
import type { ClearanceWorkspace } from './workspace';

/** Calls decided per worker job: enough to make a message worth its cost, few enough to stop soon. */
const batchCalls = 200;

/** The most changed calls listed in one impact notification; the counts stay exact. */
const maxListedChanges = 500;
/** Scans with more files than this show a progress bar. */
const progressThreshold = 200;
/**
 * How long an open document's newest text waits, after its last change, before the index takes it.
 * Indexing it on every keystroke (an ignore-rules check, a hash and a parse job each) was most of
 * the main thread's work per edit: a burst of edits queued up, and hovers waited behind them.
 */
const documentIndexDelayMs = 250;
/**
 * The longest a re-decision waits for a pause: through a longer burst of edits it runs anyway
 * (and finishes), so the Permissions view is never older than this plus one run.
 */
const redecideMaxWaitMs = 4000;

/** A project client the index's project view gained, changed or lost: its name and defining file. */
export interface ChangedClient {
  name: string;
  file: string;
}

/** Keeps the index and its decisions current for one language server. */
export class IndexController {
  readonly index: WorkspaceIndex;
  private firstScanDone = false;
  private scanGeneration = 0;
  private decided: DecidedCall[] = [];
  private dirty = true;
  private baseline: { scope: string; snapshot: VerdictSnapshot } | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  /** The pending re-decision: after a pause, or `redecideMaxWaitMs` into a burst (not `quiet`). */
  private readonly redecide = new RedecideSchedule(redecideMaxWaitMs, (quiet) => void this.reconcile(quiet));
  private changedTimer: NodeJS.Timeout | undefined;
  private maxFiles: number;
  /** The project view last seen, and its clients (wrappers, instances) by content. */
  private lastView: ProjectView | undefined;
  private lastClients = new Map<string, ChangedClient>();
  /**
   * Called with the project's own clients that appeared, changed or went away (the index's project
   * view): open documents that call one are re-decided.
   */
  onProjectView: ((changed: ChangedClient[]) => void) | undefined;
  /**
   * Called when the one-report post-pass changed which calls are reported (a wrapper's call sites
   * changed, in this file or another): open documents showing one of them are republished.
   */
  onReportsChanged: ((changes: ReportChanges) => void) | undefined;
  /** Open documents' texts waiting for a pause in typing to be indexed, by path. */
  private readonly pendingDocuments = new Debouncer<string>(documentIndexDelayMs, (path, text) => {
    void this.overlay(path, text);
  });

  constructor(
    private readonly connection: Connection,
    private readonly ws: ClearanceWorkspace,
    roots: string[],
    private readonly log: (level: 'info' | 'warn' | 'error', text: string) => void,
  ) {
    this.maxFiles = ws.settings.index.maxFiles;
    // The workspace's scanner: it knows the client mappings of `.clearance.yaml`. With the analysis
    // workers, two files per scan worker are in flight: one scanned while the next one waits there,
    // so no worker idles while this thread reads and hashes.
    const lanes = ws.analysis?.scanLanes.length ?? 1;
    this.index = new WorkspaceIndex({
      scanner: ws.getScanner(),
      maxFiles: this.maxFiles,
      filesInFlight: 2 * lanes,
    });
    this.index.setRoots(roots);
  }

  /** Scans the whole workspace in the background (the first time, or again after `reset`). */
  startScan(reset = false): Promise<void> {
    const generation = ++this.scanGeneration;
    if (reset) this.index.files.clear();
    return this.runScan(generation);
  }

  private async runScan(generation: number): Promise<void> {
    const started = Date.now();
    const progress = new ScanProgress(this.connection);
    const cancelled = () => generation !== this.scanGeneration;
    try {
      const result = await this.index.indexAll(({ done, total }) => {
        if (total > progressThreshold) progress.report(done, total);
      }, cancelled);
      if (result.cancelled) return;
      const calls = [...this.index.files.values()].reduce((n, f) => n + f.calls.length, 0);
      this.log(
        'info',
        `indexed ${result.files} source files (${calls} calls, ${result.parsed} parsed) in ${Date.now() - started} ms${this.describeLanes()}${result.truncated ? `; stopped at clearance.index.maxFiles = ${this.maxFiles}` : ''}`,
      );
    } catch (error) {
      this.log('error', `indexing failed: ${(error as Error).message}`);
    } finally {
      progress.done();
      if (generation === this.scanGeneration) {
        this.noticeIndexChanges();
        this.firstScanDone = true;
        this.dirty = true;
        await this.reconcile();
      }
    }
  }

  /** How the scans so far were shared between the scan workers, e.g. "; scans per worker: 2510/2490". */
  private describeLanes(): string {
    const analysis = this.ws.analysis;
    if (analysis === undefined) return '';
    const counts = analysis.scanLanes.map((lane) => analysis.scansDone.get(lane) ?? 0);
    return `; scans per worker: ${counts.join('/')}`;
  }

  /** Applies new settings: a new file limit rescans. */
  applySettings(): void {
    const maxFiles = this.ws.settings.index.maxFiles;
    if (maxFiles === this.maxFiles) return;
    this.maxFiles = maxFiles;
    this.index.setMaxFiles(maxFiles);
    if (this.firstScanDone) void this.startScan();
  }

  /** `.clearance.yaml` changed what calls are: index every file again with the new scanner. */
  setScanner(scanner: Scanner): void {
    this.index.setScanner(scanner);
    if (this.firstScanDone) void this.startScan(true);
  }

  /** The workspace folders changed (multi-root): index the new set. */
  setRoots(roots: string[]): void {
    this.index.setRoots(roots);
    void this.startScan();
  }

  /** An open document's text changed: it overlays the file on disk once typing pauses. */
  updateDocument(path: string, text: string): void {
    this.pendingDocuments.schedule(path, text);
  }

  private async overlay(path: string, text: string): Promise<void> {
    const outcome = await this.index.setOverlay(path, text);
    this.noticeIndexChanges();
    if (outcome === 'parsed') this.scheduleReconcile(500);
  }

  /** Tells the server what an index update changed: the project's clients, and which calls are reported. */
  private noticeIndexChanges(): void {
    this.noticeProjectView();
    const reports = this.index.oneReport.takeChanges();
    if (reports.files.length === 0 && reports.wrappers.length === 0) return;
    if (reports.files.length > 0 && this.firstScanDone) this.scheduleReconcile(500);
    this.onReportsChanged?.(reports);
  }

  /**
   * Tells `onProjectView` which clients an index update changed, if any: a view rebuilt the same
   * re-decides nothing (re-deciding would only restart open documents' work, e.g. a decision
   * already stopped at its deadline).
   */
  private noticeProjectView(): void {
    const view = this.index.projectView;
    if (view === this.lastView) return;
    this.lastView = view;
    const current = new Map<string, ChangedClient>();
    for (const client of [...(view?.definitions ?? []), ...(view?.instances ?? [])])
      current.set(JSON.stringify(client), { name: client.name, file: client.site.file });
    const changed: ChangedClient[] = [];
    for (const [key, client] of current) if (!this.lastClients.has(key)) changed.push(client);
    for (const [key, client] of this.lastClients) if (!current.has(key)) changed.push(client);
    this.lastClients = current;
    if (changed.length > 0) this.onProjectView?.(changed);
  }

  /** A document was closed: the file on disk counts again. */
  async closeDocument(path: string): Promise<void> {
    this.pendingDocuments.cancel(path);
    const outcome = await this.index.clearOverlay(path);
    this.noticeIndexChanges();
    if (outcome === 'parsed') this.scheduleReconcile(500);
  }

  /** Files were created, changed or deleted on disk. */
  async applyFileEvents(changes: FileEvent[]): Promise<void> {
    let changed = false;
    for (const change of changes) {
      const path = toPath(change.uri);
      if (!path) continue;
      if (change.type === FileChangeType.Deleted) {
        changed = this.index.removePath(path) || changed;
      } else if (this.index.isIndexable(path)) {
        changed = (await this.index.updateFile(path)) !== 'unchanged' || changed;
      } else if (change.type === FileChangeType.Created && !/\.[^\\/]*$/.test(path)) {
        // A folder moved in (one event for the folder): a scan finds its files; unchanged ones are not re-parsed.
        void this.startScan();
      }
    }
    this.noticeIndexChanges();
    if (changed) this.scheduleReconcile(500);
  }

  /** The policy, the identity or the settings changed: re-decide (and report a policy change's impact). */
  decisionsMayHaveChanged(delayMs = 300): void {
    this.scheduleReconcile(delayMs);
  }

  private scheduleReconcile(pauseMs: number): void {
    this.dirty = true;
    this.redecide.request(pauseMs);
  }

  /**
   * Re-decides every indexed call (the cache makes unchanged ones cheap), compares the verdicts with
   * the last policy version that loaded whole for the same identity and settings, reports what
   * changed, and tells the client the permissions may have changed. Runs one at a time. A run that
   * is not `quiet` (forced by the longest wait in the middle of a burst of edits) is finished even
   * when something changes meanwhile, and reports no impact: the policy may be half typed, and the
   * run after the burst compares with the verdicts from before it.
   */
  reconcile(quiet = true): Promise<void> {
    this.redecide.cancel();
    this.reconciling = this.reconciling
      .then(() => this.reconcileNow(quiet))
      .catch((error: unknown) => {
        this.log('error', `re-deciding the workspace failed: ${(error as Error).message}`);
      });
    return this.reconciling;
  }

  private async reconcileNow(quiet: boolean): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const ws = this.ws;
    const policy = ws.decisionPolicy;
    if (!policy || !ws.hasPolicy()) {
      this.decided = [];
      this.baseline = undefined;
      this.notifyChanged();
      return;
    }
    const context: DecisionContext = {
      policy,
      identity: ws.identity,
      settings: ws.settings,
      now: new Date(),
      project: ws.projectConfig,
    };
    const analysis = ws.decisionAnalysis();
    // A quiet run stops when something changes meanwhile (the run scheduled next decides with it).
    const stop = () => quiet && this.dirty;
    const decided = analysis
      ? await this.decideInWorker(analysis, context, stop)
      : await decideIndexedCalls(this.index, context, ws.decisionCache, stop);
    // Something changed meanwhile: the run that is scheduled next decides with it.
    if (!decided) return;
    this.decided = decided;
    const loadsWhole = quiet && ws.policy === policy && policy.errors.length === 0;
    if (loadsWhole) {
      const scope = `${fingerprintIdentity(ws.identity)}\0${ws.settings.policy.entrypoint}`;
      const snapshot = snapshotVerdicts(decided, policy.version, (file) => this.index.files.get(file)?.hash);
      const before = this.baseline;
      if (before && before.scope === scope && before.snapshot.policyVersion !== policy.version) {
        const report = compareSnapshots(before.snapshot, snapshot);
        if (report) this.sendImpact(report);
      }
      this.baseline = { scope, snapshot };
    }
    this.notifyChanged();
  }

  /**
   * Decides the index's calls in the background worker, a batch of files per job so that one
   * message carries real work; undefined when something changed meanwhile. A batch that does not
   * finish in time gives its calls error verdicts saying so.
   */
  private async decideInWorker(
    analysis: Analysis,
    context: DecisionContext,
    stop: () => boolean,
  ): Promise<DecidedCall[] | undefined> {
    const load = this.ws.currentLoadRequest();
    const byFile = new Map<string, HttpCall[]>();
    for (const { file, call } of this.index.listCalls()) {
      const calls = byFile.get(file.path);
      if (calls) calls.push(call);
      else byFile.set(file.path, [call]);
    }
    const decided: DecidedCall[] = [];
    let batch: Array<{ file: string; calls: HttpCall[] }> = [];
    let size = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const files = batch;
      batch = [];
      size = 0;
      decided.push(
        ...(await analysis.decideCalls({
          op: 'decideCalls',
          load,
          files,
          identity: context.identity,
          settings: context.settings,
          nowMs: context.now.getTime(),
          project: context.project ?? this.ws.projectConfig,
        })),
      );
    };
    for (const [file, calls] of byFile) {
      if (stop()) return undefined;
      batch.push({ file, calls });
      size += calls.length;
      if (size >= batchCalls) await flush();
    }
    await flush();
    return stop() ? undefined : decided;
  }

  private sendImpact(report: ImpactReport): void {
    const notification: ImpactNotification = {
      message: report.message,
      fromVersion: report.fromVersion,
      toVersion: report.toVersion,
      newlyDenied: report.newlyDenied,
      newlyAllowed: report.newlyAllowed,
      otherwiseChanged: report.otherwiseChanged,
      notify: this.ws.settings.impact.notify,
      changes: report.changes.slice(0, maxListedChanges).map((change) => ({
        uri: toUri(change.file),
        range: toRange(change.location),
        summary: redactTokensInText(change.summary),
        before: change.before,
        after: change.verdict,
      })),
    };
    this.log('info', `policy ${report.fromVersion} -> ${report.toVersion}: ${report.message}`);
    void this.connection.sendNotification('clearance/impact', notification);
  }

  /** Debounced: one `clearance/permissionsChanged` for a burst of changes. */
  private notifyChanged(): void {
    // Before the first scan ends there are no permissions to show yet; its end notifies.
    if (!this.firstScanDone) return;
    clearTimeout(this.changedTimer);
    this.changedTimer = setTimeout(() => {
      void this.connection.sendNotification('clearance/permissionsChanged', {});
    }, 200);
  }

  /** The permissions of the workspace for the current identity, decided from the index. */
  async describePermissions(): Promise<PermissionsResponse> {
    if (this.dirty) await this.reconcile();
    else await this.reconciling;
    const ws = this.ws;
    const base = {
      identity: redactTokensInText(ws.describeIdentity(Date.now()).text),
      files: this.index.files.size,
      calls: this.decided.length,
      truncated: this.index.truncated,
    };
    if (!ws.hasPolicy()) return { ...base, state: 'noPolicy', resources: [] };
    const uris = new Map<string, string>();
    const uriOf = (file: string) => uris.get(file) ?? (uris.set(file, toUri(file)).get(file) as string);
    const resources = buildPermissions(this.decided).map((resource) => ({
      resource: redactTokensInText(resource.resource),
      actions: resource.actions.map((action) => ({
        action: redactTokensInText(action.action),
        decisions: action.decisions.map((decision) => ({
          verdict: decision.verdict,
          ...(decision.rule ? { rule: redactTokensInText(decision.rule) } : {}),
          why: redactTokensInText(decision.why),
          locations: decision.sites.map((site) => ({
            uri: uriOf(site.file),
            range: toRange(site.location),
            summary: redactTokensInText(site.summary),
          })),
        })),
      })),
    }));
    return {
      ...base,
      state: this.firstScanDone ? 'ready' : 'indexing',
      ...(ws.decisionPolicy ? { policyVersion: ws.decisionPolicy.version } : {}),
      resources,
    };
  }
}

/** A `window/workDoneProgress` bar for one scan, asked for on the first report and closed at the end. */
class ScanProgress {
  private reporter: WorkDoneProgressServerReporter | undefined;
  private asked = false;
  private finished = false;

  constructor(private readonly connection: Connection) {}

  /** Shows `done` of `total` files. */
  report(done: number, total: number): void {
    const message = `${done}/${total} files`;
    const percentage = Math.round((done / total) * 100);
    if (this.reporter) {
      this.reporter.report(percentage, message);
      return;
    }
    if (this.asked) return;
    this.asked = true;
    // A client without progress support gets a reporter that does nothing.
    void this.connection.window.createWorkDoneProgress().then((reporter) => {
      if (this.finished) return reporter.done();
      this.reporter = reporter;
      reporter.begin('Clearance: indexing', percentage, message, false);
    });
  }

  /** Closes the bar (or makes a bar that is still being created close at once). */
  done(): void {
    this.finished = true;
    this.reporter?.done();
  }
}
