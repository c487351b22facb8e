/**
 * Keeps the authoring features' project in step with the server: the policy's sources (the loaded
 * policy already prefers open documents), any other open `.rego` document, the data, the input
 * schema (Clearance's own or `clearance.authoring.inputSchema`) and example inputs beside policy
 * files. The language features never wait for the policy's compile (the worker's): the files are
 * listed, read and parsed here, one at a time in the background, and an unchanged text is not
 * parsed again.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { AuthoringProject, indexReferences, type SchemaNode } from '../authoring';
import { regoVersionOf } from '../config/settings';
import type { ClearanceError } from '../errors';
import {
  findPolicyFiles,
  maxPolicyFileBytes,
  type PolicyFiles,
  parseDataFile,
  readPolicy,
} from '../policy/load';
import { type BundleManifest, parseManifest } from '../policy/manifest';
import type { JsonValue } from '../rego';
import { toPath } from './convert';
import type { SharedWorkspace } from './shared-workspace';
import type { PolicyView } from './worker/policy-view';

/** Example inputs and schemas larger than this are not read. */
const maxInputBytes = 1024 * 1024;
const exampleNames = ['input.json', 'input.yaml', 'input.yml'];

/** The project and what it was last synced from. */
export class AuthoringState {
  readonly project = new AuthoringProject();
  private policy: PolicyView | undefined;
  private schemaSetting: string | undefined = '';
  /**
   * The input the user last evaluated with (a file, a call site's, none), which hovers show rules'
   * values for; until one is chosen, the example `input.json`/`input.yaml` beside the policy.
   */
  chosenInput: { label: string; value: JsonValue | undefined } | undefined;
  /** The policy's `.rego` files as last listed (from the loaded policy, or found before it loaded). */
  private files: string[] = [];
  /** The policy paths setting `files` was found for while no policy had loaded yet. */
  private foundFor: string | undefined;
  /** The workspace's last walk for policy files, as the last loaded policy was listed from. */
  private found: PolicyFiles | undefined;
  /** Files to read (when changed on disk) and parse, in the background or on `sync`. */
  private readonly queue = new Set<string>();
  /** Whether the data documents are to be read again. */
  private dataStale = false;
  private dataKey = '';
  private manifestsKey = '';
  private markSettings: () => void = () => undefined;
  /** Resolves once the server has applied the settings (which policy paths, which Rego version). */
  private readonly settingsApplied = new Promise<void>((resolve) => {
    this.markSettings = resolve;
  });
  private waiters: Array<() => void> = [];

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly workspace: () => SharedWorkspace | undefined,
    /** Where Clearance's own input schema is (beside the server bundle, or in the repository). */
    private readonly shippedSchema: string,
    /** Resolves once the server has loaded settings and policy. */
    private readonly ready: Promise<void>,
  ) {}

  /** Waits for the first load (when there is a workspace to load), then syncs. */
  async loaded(): Promise<SharedWorkspace | undefined> {
    if (this.workspace()) await this.ready;
    return this.sync();
  }

  /**
   * For the language features (completion, hover, navigation): waits for the settings, not for the
   * policy's compile, then for the background parse of the policy's files, which yields between
   * slices of a few milliseconds, so requests are answered meanwhile rather than queued behind it.
   */
  async parsed(): Promise<SharedWorkspace | undefined> {
    if (this.workspace()) await this.settingsApplied;
    const ws = this.update();
    // Files parsed before and only being re-checked on disk do not hold a request up.
    if ([...this.queue].some((f) => !this.project.has(f)) || (this.dataStale && this.dataKey === ''))
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        this.inBackground();
      });
    else this.inBackground();
    return ws;
  }

  /** Brings the project fully up to date on this thread (tests and evaluation need every file); returns the workspace. */
  sync(): SharedWorkspace | undefined {
    const ws = this.update();
    this.drain(() => false);
    this.inBackground();
    return ws;
  }

  /**
   * Takes in settings, file lists and bundle manifests that changed, without parsing the policy's
   * files: what a single file's parse needs to use the Rego version its bundle gives.
   */
  refresh(): SharedWorkspace | undefined {
    return this.update();
  }

  /**
   * Like `sync`, but only files never parsed are read here; the others are checked for changes on
   * disk in the background. For the workspace lint after each reload: re-reading every file's time
   * after every edit would hold up the completion typed next, and an unparsed file would make its
   * imports look unresolved.
   */
  syncParsed(): SharedWorkspace | undefined {
    const ws = this.update();
    for (const file of this.queue)
      if (!this.project.has(file)) {
        this.queue.delete(file);
        const text = this.readPolicyText(file);
        if (text !== undefined) this.project.setText(file, text, true);
      }
    this.inBackground();
    return ws;
  }

  /**
   * Takes in what changed since the last call without reading or parsing the policy's files:
   * open documents are parsed (an unchanged text is not), the policy's files are queued.
   */
  private update(): SharedWorkspace | undefined {
    const ws = this.workspace();
    if (ws) {
      const policy = ws.policy;
      let files = this.files;
      if (policy && policy !== this.policy) {
        this.policy = policy;
        // A reload after typing lists what the last walk found: no policy file to re-check on
        // disk (350 stats after each edit). Manifests and data are read again (an open one may
        // have been edited), from that walk's lists, without walking the workspace again.
        const found = ws.foundPolicyFiles;
        if (ws.bundles || found === undefined || found !== this.found) files = policy.regoFiles;
        else {
          this.readManifests(ws);
          this.dataStale = true;
        }
        this.found = found;
      } else if (!policy) {
        // Before the first load ends (it compiles in the worker), the files are found here.
        const key = JSON.stringify(ws.settings.policy.paths);
        if (key !== this.foundFor) {
          this.foundFor = key;
          files = findPolicyFiles(ws.root, ws.settings.policy.paths).rego;
        }
      }
      if (
        files !== this.files ||
        this.project.regoVersion !== regoVersionOf(ws.settings.policy.regoVersion)
      ) {
        this.files = files;
        this.project.regoVersion = regoVersionOf(ws.settings.policy.regoVersion);
        this.readManifests(ws);
        const open = this.documents.all().map((d) => toPath(d.uri));
        this.project.retain([...files, ...open.filter((p): p is string => !!p?.endsWith('.rego'))]);
        for (const file of files) this.queue.add(file);
        this.dataStale = true;
      }
    }
    for (const doc of this.documents.all()) {
      const path = toPath(doc.uri);
      if (path?.endsWith('.rego')) {
        this.project.setText(path, doc.getText());
        this.queue.delete(path);
      }
    }
    return ws;
  }

  /** Reads and parses queued files until `stop` says so; returns whether work is left. */
  private drain(stop: () => boolean): boolean {
    const ws = this.workspace();
    const open = new Set(this.documents.all().map((d) => toPath(d.uri)));
    for (const file of this.queue) {
      if (stop()) return true;
      this.queue.delete(file);
      if (open.has(file)) continue;
      const text = this.readPolicyText(file);
      if (text !== undefined) this.project.setText(file, text, true);
    }
    if (this.dataStale && ws) {
      if (stop()) return true;
      this.dataStale = false;
      this.readData(ws);
    }
    return false;
  }

  private indexing = false;
  /** The size and time of each policy file read here, so an unchanged file is not read again. */
  private readonly stamps = new Map<string, string>();

  /** A policy file's text, or undefined when unchanged since read, missing or over the policy file limit. */
  private readPolicyText(file: string): string | undefined {
    try {
      const { size, mtimeMs } = statSync(file);
      const stamp = `${size}:${mtimeMs}`;
      if (size > maxPolicyFileBytes) return undefined;
      if (this.stamps.get(file) === stamp && this.project.has(file)) return undefined;
      this.stamps.set(file, stamp);
      return readFileSync(file, 'utf8');
    } catch {
      // Not a file on disk: a policy from OPA bundles holds its files' texts in memory.
      return this.workspace()?.bundles ? this.policy?.sources.get(file) : undefined;
    }
  }

  /** The workspace's policy files: as its last walk found them, or found here before the first load. */
  private policyFiles(ws: SharedWorkspace): PolicyFiles {
    return ws.foundPolicyFiles ?? findPolicyFiles(ws.root, ws.settings.policy.paths);
  }

  /**
   * The `.manifest` files of bundle folders in the workspace: their `rego_version` decides how the
   * bundle's files are parsed, as the policy load does (OPA bundles from a server are parsed there).
   */
  private readManifests(ws: SharedWorkspace): void {
    if (ws.bundles) return;
    const errors: ClearanceError[] = [];
    const texts = this.policyFiles(ws).manifests.map((file) => ({
      file,
      text: ws.documents.get(file)?.text ?? this.readPolicyText(file) ?? '',
    }));
    const key = JSON.stringify(texts);
    if (key === this.manifestsKey) return;
    this.manifestsKey = key;
    const manifests = texts.map(({ file, text }) => parseManifest(file, text, errors));
    this.project.setManifests(manifests.filter((m): m is BundleManifest => m !== undefined));
  }

  /**
   * The data documents: OPA bundles' from the policy (already in memory), otherwise read here when
   * a data file's size, time or open text changed, so an edit's reload does not read every file again.
   */
  private readData(ws: SharedWorkspace): void {
    const policy = this.policy;
    if (ws.bundles && policy) {
      this.project.data = policy.data;
      return;
    }
    const found = this.policyFiles(ws);
    const openTexts = new Map<string, string>();
    const stamps: string[] = [];
    for (const { file } of [...found.data, ...found.manifests.map((file) => ({ file }))]) {
      const open = ws.documents.get(file)?.text;
      if (open !== undefined) openTexts.set(file, open);
      try {
        const { size, mtimeMs } = statSync(file);
        stamps.push(`${file}:${size}:${mtimeMs}:${open ?? ''}`);
      } catch {
        stamps.push(file);
      }
    }
    this.project.exampleInputs = readExamples(this.files);
    const key = stamps.join('\n');
    if (key === this.dataKey) return;
    this.dataKey = key;
    this.project.data = readPolicy(ws.root, ws.settings.policy.paths, openTexts, {
      found: { ...found, rego: [] },
    }).data;
  }

  /**
   * Parses the queued files (their `# METADATA` put off), then brings the reference index up to
   * date, then reads the `# METADATA` put off, in slices of a few
   * milliseconds between other messages, so a request waits at most one slice behind it, and find
   * references and rename look up instead of analysing every file on the first request.
   */
  private inBackground(): void {
    if (this.indexing) return;
    this.indexing = true;
    const slice = () => {
      try {
        const until = performance.now() + 4;
        const over = () => performance.now() > until;
        if (this.drain(over)) {
          setImmediate(slice);
          return;
        }
        this.release();
        if (indexReferences(this.project, over) > 0) {
          setImmediate(slice);
          return;
        }
        // Last, the `# METADATA` the parse put off (a hover or completion reads its file's at once).
        if (this.project.readPendingMetadata(over) > 0) {
          setImmediate(slice);
          return;
        }
      } catch {
        // An analysis that throws is recomputed, and reported, by the request that needs it.
        this.queue.clear();
        this.release();
      }
      this.indexing = false;
    };
    setImmediate(slice);
  }

  /** Answers the requests that waited for the parse. */
  private release(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  /** Applies `clearance.authoring.inputSchema`: the input schema's path (empty: the shipped one). */
  applySettings(setting: string, root: string | undefined): void {
    const path = setting.trim() !== '' ? setting : undefined;
    if (path === this.schemaSetting) return;
    this.schemaSetting = path;
    const file = path ? (isAbsolute(path) || !root ? path : join(root, path)) : this.shippedSchema;
    const value = readBounded(file);
    this.project.inputSchema =
      value && typeof value === 'object' && !Array.isArray(value) ? (value as SchemaNode) : undefined;
    this.markSettings();
    // The policy's files are parsed from now on, in the background, before the first request asks.
    setImmediate(() => {
      this.update();
      this.inBackground();
    });
  }
}

/** The input hovers evaluate with for `file`: the chosen one, else an example beside it. */
export function hoverInput(
  state: AuthoringState,
  file: string,
): { label: string; value: JsonValue | undefined } | undefined {
  if (state.chosenInput) return state.chosenInput;
  for (const name of exampleNames) {
    const value = readBounded(join(dirname(file), name));
    if (value !== undefined) return { label: name, value };
  }
  return undefined;
}

/** The `input.json`/`input.yaml` files in the folders of policy files. */
function readExamples(regoFiles: string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const dir of new Set(regoFiles.map((f) => dirname(f)))) {
    for (const name of exampleNames) {
      const value = readBounded(join(dir, name));
      if (value !== undefined) out.push(value);
    }
    if (out.length >= 20) break;
  }
  return out;
}

/** A JSON or YAML file's value, or undefined when missing, too large or malformed. */
export function readBounded(file: string): JsonValue | undefined {
  try {
    if (!existsSync(file) || statSync(file).size > maxInputBytes) return undefined;
    return parseDataFile(file, readFileSync(file, 'utf8'), []);
  } catch {
    return undefined;
  }
}
