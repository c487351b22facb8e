/**
 * The language server's state for one workspace folder: settings, identity, the loaded policy and
 * the decided calls of each open document. It re-decides what is open whenever one of its inputs
 * changes, and hands the results to the LSP handlers.
 */
import { isAbsolute, join, sep } from 'node:path';
import {
  CLEARANCE_YAML,
  emptyProjectConfig,
  type ProjectConfig,
  parseProjectConfig,
  readProjectConfig,
} from '../config/clearance-yaml';
import { toIdentitySettings } from '../config/identity';
import {
  type ClearanceSettings,
  defaultSettings,
  normalizeSettings,
  readWorkspaceSettings,
  regoVersionOf,
} from '../config/settings';
import { applyWorkspaceTrust } from '../config/trust';
import { decideOtherActions, type OtherAction } from '../decision/other-actions';
import { type DecidedCall, decideText } from '../decision/scan';
import type { ClearanceError } from '../errors';
import {
  describeIdentity,
  type Identity,
  type InputUser,
  resolveIdentity,
  toDisplayClaims,
} from '../identity';
import { DecisionCache, decideCached } from '../index/decision-cache';
import { findPolicyFiles, type LoadedPolicy, loadPolicy, type PolicyFiles } from '../policy/load';
import { createScanner, languageForPath, type Scanner } from '../scanner';

/** What the status bar shows about the identity (the `clearance/identity` notification); token-free. */
export interface IdentityView {
  text: string;
  tooltip: string;
  status: Identity['status'];
  expiresAt?: number;
  source: { kind: Identity['source']['kind']; label: string };
  /** True for evaluate-as claims: never the real identity. */
  simulated: boolean;
  /** The `input.user` document policies see; null without a trusted identity. */
  user: InputUser | null;
  /** The token's claims (or the simulated ones), token-like values blanked out. */
  claims: Record<string, unknown> | null;
}

/** A document's text and version as the editor has it. */
export interface OpenDocument {
  path: string;
  text: string;
  version: number;
}

/** The state of one workspace folder and the work of keeping its decisions current. */
export class ClearanceWorkspace {
  settings: ClearanceSettings = defaultSettings;
  settingErrors: ClearanceError[] = [];
  identity: Identity = {
    status: 'missing',
    reason: 'not resolved yet',
    source: { kind: 'none', label: 'none' },
  };
  /** The policy as last loaded, errors included: its errors are the policy files' diagnostics. */
  policy: LoadedPolicy | undefined;
  /**
   * The last policy that compiled without errors. While a policy file is broken mid-edit, calls keep
   * being decided with it rather than all turning into errors; hovers say so.
   */
  decisionPolicy: LoadedPolicy | undefined;
  readonly documents = new Map<string, OpenDocument>();
  readonly decided = new Map<string, { version: number; calls: DecidedCall[]; errors: ClearanceError[] }>();
  /**
   * The last `.clearance.yaml` that read without errors (the empty one when there is none): while
   * the file is broken mid-edit, calls keep being decided with it.
   */
  projectConfig: ProjectConfig = emptyProjectConfig;
  /** The problems of `.clearance.yaml` as last read: its diagnostics. */
  projectConfigErrors: ClearanceError[] = [];
  /** Decisions by identity, policy version, settings and input, shared by hovers, diagnostics and the index. */
  readonly decisionCache = new DecisionCache();
  private scanner: Scanner;

  constructor(
    readonly root: string,
    private readonly wasmDir?: string,
  ) {
    this.scanner = createScanner(wasmDir ? { wasmDir } : {});
  }

  /** The path of this folder's `.clearance.yaml`. */
  get projectConfigPath(): string {
    return join(this.root, CLEARANCE_YAML);
  }

  /**
   * Reads `.clearance.yaml` from `text` (an open document) or from disk. A good file replaces the
   * configuration and forgets every decision; a broken one only records its errors. Returns whether
   * the configuration changed.
   */
  loadProjectConfig(text?: string): boolean {
    const result =
      text === undefined ? readProjectConfig(this.root) : parseProjectConfig(text, this.projectConfigPath);
    this.projectConfigErrors = result.errors;
    if (result.config === undefined) return false;
    this.projectConfig = result.config;
    const clientMappings = result.config.clients;
    this.scanner = createScanner({ ...(this.wasmDir ? { wasmDir: this.wasmDir } : {}), clientMappings });
    this.decided.clear();
    return true;
  }

  /** The scanner calls are found with: it knows the client mappings of the last good `.clearance.yaml`. */
  getScanner(): Scanner {
    return this.scanner;
  }

  /** Applies the `clearance` configuration section as VS Code returns it. */
  applySettings(raw: unknown): void {
    const { settings, errors } = normalizeSettings(raw);
    // The workspace's own file is read only when it matters: in an untrusted workspace.
    const fromFile = this.trusted ? settings : readWorkspaceSettings(this.root).settings;
    const trust = applyWorkspaceTrust(settings, fromFile, this.trusted);
    this.settings = trust.settings;
    this.settingErrors = errors;
    for (const name of trust.ignored) {
      this.settingErrors.push({
        code: 'config_error',
        message: `${name} from this untrusted workspace's settings is ignored; trust the workspace to use it`,
      });
    }
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

  /**
   * Re-reads and recompiles the policy, preferring open `.rego` documents over the files on disk.
   * `rescan` walks the workspace for policy files again; typing in a policy does not need that, as
   * only a created or deleted file (or new settings) changes which files there are.
   */
  reloadPolicy(rescan = true): void {
    const openTexts = new Map<string, string>();
    for (const doc of this.documents.values()) {
      if (doc.path.endsWith('.rego') || /(data\.(json|ya?ml)|\.manifest)$/.test(doc.path))
        openTexts.set(doc.path, doc.text);
    }
    if (rescan || !this.policyFiles)
      this.policyFiles = findPolicyFiles(this.root, this.settings.policy.paths);
    this.policy = loadPolicy(this.root, this.settings.policy.paths, openTexts, {
      found: this.policyFiles,
      regoVersion: regoVersionOf(this.settings.policy.regoVersion),
    });
    if (this.policy.errors.length === 0 || !this.decisionPolicy) {
      this.decisionPolicy = this.policy;
    }
    this.decided.clear();
  }

  /** The status bar's view of the identity at `nowMs`. */
  describeIdentity(nowMs: number): IdentityView {
    const identity = this.identity;
    const lines = [
      `Source: ${identity.source.label}`,
      `State: ${identity.status}${identity.reason ? ` (${identity.reason})` : ''}`,
    ];
    if (identity.issuer && identity.status !== 'invalid')
      lines.push(`Issuer: ${identity.issuer.slice(0, 200)}`);
    if (identity.expiresAt) lines.push(`Expires: ${new Date(identity.expiresAt * 1000).toISOString()}`);
    if (identity.simulated) lines.unshift('Simulated identity (evaluate as): not your verified identity');
    const trusted = identity.status !== 'invalid' && identity.status !== 'missing';
    return {
      text: describeIdentity(identity, nowMs),
      tooltip: lines.join('\n'),
      status: identity.status,
      ...(identity.expiresAt ? { expiresAt: identity.expiresAt } : {}),
      source: { kind: identity.source.kind, label: identity.source.label },
      simulated: identity.simulated === true,
      // Claims are attacker-chosen text: a token placed in `name` must not ride out in the user either.
      user: trusted && identity.user ? (toDisplayClaims({ ...identity.user }) as unknown as InputUser) : null,
      claims: trusted && identity.claims ? toDisplayClaims(identity.claims) : null,
    };
  }

  /** Decides the calls of an open code document, reusing the result while its version is unchanged. */
  async decideDocument(
    path: string,
    now: Date,
  ): Promise<{ version: number; calls: DecidedCall[]; errors: ClearanceError[] } | undefined> {
    const doc = this.documents.get(path);
    if (!doc || !languageForPath(path)) return undefined;
    const cached = this.decided.get(path);
    if (cached && cached.version === doc.version) return cached;
    if (!this.decisionPolicy) this.reloadPolicy();
    const policy = this.decisionPolicy as LoadedPolicy;
    const result = await decideText(
      this.scanner,
      path,
      doc.text,
      { policy, identity: this.identity, settings: this.settings, now, project: this.projectConfig },
      (file, call, context, timeoutMs) => decideCached(this.decisionCache, file, call, context, timeoutMs),
    );
    const entry = { version: doc.version, ...result };
    // A newer edit may have arrived while scanning; keep only results for the version still open.
    if (this.documents.get(path)?.version === doc.version) this.decided.set(path, entry);
    return entry;
  }

  /** The other actions on a decided call's resource, decided with the same policy, identity and limits. */
  decideOtherActions(item: DecidedCall): OtherAction[] {
    if (!this.decisionPolicy) return [];
    const { entrypoint } = this.settings.policy;
    return decideOtherActions(this.decisionPolicy, entrypoint, item.input, this.settings.evaluation);
  }

  /** Forgets every decision, e.g. after the identity changed. */
  invalidateDecisions(): void {
    this.decided.clear();
  }

  /** Whether `path` is a policy or data file of this workspace (a change to it reloads the policy). */
  isPolicyFile(path: string): boolean {
    if (!this.contains(path)) return false;
    // A bundle's .manifest says which Rego version its files are read as.
    return path.endsWith('.rego') || /(^|[\\/])(data\.(json|ya?ml)|\.manifest)$/.test(path);
  }

  /**
   * Whether a created or deleted `path` may change the policy: a policy file, or a folder that held
   * one (VS Code reports a deleted folder as one event, not one per file).
   */
  affectsPolicy(path: string): boolean {
    if (this.isPolicyFile(path)) return true;
    const folder = path.endsWith(sep) ? path : `${path}${sep}`;
    const files = [...(this.policy?.regoFiles ?? []), ...(this.policy?.dataFiles ?? [])];
    return this.contains(path) && (files.some((f) => f.startsWith(folder)) || !/\.[^\\/]*$/.test(path));
  }

  /** Whether `path` is the token or key file the identity comes from, or a folder holding one. */
  isIdentityFile(path: string): boolean {
    const { tokenFile, jwksFile, claimsFile } = this.settings.identity;
    return [tokenFile, jwksFile, claimsFile, this.evaluateAs].some((f) => {
      if (!f) return false;
      const file = isAbsolute(f) ? f : join(this.root, f);
      return path === file || file.startsWith(`${path}${sep}`);
    });
  }

  /** Whether `path` is inside this workspace folder (a sibling folder that shares a prefix is not). */
  contains(path: string): boolean {
    return path === this.root || path.startsWith(`${this.root}${sep}`);
  }

  /** Whether a policy was found at all: without one there is nothing to decide with. */
  hasPolicy(): boolean {
    return (this.decisionPolicy?.regoFiles.length ?? 0) > 0;
  }
}
