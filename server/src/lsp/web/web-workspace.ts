/**
 * The web language server's state for its one workspace folder: settings, identity, the policy
 * loaded from the workspace snapshot, and the decisions of open documents. The same core as the
 * desktop server (`../workspace.ts`) without what a web worker cannot have: analysis worker
 * threads, token commands and files outside the snapshot, device probes, the audit log, bundles.
 */
import { CLEARANCE_YAML, emptyProjectConfig, parseProjectConfigIn } from '../../config/clearance-yaml';
import { toIdentitySettings } from '../../config/identity';
import { normalizeSettings, regoVersionOf } from '../../config/settings';
import { decideText } from '../../decision/scan';
import type { MemoryFiles } from '../../files/memory-files';
import { resolveIdentity } from '../../identity';
import { loadPolicy } from '../../policy/load';
import { createScanner, type Scanner } from '../../scanner';
import type { DocumentDecisions } from '../document-decisions';
import type { SharedWorkspace } from '../shared-workspace';
import { viewOf } from '../worker/policy-view';
import { WorkspaceState } from '../workspace-state';

/** The web worker's workspace: everything comes from the snapshot, the editor's texts and settings. */
export class WebWorkspace extends WorkspaceState implements SharedWorkspace {
  private readonly decided = new Map<string, DocumentDecisions & { key: string }>();
  private scanner: Scanner;
  private sessionToken: string | undefined;
  private identityGeneration = 0;
  /** Counts the configurations applied: a decision made with an older one is not reused. */
  private configGeneration = 0;

  constructor(
    root: string,
    private readonly snapshot: MemoryFiles,
    /** The URL of the extension's `dist/server/wasm/` folder. */
    private readonly wasmBase: string,
  ) {
    super(root);
    this.scanner = createScanner({ wasmDir: wasmBase });
  }

  /** The path of this folder's `.clearance.yaml`. */
  get projectConfigPath(): string {
    return `${this.root === '/' ? '' : this.root}/${CLEARANCE_YAML}`;
  }

  /** Applies the `clearance` settings section as the editor gives it. */
  applySettings(raw: unknown): void {
    const { settings, errors } = normalizeSettings(raw);
    this.settings = settings;
    this.settingErrors = errors;
  }

  /** The text of `.clearance.yaml`: the open document's, else the snapshot's; undefined when there is none. */
  projectConfigText(): string | undefined {
    const path = this.projectConfigPath;
    const open = this.documents.get(path)?.text;
    if (open !== undefined) return open;
    const read = this.snapshot.readText(path, 1_000_000);
    return read.ok ? read.text : undefined;
  }

  /**
   * Reads `.clearance.yaml` from the open document or the snapshot, with the OpenAPI and GraphQL
   * documents it names from the snapshot (`config-documents.ts` puts them there first), as the
   * desktop reads them from disk; a broken file or document keeps the last good configuration.
   */
  loadProjectConfig(): void {
    const text = this.projectConfigText();
    const result =
      text === undefined
        ? { config: emptyProjectConfig, errors: [] }
        : parseProjectConfigIn(this.root, text, this.snapshot);
    this.projectConfigErrors = result.errors;
    if (result.config === undefined) return;
    this.projectConfig = result.config;
    this.configGeneration++;
    this.scanner = createScanner({ wasmDir: this.wasmBase, clientMappings: result.config.clients });
    this.decided.clear();
  }

  /** Takes the editor's sign-in token (undefined when signed out); kept in memory only. */
  setSessionToken(token: string | undefined): void {
    this.sessionToken = token;
  }

  /** Resolves and verifies the identity (jose, the provider's keys over fetch); false when superseded. */
  async refreshIdentity(): Promise<boolean> {
    const generation = ++this.identityGeneration;
    const identity = await resolveIdentity(toIdentitySettings(this.settings.identity, {}), {
      baseDir: this.root,
      env: {},
      ...(this.sessionToken !== undefined ? { sessionToken: this.sessionToken } : {}),
    });
    if (generation !== this.identityGeneration) return false;
    this.identity = identity;
    this.decided.clear();
    return true;
  }

  /** Compiles the policy from the snapshot, with open `.rego` and data documents' texts winning. */
  reloadPolicy(): void {
    const openTexts = new Map<string, string>();
    for (const doc of this.documents.values())
      if (doc.path.endsWith('.rego') || /(data\.(json|ya?ml)|\.manifest)$/.test(doc.path))
        openTexts.set(doc.path, doc.text);
    const loaded = loadPolicy(this.root, this.settings.policy.paths, openTexts, {
      regoVersion: regoVersionOf(this.settings.policy.regoVersion),
    });
    this.policy = viewOf(loaded, this.settings.policy.entrypoint);
    if (this.policy.errors.length === 0 || !this.decisionPolicy) this.decisionPolicy = this.policy;
    this.decided.clear();
  }

  /** No walk of the folder here: the snapshot is the policy's files. */
  readonly foundPolicyFiles = undefined;
  /** No OPA bundles in the web build. */
  readonly bundles = undefined;

  /**
   * No analysis worker here (a web worker cannot start another with a memory cap): the desktop's
   * shared handlers then evaluate and run tests in this worker, under the evaluation limits.
   */
  analysisSession(): undefined {
    return undefined;
  }

  /** Whether a policy with at least one rule file was found. */
  hasPolicy(): boolean {
    return (this.decisionPolicy?.regoFiles.length ?? 0) > 0;
  }

  /** Whether `path` is in this workspace folder. */
  contains(path: string): boolean {
    return path === this.root || path.startsWith(this.root.endsWith('/') ? this.root : `${this.root}/`);
  }

  /** Decides an open document's calls, reusing the last result while nothing it depends on changed. */
  async decideDocument(path: string, now: Date): Promise<DocumentDecisions | undefined> {
    const doc = this.documents.get(path);
    const policy = this.decisionPolicy;
    if (!doc || !policy) return undefined;
    const key = `${doc.version}\0${policy.version}\0${this.identityGeneration}\0${this.configGeneration}\0${JSON.stringify(this.settings)}`;
    const known = this.decided.get(path);
    if (known?.key === key) return known;
    const result = await decideText(this.scanner, path, doc.text, {
      policy,
      identity: this.identity,
      settings: this.settings,
      now,
      project: this.projectConfig,
    });
    const decided = { key, version: doc.version, ...result };
    // A scan that failed (the grammar still loading past the parse limit on a busy machine) is
    // answered but not kept, so the next hover or edit tries again.
    if (result.errors.length === 0) this.decided.set(path, decided);
    return decided;
  }

  /** Forgets a closed document. */
  close(path: string): void {
    this.documents.delete(path);
    this.decided.delete(path);
  }
}
