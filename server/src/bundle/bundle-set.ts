/**
 * The configured bundles and the policy they make, kept current: folders and archives are re-read
 * on each refresh; URLs are downloaded with `ETag` revalidation and polled, backing off after
 * failures. A download that fails, or a bundle that is refused (bad signature, bad archive, does
 * not activate), leaves the last verified bundle in force, from memory or from the on-disk cache,
 * and the set says so; it never activates part of a bundle.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { ClearanceError } from '../errors';
import type { LoadedPolicy } from '../policy/load';
import { compilePolicy } from '../rego';
import { activateBundles, type BundleOrigin, describeVersion } from './activate';
import { type Bundle, openBundle } from './bundle';
import { describeAge, readCachedBundle, writeCachedBundle } from './cache';
import { readBundleFiles } from './files';
import { type BundleLimits, defaultBundleLimits } from './limits';
import { checkBundleUrl, downloadBundle } from './remote';
import type { BundleSettings } from './settings';
import type { VerificationConfig } from './signature';
import { readTarGz } from './tar';

/** What a bundle set needs besides the settings. */
export interface BundleSetOptions {
  /** Relative bundle paths and key files are read from here (the workspace folder). */
  baseDir: string;
  settings: BundleSettings;
  /** Where verified downloads are cached. */
  cacheDir: string;
  /** The developer's own token, for `bundleAuth: identity`; never logged or shown. */
  identityToken?: () => Promise<string | undefined>;
  regoVersion?: 0 | 1;
  /** Per-download time limit (default 30 s). */
  timeoutMs?: number;
  now?: () => number;
  limits?: BundleLimits;
  /** Locations a repository chose (`.clearance.yaml`): on disk, they must lie inside `baseDir`. */
  workspaceOnly?: readonly string[];
}

interface Entry {
  location: string;
  remote: boolean;
  bundle?: Bundle;
  origin?: BundleOrigin;
  etag?: string;
  body?: Buffer;
  /** Why this entry has no bundle, or why the one in force is not the latest. */
  problem?: string;
}

/**
 * One bundle's state: where it comes from, the revision and hash in force, its signature, and for a
 * download its age and the last failed update; `problem` alone when no bundle is in force.
 */
export interface BundleStatus {
  location: string;
  revision?: string;
  hash?: string;
  signature?: 'verified' | 'unsigned';
  keyId?: string;
  algorithm?: string;
  origin?: 'disk' | 'download' | 'cache';
  /** How long ago the bundle in force was downloaded, in ms, and in words ("3 min"). */
  ageMs?: number;
  age?: string;
  /** Why the bundle in force is not the server's latest (a failed or refused download). */
  notice?: string;
  problem?: string;
}

/** What changed in a refresh: the policy versions before and after. */
export interface BundleRefresh {
  changed: boolean;
  before?: string;
  after: string;
}

/** The bundles named by the settings (and `.clearance.yaml`), their state and the policy they make. */
export class BundleSet {
  private readonly entries: Entry[];
  private active: LoadedPolicy | undefined;
  private activeKey = '';
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly limits: BundleLimits;
  private readonly verification: { config?: VerificationConfig; errors: ClearanceError[] };

  constructor(
    locations: readonly string[],
    private readonly options: BundleSetOptions,
  ) {
    this.entries = [...new Set(locations)].map((location) => ({
      location,
      remote: /^[a-z]+:\/\//i.test(location),
    }));
    this.limits = {
      ...(options.limits ?? defaultBundleLimits),
      maxDownloadBytes: options.settings.bundleMaxBytes,
    };
    this.verification = readVerificationKeys(options.settings, options.baseDir);
  }

  /** Whether any bundle is downloaded (and so worth polling). */
  get hasRemote(): boolean {
    return this.entries.some((e) => e.remote);
  }

  /** Whether any bundle is a folder or archive on disk (read again when files change). */
  get hasLocal(): boolean {
    return this.entries.some((e) => !e.remote);
  }

  /** Re-reads every bundle, or only those on disk (downloads revalidate with their `ETag`) and re-activates when one changed. */
  async refresh(onlyLocal = false): Promise<BundleRefresh> {
    const before = this.active?.version;
    let failed = false;
    for (const entry of this.entries) {
      if (onlyLocal && entry.remote) continue;
      const ok = entry.remote ? await this.refreshRemote(entry) : await this.refreshLocal(entry);
      if (!ok) failed = true;
    }
    this.failures = failed ? this.failures + 1 : 0;
    this.activate();
    const after = (this.active as LoadedPolicy).version;
    return { changed: before !== after, ...(before !== undefined ? { before } : {}), after };
  }

  /** The policy of the bundles in force (a policy with errors when a bundle is unavailable). */
  policy(): LoadedPolicy {
    if (!this.active) this.activate();
    return this.active as LoadedPolicy;
  }

  /**
   * The verified bundles the policy in force was activated from, its Rego version and its version
   * string, for activating the same policy elsewhere (the language server's analysis worker);
   * undefined while a bundle is unavailable (the policy is then only errors).
   */
  inForce():
    | { bundles: Array<{ bundle: Bundle; origin: BundleOrigin }>; regoVersion: 0 | 1; version: string }
    | undefined {
    const policy = this.policy();
    if (this.verification.errors.length > 0 || this.entries.some((e) => !e.bundle)) return undefined;
    const bundles = this.entries.map((e) => ({
      bundle: e.bundle as Bundle,
      origin: e.origin ?? { kind: 'local' as const },
    }));
    return { bundles, regoVersion: this.options.regoVersion ?? 1, version: policy.version };
  }

  /** One line per bundle: location, revision, hash, signature, origin and age, problems. */
  describe(nowMs = Date.now()): string[] {
    return this.status(nowMs).map((e) => {
      if (e.hash === undefined) return `${e.location}: not available: ${e.problem ?? 'not read yet'}`;
      const signature =
        e.signature === 'verified'
          ? `signed, verified with key ${e.keyId} (${e.algorithm})`
          : 'unsigned (no verification keys configured)';
      const age = e.age ?? '';
      const where =
        e.origin === 'download'
          ? `downloaded ${age} ago`
          : e.origin === 'cache'
            ? `from the offline cache, downloaded ${age} ago`
            : 'read from disk';
      const notice = e.notice ? `; ${e.notice}` : '';
      return `${e.location}: revision ${e.revision || '(none)'} (${e.hash}), ${signature}, ${where}${notice}`;
    });
  }

  /** Each bundle's state, for the editor's status bar menu: the same facts as `describe`, as data. */
  status(nowMs = Date.now()): BundleStatus[] {
    return this.entries.map((e): BundleStatus => {
      if (!e.bundle) return { location: e.location, problem: e.problem ?? 'not read yet' };
      const b = e.bundle;
      const origin = e.origin?.kind === 'download' || e.origin?.kind === 'cache' ? e.origin.kind : 'disk';
      const fetchedAt = e.origin?.fetchedAt;
      return {
        location: e.location,
        revision: b.manifest.revision,
        hash: b.hash,
        signature: b.signature.state === 'verified' ? 'verified' : 'unsigned',
        ...(b.signature.state === 'verified'
          ? { keyId: b.signature.keyId, algorithm: b.signature.algorithm }
          : {}),
        origin,
        ...(origin !== 'disk'
          ? { ageMs: nowMs - (fetchedAt ?? nowMs), age: describeAge(nowMs - (fetchedAt ?? nowMs)) }
          : {}),
        ...(e.origin?.notice ? { notice: e.origin.notice } : {}),
      };
    });
  }

  /** Polls the bundle servers until `stop`; `onChange` hears of each refresh that changed the policy version. */
  start(onChange: (refresh: BundleRefresh) => void): void {
    if (!this.hasRemote || this.timer) return;
    const schedule = () => {
      const base = this.options.settings.bundlePollingSeconds * 1000;
      // Failures back off exponentially, up to ten times the interval, as OPA's bundle plugin does.
      const delay = Math.min(base * 2 ** this.failures, base * 10);
      this.timer = setTimeout(() => {
        void this.refresh().then(
          (r) => {
            if (r.changed) onChange(r);
            if (this.timer) schedule();
          },
          () => {
            if (this.timer) schedule();
          },
        );
      }, delay);
      this.timer.unref?.();
    };
    schedule();
  }

  /** Stops polling. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async refreshLocal(entry: Entry): Promise<boolean> {
    const path = isAbsolute(entry.location) ? entry.location : join(this.options.baseDir, entry.location);
    const inside = relative(this.options.baseDir, path);
    if (
      this.options.workspaceOnly?.includes(entry.location) &&
      (inside.startsWith('..') || isAbsolute(inside))
    ) {
      entry.bundle = undefined;
      entry.problem = `a bundle named by .clearance.yaml must be inside the workspace folder (${entry.location} is not)`;
      return false;
    }
    try {
      const files = readBundleFiles(path, this.limits);
      const opened = await openBundle(entry.location, path, files, this.verification.config);
      if (!opened.bundle) {
        entry.bundle = undefined;
        entry.problem = opened.errors.map((e) => e.message).join('; ');
        return false;
      }
      entry.bundle = opened.bundle;
      entry.origin = { kind: 'local' };
      entry.problem = undefined;
      return true;
    } catch (error) {
      entry.bundle = undefined;
      entry.problem = (error as Error).message;
      return false;
    }
  }

  private async refreshRemote(entry: Entry): Promise<boolean> {
    const refused = checkBundleUrl(entry.location, this.options.settings.bundleOrigins);
    if (refused) {
      entry.problem = refused;
      return false;
    }
    if (!entry.bundle) await this.loadFromCache(entry);
    let bearer: string | undefined;
    try {
      bearer = await this.bearer();
    } catch (error) {
      return this.keep(entry, `no bearer token: ${(error as Error).message}`);
    }
    let result: Awaited<ReturnType<typeof downloadBundle>>;
    try {
      result = await downloadBundle({
        url: entry.location,
        maxBytes: this.limits.maxDownloadBytes,
        timeoutMs: this.options.timeoutMs ?? 30_000,
        ...(entry.bundle && entry.etag ? { etag: entry.etag } : {}),
        ...(bearer ? { bearer } : {}),
      });
    } catch (error) {
      return this.keep(entry, `download failed: ${(error as Error).message}`);
    }
    if (result.status === 'not-modified') {
      if (entry.origin) entry.origin = { ...entry.origin, notice: undefined } as BundleOrigin;
      entry.problem = undefined;
      if (entry.origin?.kind === 'cache') entry.origin = { kind: 'download', fetchedAt: this.now() };
      return true;
    }
    let opened: Awaited<ReturnType<typeof openBundle>>;
    try {
      const files = readTarGz(result.body, this.limits);
      opened = await openBundle(entry.location, entry.location, files, this.verification.config);
    } catch (error) {
      return this.keep(entry, `the downloaded bundle was refused: ${(error as Error).message}`);
    }
    if (!opened.bundle) {
      return this.keep(
        entry,
        `the downloaded bundle was refused: ${opened.errors.map((e) => e.message).join('; ')}`,
      );
    }
    const previous = { bundle: entry.bundle, origin: entry.origin, etag: entry.etag, body: entry.body };
    entry.bundle = opened.bundle;
    entry.origin = { kind: 'download', fetchedAt: this.now() };
    entry.etag = result.etag;
    entry.body = result.body;
    entry.problem = undefined;
    // A bundle that verifies but does not activate (a compile error, overlapping roots) is refused too.
    const trial = this.activation();
    if (trial.errors.length > 0) {
      Object.assign(entry, previous);
      return this.keep(
        entry,
        `revision ${opened.bundle.manifest.revision || opened.bundle.hash} does not activate: ${trial.errors[0]?.message}`,
      );
    }
    const fetchedAt = (entry.origin as BundleOrigin).fetchedAt as number;
    writeCachedBundle(this.options.cacheDir, {
      body: result.body,
      url: entry.location,
      fetchedAt,
      ...(result.etag ? { etag: result.etag } : {}),
    });
    return true;
  }

  /** Records `problem` and keeps the bundle in force, saying so; false: this refresh failed. */
  private keep(entry: Entry, problem: string): boolean {
    entry.problem = problem;
    if (entry.bundle && entry.origin) {
      const kept =
        entry.origin.kind === 'cache'
          ? 'deciding with the cached bundle'
          : 'deciding with the last verified bundle';
      entry.origin = { ...entry.origin, notice: `${problem}; ${kept}` };
    }
    return false;
  }

  private async loadFromCache(entry: Entry): Promise<void> {
    const cached = readCachedBundle(this.options.cacheDir, entry.location, this.limits.maxDownloadBytes);
    if (!cached) return;
    try {
      const files = readTarGz(cached.body, this.limits);
      // The cache is verified again: keys may have changed since it was written.
      const opened = await openBundle(entry.location, entry.location, files, this.verification.config);
      if (!opened.bundle) return;
      entry.bundle = opened.bundle;
      entry.origin = { kind: 'cache', fetchedAt: cached.fetchedAt };
      entry.body = cached.body;
      if (cached.etag) entry.etag = cached.etag;
    } catch {
      // An unreadable cache is no cache.
    }
  }

  private async bearer(): Promise<string | undefined> {
    const { bundleAuth, bundleTokenEnv } = this.options.settings;
    if (bundleAuth === 'identity') {
      const token = await this.options.identityToken?.();
      if (!token) throw new Error('clearance.policy.bundleAuth is identity, and there is no identity token');
      return token;
    }
    if (bundleAuth === 'env') {
      const token = process.env[bundleTokenEnv];
      if (!token) throw new Error(`clearance.policy.bundleAuth is env, and $${bundleTokenEnv} is empty`);
      return token;
    }
    return undefined;
  }

  private activation(): LoadedPolicy {
    const errors: ClearanceError[] = [...this.verification.errors];
    const ready: Array<{ bundle: Bundle; origin: BundleOrigin }> = [];
    for (const e of this.entries) {
      if (e.bundle) ready.push({ bundle: e.bundle, origin: e.origin ?? { kind: 'local' } });
      else
        errors.push({
          code: 'bundle_error',
          message: `bundle ${e.location} is not available: ${e.problem ?? 'not read yet'}`,
        });
    }
    if (errors.length > 0) {
      return {
        policy: compilePolicy([]).policy,
        data: {},
        version: describeVersion([]),
        regoFiles: [],
        dataFiles: [],
        errors,
      };
    }
    return activateBundles(ready, this.options.regoVersion ?? 1);
  }

  private activate(): void {
    const key = this.entries
      .map(
        (e) =>
          `${e.location}\0${e.bundle?.hash ?? `!${e.problem}`}\0${e.origin?.kind}\0${e.origin?.notice ?? ''}`,
      )
      .join('\0');
    if (this.active && key === this.activeKey) return;
    const policy = this.activation();
    const notices = this.entries.filter((e) => e.origin?.notice).length;
    if (notices > 0 && policy.errors.length === 0) {
      // The version says the bundle in force is not the server's latest: hovers, audit and SARIF show it.
      policy.version = `${policy.version} · kept after a failed update`;
    }
    this.active = policy;
    this.activeKey = key;
  }
}

/** Reads the configured verification keys from their files; an unreadable key is an error, never a skipped check. */
function readVerificationKeys(
  settings: BundleSettings,
  baseDir: string,
): { config?: VerificationConfig; errors: ClearanceError[] } {
  const entries = Object.entries(settings.bundleKeys);
  if (entries.length === 0) return { errors: [] };
  const keys: VerificationConfig['keys'] = {};
  const errors: ClearanceError[] = [];
  for (const [id, k] of entries) {
    const file = isAbsolute(k.keyFile) ? k.keyFile : join(baseDir, k.keyFile);
    try {
      const key = readFileSync(file, 'utf8');
      if (key.length > 64 * 1024) throw new Error('over 64 KB');
      keys[id] = {
        algorithm: k.algorithm,
        key: k.algorithm.startsWith('HS') ? key.trim() : key,
        ...(k.scope ? { scope: k.scope } : {}),
      };
    } catch (error) {
      errors.push({
        code: 'bundle_error',
        message: `clearance.policy.bundleKeys.${id}: cannot read the key file ${file}: ${(error as Error).message}`,
      });
    }
  }
  return { config: { keys }, errors };
}

/** Reads and activates `set` once (the CLI's single pass), or undefined without bundles. */
export async function loadBundlePolicy(set: BundleSet | undefined): Promise<LoadedPolicy | undefined> {
  if (!set) return undefined;
  await set.refresh();
  return set.policy();
}
