/**
 * The language server's state for one workspace folder: settings, identity, the loaded policy and
 * the decided calls of each open document. It re-decides what is open whenever one of its inputs
 * changes, and hands the results to the LSP handlers.
 */
import { isAbsolute, join, sep } from 'node:path';
import { toIdentitySettings } from '../config/identity';
import { type ClearanceSettings, defaultSettings, normalizeSettings } from '../config/settings';
import { type DecidedCall, decideText } from '../decision/scan';
import type { ClearanceError } from '../errors';
import { describeIdentity, type Identity, resolveIdentity } from '../identity';
import { DecisionCache, decideCached } from '../index/decision-cache';
import { findPolicyFiles, type LoadedPolicy, loadPolicy, type PolicyFiles } from '../policy/load';
import { createScanner, languageForPath, type Scanner } from '../scanner';

/** What the status bar shows about the identity. */
export interface IdentityView {
  text: string;
  tooltip: string;
  status: Identity['status'];
  expiresAt?: number;
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
  /** Decisions by identity, policy version, settings and input, shared by hovers, diagnostics and the index. */
  readonly decisionCache = new DecisionCache();
  private readonly scanner: Scanner;

  constructor(
    readonly root: string,
    wasmDir?: string,
  ) {
    this.scanner = createScanner(wasmDir ? { wasmDir } : {});
  }

  /** Applies the `clearance` configuration section as VS Code returns it. */
  applySettings(raw: unknown): void {
    const { settings, errors } = normalizeSettings(raw);
    this.settings = settings;
    this.settingErrors = errors;
  }

  /** Re-reads the identity token and verifies it. */
  private identityGeneration = 0;

  /**
   * Re-reads the identity token and verifies it. Resolving may wait on the network (a JWKS URL); if
   * a newer refresh started meanwhile (the settings changed), this one's result is dropped and it
   * returns false.
   */
  async refreshIdentity(): Promise<boolean> {
    const generation = ++this.identityGeneration;
    const identity = await resolveIdentity(toIdentitySettings(this.settings.identity, {}), {
      baseDir: this.root,
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
      if (doc.path.endsWith('.rego') || /data\.(json|ya?ml)$/.test(doc.path))
        openTexts.set(doc.path, doc.text);
    }
    if (rescan || !this.policyFiles)
      this.policyFiles = findPolicyFiles(this.root, this.settings.policy.paths);
    this.policy = loadPolicy(this.root, this.settings.policy.paths, openTexts, { found: this.policyFiles });
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
    return {
      text: describeIdentity(identity, nowMs),
      tooltip: lines.join('\n'),
      status: identity.status,
      ...(identity.expiresAt ? { expiresAt: identity.expiresAt } : {}),
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
      { policy, identity: this.identity, settings: this.settings, now },
      (file, call, context, timeoutMs) => decideCached(this.decisionCache, file, call, context, timeoutMs),
    );
    const entry = { version: doc.version, ...result };
    // A newer edit may have arrived while scanning; keep only results for the version still open.
    if (this.documents.get(path)?.version === doc.version) this.decided.set(path, entry);
    return entry;
  }

  /** Forgets every decision, e.g. after the identity changed. */
  invalidateDecisions(): void {
    this.decided.clear();
  }

  /** Whether `path` is a policy or data file of this workspace (a change to it reloads the policy). */
  isPolicyFile(path: string): boolean {
    if (!this.contains(path)) return false;
    return path.endsWith('.rego') || /(^|[\\/])data\.(json|ya?ml)$/.test(path);
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
    const { tokenFile, jwksFile } = this.settings.identity;
    return [tokenFile, jwksFile].some((f) => {
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
