/**
 * The language server's state for one workspace folder: settings, identity, the loaded policy and
 * the decided calls of each open document. It re-decides what is open whenever one of its inputs
 * changes, and hands the results to the LSP handlers.
 */
import { join } from 'node:path';
import type { BundleSet } from '../bundle/bundle-set';
import {
  CLEARANCE_YAML,
  emptyProjectConfig,
  parseProjectConfigIn,
  readProjectConfig,
} from '../config/clearance-yaml';
import { toIdentitySettings } from '../config/identity';
import { regoVersionOf } from '../config/settings';
import { decideOtherActions, type OtherAction } from '../decision/other-actions';
import type { DecidedCall } from '../decision/scan';
import { platformFiles } from '../files/platform-files';
import { RememberedFiles } from '../files/remembered-files';
import { resolveIdentity } from '../identity';
import { DecisionCache } from '../index/decision-cache';
import { compileRead, findPolicyFiles, loadPolicy, type PolicyFiles, readPolicy } from '../policy/load';
import { ModuleCache } from '../policy/module-cache';
import { createScanner, type Scanner } from '../scanner';
import type { WatchedDocuments } from './config-watch';
import { DocumentDecider, type DocumentDecisions } from './document-decisions';
import { describeIdentityView, type IdentityView } from './identity-view';
import type { AnalysisSession, SharedWorkspace } from './shared-workspace';
import { type Analysis, createAnalysis, fingerprintLoad } from './worker/analysis';
import { failedView, lazyView, type PolicyFacts, type PolicyView, viewOf } from './worker/policy-view';
import type { LoadRequest } from './worker/protocol';
import { isInside, isOrHolds, isPolicyPath, mayAffectPolicy } from './workspace-paths';
import { settingsThroughTrust } from './workspace-settings';
import { WorkspaceState } from './workspace-state';

export type { IdentityView } from './identity-view';

/** What the output channel says when the main thread compiles a policy the worker loaded (tests assert it). */
export const POLICY_COMPILED_HERE =
  'compiled the policy on the main thread as well, for a request that needs its rules';

export type { OpenDocument } from './workspace-state';

/**
 * How much text of the documents `.clearance.yaml` names is kept between reads (the web build reads
 * no more than this in all); past it, the rest are read again each time `.clearance.yaml` is.
 */
const CONFIG_DOCUMENTS_MAX_BYTES = 50_000_000;

/**
 * What a read of `.clearance.yaml` changed: nothing (the same configuration, or a broken file),
 * what calls mean (routes, actions, operations, services), or which calls there are (its client
 * mappings, the generated clients' operations among them) as well.
 */
export type ProjectConfigChange = 'none' | 'meaning' | 'clients';

// A configuration as comparable text (its `actions` are a Map).
function fingerprintConfig(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (item instanceof Map ? [...item] : item));
}

/** The state of one workspace folder and the work of keeping its decisions current. */
export class ClearanceWorkspace extends WorkspaceState implements SharedWorkspace {
  /** Parses of the policy's files by content, for the policies compiled on this thread. */
  private readonly modules = new ModuleCache();
  readonly decided = new Map<string, DocumentDecisions>();
  /** Decides open documents (in the worker when there is one) and keeps their results in `decided`. */
  private readonly decider = new DocumentDecider(this, () => this.scanner);
  /** Decisions by identity, policy version, settings and input, shared by hovers, diagnostics and the index. */
  readonly decisionCache = new DecisionCache();
  private scanner: Scanner;

  /**
   * Where untrusted computation runs: a worker with a deadline and a memory cap (see
   * `worker/analysis.ts`). Undefined when the worker bundle is absent (the core run from source).
   */
  readonly analysis: Analysis | undefined;

  constructor(
    root: string,
    private readonly wasmDir?: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    super(root);
    this.scanner = createScanner(wasmDir ? { wasmDir } : {});
    this.analysis = wasmDir ? createAnalysis(wasmDir, log) : undefined;
    // A worker replaced after a deadline or the memory cap loads the newest policy before its next job.
    this.analysis?.warmUpWith(() =>
      this.loadRequest ? { load: this.loadRequest, files: this.loadFileCount } : undefined,
    );
  }

  /**
   * The start offsets of an open document's calls that the one-report post-pass leaves out, from
   * the calls its scan found inside its wrappers: the workspace index answers (none without one).
   */
  droppedCalls: (innerCalls: DocumentDecisions['innerCalls']) => ReadonlySet<number> = () => new Set();

  /** Called when a policy load that ran in the worker ended: the server republishes. */
  onPolicySettled: () => void = () => undefined;

  /** The path of this folder's `.clearance.yaml`. */
  get projectConfigPath(): string {
    return join(this.root, CLEARANCE_YAML);
  }

  /**
   * The documents `.clearance.yaml` names, as read from disk: typing in `.clearance.yaml` parses them
   * again from memory, and only a file event on one of them (or a refresh) reads them again.
   */
  private readonly configFiles = new RememberedFiles(platformFiles, CONFIG_DOCUMENTS_MAX_BYTES);

  /** What the last read of the documents `.clearance.yaml` names looked at: the editor watches them. */
  configDocuments: WatchedDocuments = { files: new Set(), folders: [] };

  /** Forgets the documents as read: the next load of `.clearance.yaml` reads them again. */
  forgetConfigDocuments(): void {
    this.configFiles.forget();
  }

  private configFingerprint = fingerprintConfig(emptyProjectConfig);

  /**
   * Reads `.clearance.yaml` from `text` (an open document) or from disk, with the documents it names
   * (remembered, see `configFiles`). A good file that reads differently from the last one replaces the
   * configuration and forgets every decision; a broken one only records its errors, and the last
   * good configuration stays in force. Returns what changed.
   */
  loadProjectConfig(text?: string): ProjectConfigChange {
    this.configFiles.begin();
    const result =
      // An open document's text, with the OpenAPI and GraphQL documents it names read from the folder.
      text === undefined
        ? readProjectConfig(this.root, this.configFiles)
        : parseProjectConfigIn(this.root, text, this.configFiles);
    const looked = this.configFiles.end();
    if (result.config !== undefined) {
      this.configDocuments = looked;
      this.configFiles.prune();
    } else {
      // A broken file or document stops the read short: the last good read's documents stay watched.
      const previous = this.configDocuments;
      this.configDocuments = {
        files: new Set([...previous.files, ...looked.files]),
        folders: [...new Set([...previous.folders, ...looked.folders])],
      };
    }
    this.projectConfigErrors = result.errors;
    if (result.config === undefined) return 'none';
    const fingerprint = fingerprintConfig(result.config);
    if (fingerprint === this.configFingerprint) return 'none';
    this.configFingerprint = fingerprint;
    const clientsChanged =
      fingerprintConfig(result.config.clients) !== fingerprintConfig(this.projectConfig.clients);
    this.projectConfig = result.config;
    const clientMappings = result.config.clients;
    this.scanner = createScanner({ ...(this.wasmDir ? { wasmDir: this.wasmDir } : {}), clientMappings });
    this.forgetDecisions();
    return clientsChanged ? 'clients' : 'meaning';
  }

  /** The scanner calls are found with: it knows the client mappings of the last good `.clearance.yaml`. */
  getScanner(): Scanner {
    // With the worker, the index parses there: a pathological file cannot hold this thread.
    return this.analysis ? this.analysis.scanner(this.projectConfig.clients) : this.scanner;
  }

  /**
   * Applies the `clearance` configuration section as the editor returns it, through the one trust
   * gate: in an untrusted workspace, restricted values that a workspace file (`.vscode/settings.json`,
   * a `*.code-workspace`) sets are dropped, and a policy path it sets outside the folder too.
   */
  applySettings(raw: unknown): void {
    const { settings, errors } = settingsThroughTrust(this.root, raw, this.trusted);
    this.settings = settings;
    this.settingErrors = errors;
  }

  /**
   * Whether the editor trusts this workspace (VS Code Workspace Trust). Until the client says
   * otherwise it is taken as trusted: VS Code itself withholds restricted workspace settings.
   */
  trusted = true;

  private identityGeneration = 0;

  /** The ID token of the editor's sign-in, kept in memory only and never logged. */
  private sessionToken: string | undefined;

  /**
   * The claims file the editor's "Evaluate as" chose: kept in the editor's own state, never in the
   * workspace's settings, so it does not travel with the project. It wins over the setting.
   */
  evaluateAs: string | undefined;

  /** Takes the editor's sign-in token (undefined when signed out); the next refresh uses it. */
  setSessionToken(token: string | undefined): void {
    this.sessionToken = token;
  }

  /** The editor's sign-in token, for bundle downloads with `bundleAuth: identity` only; never logged. */
  getSessionToken(): string | undefined {
    return this.sessionToken;
  }

  /**
   * Re-reads the identity token and verifies it. Resolving may wait on the network (a JWKS URL); if
   * a newer refresh started meanwhile (the settings changed), this one's result is dropped and it
   * returns false.
   */
  async refreshIdentity(): Promise<boolean> {
    const generation = ++this.identityGeneration;
    const flags = this.evaluateAs ? { claimsFile: this.evaluateAs } : {};
    const identity = await resolveIdentity(toIdentitySettings(this.settings.identity, flags), {
      baseDir: this.root,
      ...(this.sessionToken !== undefined ? { sessionToken: this.sessionToken } : {}),
    });
    if (generation !== this.identityGeneration) return false;
    this.identity = identity;
    return true;
  }

  private policyFiles: PolicyFiles | undefined;

  /** The policy files the last walk found (a new object only when the workspace was walked again). */
  get foundPolicyFiles(): PolicyFiles | undefined {
    return this.policyFiles;
  }

  /** The configured OPA bundles (`lsp/bundle-controller.ts`): when set, they are the policy. */
  bundles: BundleSet | undefined;

  /**
   * Re-reads and recompiles the policy, preferring open `.rego` documents over the files on disk.
   * `rescan` walks the workspace for policy files again; typing in a policy does not need that, as
   * only a created or deleted file (or new settings) changes which files there are. With the worker,
   * the policy is compiled there, once, and kept there to decide with; this thread takes the facts
   * the worker sends back (errors, version, entrypoints), or the ones it sent for the same inputs.
   * Returns false while the worker is loading: `onPolicySettled` is called when it has.
   */
  reloadPolicy(rescan = true): boolean {
    const openTexts = new Map<string, string>();
    for (const doc of this.documents.values()) {
      if (doc.path.endsWith('.rego') || /(data\.(json|ya?ml)|\.manifest)$/.test(doc.path))
        openTexts.set(doc.path, doc.text);
    }
    if (rescan || !this.policyFiles)
      this.policyFiles = findPolicyFiles(this.root, this.settings.policy.paths);
    this.policyGeneration++;
    const { entrypoint } = this.settings.policy;
    const request: LoadRequest = {
      op: 'load',
      generation: this.policyGeneration,
      root: this.root,
      paths: this.settings.policy.paths,
      openTexts: [...openTexts],
      regoVersion: regoVersionOf(this.settings.policy.regoVersion),
      entrypoint,
    };
    const files = this.policyFiles;
    // Configured bundles were read, verified and compiled by the bundle controller: they are the
    // policy; the worker activates the same verified bundles to decide with.
    const bundlePolicy = this.bundles?.policy();
    const inForce = bundlePolicy ? this.bundles?.inForce() : undefined;
    if (inForce) request.bundles = inForce;
    this.loadRequest = request;
    const count = inForce
      ? inForce.bundles.reduce((n, b) => n + b.bundle.files.size, 0)
      : files.rego.length + files.data.length + files.manifests.length;
    this.loadFileCount = count;
    const analysis = this.analysis;
    if (!analysis || bundlePolicy) {
      // The worker activates the bundles now, under the load deadline: a decision job only decides.
      if (analysis && inForce) void analysis.load(request, count);
      const loaded =
        bundlePolicy ??
        loadPolicy(this.root, request.paths, openTexts, {
          found: files,
          regoVersion: request.regoVersion,
          modules: this.modules,
        });
      this.takePolicy(viewOf(loaded, entrypoint));
      return true;
    }
    // The same inputs loaded in time in the worker before: what it found then holds now.
    const key = fingerprintLoad(request, files);
    const known = analysis.vouched(key);
    if (known) {
      void analysis.load(request, count);
      this.takePolicy(this.workerView(known, request, files));
      return true;
    }
    // Otherwise the worker loads it under its deadline; this thread keeps the policy it has meanwhile.
    this.pendingLoad = analysis.load(request, count).then((result) => {
      if (this.loadRequest !== request) return;
      if (result.ok) {
        analysis.vouch(key, result.value);
        this.takePolicy(this.workerView(result.value, request, files));
      } else {
        this.policy = failedView(result.error, files.rego);
        this.forgetDecisions();
      }
      this.onPolicySettled();
    });
    return false;
  }

  /** Makes `view` the policy, and the one decisions use when it loaded whole (or nothing else did). */
  private takePolicy(view: PolicyView): void {
    this.policy = view;
    if (view.errors.length === 0 || !this.decisionPolicy) this.decisionPolicy = view;
    this.forgetDecisions();
  }

  /** The view of a policy the worker loaded: its files are read and compiled here only if asked for. */
  private workerView(facts: PolicyFacts, request: LoadRequest, files: PolicyFiles): PolicyView {
    const openTexts = new Map(request.openTexts);
    const options = { found: files, regoVersion: request.regoVersion, modules: this.modules };
    return lazyView(
      facts,
      () => readPolicy(this.root, request.paths, openTexts, options),
      (read) => {
        // Only a rule hover's value asks for this: edits, test runs and evaluations never do.
        const started = Date.now();
        const loaded = compileRead(read, options);
        this.log(`${POLICY_COMPILED_HERE} (${loaded.regoFiles.length} files, ${Date.now() - started} ms)`);
        return loaded;
      },
    );
  }

  private policyGeneration = 0;
  /** How many files the newest policy state has: its load deadline grows with them. */
  private loadFileCount = 0;
  private pendingLoad: Promise<void> = Promise.resolve();

  /** Resolves when the newest policy load (in the worker first) has ended, loaded or stopped. */
  async whenPolicyLoaded(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.pendingLoad) {
      seen = this.pendingLoad;
      await seen;
    }
  }
  /** The newest policy state, as the worker is asked to load it. */
  private loadRequest: LoadRequest | undefined;

  /** The status bar's view of the identity at `nowMs`. */
  describeIdentity(nowMs: number): IdentityView {
    return describeIdentityView(this.identity, nowMs);
  }

  /**
   * Decides the calls of an open code document, reusing the result while its version is unchanged.
   * With the worker, scanning and deciding run there under a deadline (newer versions of the same
   * document replace queued work); past it, the document gets an `eval_cancel_error` instead.
   */
  decideDocument(path: string, now: Date): Promise<DocumentDecisions | undefined> {
    return this.decider.decide(path, now);
  }

  /** `decideDocument`, or `pending` when it has not answered within `waitMs` (it goes on). */
  decideDocumentWithin(
    path: string,
    now: Date,
    waitMs: number,
  ): Promise<DocumentDecisions | undefined | 'pending'> {
    return this.decider.decideWithin(path, now, waitMs);
  }

  /** Forgets decided documents, and stops sharing runs that started with the old inputs. */
  private forgetDecisions(): void {
    this.decider.forget();
  }

  /**
   * The other actions on a decided call's resource, decided in the worker when there is one (a
   * policy that does not finish gives none), else here.
   */
  decideOtherActionsSafely(item: DecidedCall): Promise<OtherAction[]> {
    return this.decider.otherActions(item);
  }

  /**
   * The worker that decides, or undefined when decisions are made here: without a worker bundle, and
   * while configured OPA bundles are unavailable (their policy is then only errors, decided here).
   */
  decisionAnalysis(): Analysis | undefined {
    if (this.bundles?.policy() && !this.currentLoadRequest().bundles) return undefined;
    return this.analysis;
  }

  /** The worker that decides with the policy state it decides with, or undefined (see `decisionAnalysis`). */
  analysisSession(): AnalysisSession | undefined {
    const analysis = this.decisionAnalysis();
    return analysis ? { analysis, load: this.currentLoadRequest() } : undefined;
  }

  /** The policy state the worker decides with (loading it first if nothing did yet). */
  currentLoadRequest(): LoadRequest {
    if (!this.loadRequest) this.reloadPolicy();
    return this.loadRequest as LoadRequest;
  }

  /** The other actions on a decided call's resource, decided with the same policy, identity and limits. */
  decideOtherActions(item: DecidedCall): OtherAction[] {
    if (!this.decisionPolicy) return [];
    const { entrypoint } = this.settings.policy;
    return decideOtherActions(this.decisionPolicy, entrypoint, item.input, this.settings.evaluation);
  }

  /** Forgets every decision, e.g. after the identity changed. */
  invalidateDecisions(): void {
    this.forgetDecisions();
  }

  /** Forgets the decisions of the open documents `paths` (the project's clients they name changed). */
  invalidateDocuments(paths: string[]): void {
    this.decider.forgetDocuments(paths);
  }

  /** Whether `path` is a policy or data file of this workspace (a change to it reloads the policy). */
  isPolicyFile(path: string): boolean {
    return isPolicyPath(this.root, path);
  }

  /**
   * Whether a created or deleted `path` may change the policy: a policy file, or a folder that held
   * one (VS Code reports a deleted folder as one event, not one per file).
   */
  affectsPolicy(path: string): boolean {
    return mayAffectPolicy(this.root, path, [
      ...(this.policy?.regoFiles ?? []),
      ...(this.policy?.dataFiles ?? []),
    ]);
  }

  /** Whether `path` is the token or key file the identity comes from, or a folder holding one. */
  isIdentityFile(path: string): boolean {
    const { tokenFile, jwksFile, claimsFile } = this.settings.identity;
    return isOrHolds(this.root, path, [tokenFile, jwksFile, claimsFile, this.evaluateAs]);
  }

  /** Whether `path` is inside this workspace folder (a sibling folder that shares a prefix is not). */
  contains(path: string): boolean {
    return isInside(this.root, path);
  }

  /** Whether a policy was found at all: without one there is nothing to decide with. */
  hasPolicy(): boolean {
    return (this.decisionPolicy?.regoFiles.length ?? 0) > 0 || this.decisionPolicy?.bundles !== undefined;
  }
}
