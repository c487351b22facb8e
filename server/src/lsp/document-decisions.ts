/**
 * Deciding the calls of open code documents for a workspace: in the analysis worker under a
 * deadline when there is one (newer versions of a document replace its queued work), else here; a
 * run shared by a hover and the diagnostics of one version; results kept per version; and the
 * other actions on a hovered call's resource, remembered by its input.
 */
import { relative } from 'node:path';
import type { OtherAction } from '../decision/other-actions';
import { type DecidedCall, decideText } from '../decision/scan';
import type { ClearanceError } from '../errors';
import { decideCached } from '../index/decision-cache';
import type { LoadedPolicy } from '../policy/load';
import { isSingleFileComponent, languageForPath, type Scanner, scanLimitError } from '../scanner';
import type { DecideRequest } from './worker/protocol';
import type { ClearanceWorkspace, OpenDocument } from './workspace';

/** A document's decided calls, for the version decided. */
export interface DocumentDecisions {
  version: number;
  calls: DecidedCall[];
  errors: ClearanceError[];
  /** The calls inside the document's own wrappers (start offset, wrapper key), for the one-report pass. */
  innerCalls?: Array<[number, string]>;
}

/** The decisions of one workspace's open documents. */
export class DocumentDecider {
  /** Decisions being made, by path: a hover and the diagnostics of one version share one run. */
  private readonly deciding = new Map<
    string,
    { version: number; generation: number; result: Promise<DocumentDecisions> }
  >();
  /** Bumped whenever every decision is forgotten: work started before then is not reused. */
  private generation = 0;
  /** Other actions by the hovered call's input, for the current policy, identity and settings. */
  private readonly otherActionsByInput = new Map<string, Promise<OtherAction[]>>();

  constructor(
    private readonly ws: ClearanceWorkspace,
    /** The scanner calls are found with when there is no worker. */
    private readonly scanner: () => Scanner,
  ) {}

  /** Forgets decided documents, and stops sharing runs that started with the old inputs. */
  forget(): void {
    this.ws.decided.clear();
    this.otherActionsByInput.clear();
    this.generation++;
  }

  /** Forgets the decisions of `paths`; a run in flight for one is not shared with later requests. */
  forgetDocuments(paths: string[]): void {
    for (const path of paths) {
      this.ws.decided.delete(path);
      this.deciding.delete(path);
    }
  }

  /**
   * Decides the calls of an open code document, reusing the result while its version is unchanged.
   * The calls inside a private wrapper whose every call site is reported are left out, as the
   * workspace index leaves them out (`droppedCalls`): decided once, filtered on every answer, so a
   * change of the index's verdicts shows at the next answer without deciding the document again.
   */
  async decide(path: string, now: Date): Promise<DocumentDecisions | undefined> {
    const decided = await this.decideAll(path, now);
    if (decided === undefined) return undefined;
    const dropped = this.ws.droppedCalls(decided.innerCalls);
    if (dropped.size === 0) return decided;
    return {
      ...decided,
      calls: decided.calls.filter((item) => !dropped.has(item.call.location.start.offset)),
    };
  }

  private async decideAll(path: string, now: Date): Promise<DocumentDecisions | undefined> {
    const doc = this.ws.documents.get(path);
    if (!doc || !languageForPath(path)) return undefined;
    const cached = this.ws.decided.get(path);
    if (cached && cached.version === doc.version) return cached;
    const inFlight = this.deciding.get(path);
    if (inFlight && inFlight.version === doc.version && inFlight.generation === this.generation)
      return inFlight.result;
    const result = this.decideFresh(doc, now);
    this.deciding.set(path, { version: doc.version, generation: this.generation, result });
    try {
      return await result;
    } finally {
      if (this.deciding.get(path)?.result === result) this.deciding.delete(path);
    }
  }

  /** `decide`, or `pending` when it has not answered within `waitMs` (it goes on). */
  async decideWithin(
    path: string,
    now: Date,
    waitMs: number,
  ): Promise<DocumentDecisions | undefined | 'pending'> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'pending'>((resolve) => {
      timer = setTimeout(() => resolve('pending'), waitMs);
    });
    try {
      return await Promise.race([this.decide(path, now), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async decideFresh(doc: OpenDocument, now: Date): Promise<DocumentDecisions> {
    const ws = this.ws;
    const { path } = doc;
    const generation = this.generation;
    let result: Omit<DocumentDecisions, 'version'>;
    const analysis = ws.decisionAnalysis();
    // A text the scanner would skip is not sent to be skipped: copying megabytes to the worker (and
    // its answer back) held hovers on other files for a tenth of a second.
    const tooLarge = isSingleFileComponent(path) ? undefined : scanLimitError(path, doc.text);
    if (tooLarge) {
      result = { calls: [], errors: [tooLarge] };
    } else if (analysis) {
      const request: DecideRequest = {
        op: 'decide',
        load: ws.currentLoadRequest(),
        path,
        text: doc.text,
        identity: ws.identity,
        settings: ws.settings,
        nowMs: now.getTime(),
        project: ws.projectConfig,
      };
      const outcome = await analysis.decide(
        request,
        ws.settings.evaluation.timeoutMs,
        relative(ws.root, path),
      );
      // Replaced by a newer run for this document (new text or new inputs): that run's answer is this one's.
      if (!outcome.ok && outcome.stale)
        return (await this.decideAll(path, now)) ?? { version: doc.version, calls: [], errors: [] };
      result = outcome.ok ? outcome.value : { calls: [], errors: [outcome.error] };
    } else {
      if (!ws.decisionPolicy) ws.reloadPolicy();
      const policy = ws.decisionPolicy as LoadedPolicy;
      const context = {
        policy,
        identity: ws.identity,
        settings: ws.settings,
        now,
        project: ws.projectConfig,
      };
      result = await decideText(this.scanner(), path, doc.text, context, (file, call, c, timeoutMs) =>
        decideCached(ws.decisionCache, file, call, c, timeoutMs),
      );
    }
    const entry = { version: doc.version, ...result };
    // A newer edit (or new settings, policy or identity) may have arrived meanwhile; keep only
    // results for the version still open, decided with the inputs still current.
    if (ws.documents.get(path)?.version === doc.version && generation === this.generation)
      ws.decided.set(path, entry);
    return entry;
  }

  /**
   * The other actions on a decided call's resource, decided in the worker when there is one (a
   * policy that does not finish gives none), else here.
   */
  async otherActions(item: DecidedCall): Promise<OtherAction[]> {
    const ws = this.ws;
    const analysis = ws.decisionAnalysis();
    if (!analysis) return ws.decideOtherActions(item);
    // Hovering the same call again asks the worker nothing: while another file is edited, the
    // worker is busy with that file, and a hover waiting behind it missed its 50 ms.
    const key = JSON.stringify([item.input, ws.settings.policy.entrypoint, ws.settings.evaluation]);
    const known = this.otherActionsByInput.get(key);
    if (known) return known;
    const result = analysis.otherActions({
      op: 'otherActions',
      load: ws.currentLoadRequest(),
      input: item.input,
      entrypoint: ws.settings.policy.entrypoint,
      limits: ws.settings.evaluation,
    });
    if (this.otherActionsByInput.size >= 500) this.otherActionsByInput.clear();
    this.otherActionsByInput.set(key, result);
    // A stopped job answers none: that is not remembered.
    void result.then((actions) => {
      if (actions.length === 0 && this.otherActionsByInput.get(key) === result)
        this.otherActionsByInput.delete(key);
    });
    return result;
  }
}
