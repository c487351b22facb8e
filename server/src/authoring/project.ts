/**
 * The authoring features' view of a workspace: every `.rego` module parsed once per text (a keystroke
 * re-parses only the file it changed), an index of rules and packages by path rebuilt from the
 * per-file results, the data documents, and the input's schema and examples. No editor types here:
 * the language server feeds it texts and asks it questions with a file and an offset.
 */
import type { ClearanceError, Location } from '../errors';
import { type BundleManifest, selectRegoVersion } from '../policy/manifest';
import type { Module, Rule } from '../rego/syntax/ast';
import { parseModule } from '../rego/syntax/parser';
import type { JsonValue } from '../rego/value/value';
import { lineStarts } from './text';

/** One clause of a rule, with the span of the name that defines it. */
export interface RuleDef {
  /** The rule's full path without `data`: package path, then the head's constant segments. */
  path: string[];
  file: string;
  rule: Rule;
  /** The last constant segment of the head (what rename replaces). */
  name: Location;
}

/** One parsed file. */
export interface ModuleEntry {
  file: string;
  text: string;
  starts: number[];
  module?: Module;
  errors: ClearanceError[];
  defs: RuleDef[];
  /** Package and rule names: when they do not change, other files' analyses stay valid. */
  signature: string;
  /** Per-entry caches of the analyses, dropped when the text or the project's generation changes. */
  cache: Map<string, { generation: number; value: unknown }>;
  /** Parsed without reading `# METADATA` yet: no annotations, none of their errors (`readMetadata`). */
  metadataPending?: boolean;
}

/** A JSON Schema, as far as completion and hover read it. */
export interface SchemaNode {
  description?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  enum?: unknown[];
  $ref?: string;
  definitions?: Record<string, SchemaNode>;
  $defs?: Record<string, SchemaNode>;
}

/** The workspace's Rego modules, data, and input description. */
export class AuthoringProject {
  private readonly entries = new Map<string, ModuleEntry>();
  private indexed = -1;
  private edits = 0;
  /** Bumped when a file's package or rule names change: analyses of other files may then differ. */
  generation = 0;
  /** Rule clauses by path key (`a.b.allow`). */
  readonly rules = new Map<string, RuleDef[]>();
  /** Files by package path key (`a.b`). */
  readonly packages = new Map<string, string[]>();
  /** The data documents merged (`data.json`/`data.yaml` files). */
  data: JsonValue = {};
  /** The input document's schema (Clearance's own, or the user's). */
  inputSchema: SchemaNode | undefined;
  /** Example input documents (`input.json`/`input.yaml`) found in the workspace. */
  exampleInputs: JsonValue[] = [];
  /** How modules are parsed unless a bundle says otherwise. */
  regoVersion: 0 | 1 = 1;
  /** The bundles' manifests: a file under one is parsed in the Rego version it gives (`setManifests`). */
  private manifests: BundleManifest[] = [];

  /** Sets the bundles' manifests and parses the known files again in the versions they now have. */
  setManifests(manifests: BundleManifest[]): void {
    this.manifests = manifests;
    for (const [file, entry] of [...this.entries])
      this.entries.set(file, this.parse(file, entry.text, entry, entry.metadataPending === true));
    this.edits++;
  }

  /**
   * Sets a file's text; it is parsed again only when the text changed. With `deferMetadata` (files
   * read in the background) its `# METADATA` blocks are read later, when a feature needs them: their
   * YAML is half of the parse, and the first request waits for the background parse.
   */
  setText(file: string, text: string, deferMetadata = false): void {
    const old = this.entries.get(file);
    if (old && old.text === text) {
      if (!deferMetadata) this.readMetadata(old);
      return;
    }
    const next = this.parse(file, text, old, deferMetadata);
    this.entries.set(file, next);
    const current = this.indexed === this.edits;
    this.edits++;
    // An edit that keeps the file's names (a rule body) swaps its clauses in the index in place:
    // rebuilding it walks every clause of the workspace, the most of a completion after typing.
    if (current && old && old.signature === next.signature && old.defs.length === next.defs.length) {
      let swapped = true;
      next.defs.forEach((def, i) => {
        const was = old.defs[i];
        const list = this.rules.get(def.path.join('.'));
        const at = was && list ? list.indexOf(was) : -1;
        if (list && at >= 0) list[at] = def;
        else swapped = false;
      });
      // Anything not found where it was: the next question rebuilds the index whole.
      if (swapped) this.indexed = this.edits;
    }
  }

  /** Forgets a file (deleted, or no longer part of the policy). */
  remove(file: string): void {
    if (!this.entries.delete(file)) return;
    this.edits++;
    this.generation++;
  }

  /** Keeps exactly `files`, dropping the others; texts are set separately. */
  retain(files: Iterable<string>): void {
    const wanted = new Set(files);
    for (const f of [...this.entries.keys()]) if (!wanted.has(f)) this.remove(f);
  }

  /** Whether the file has been parsed (without rebuilding the index, as `entry` does). */
  has(file: string): boolean {
    return this.entries.has(file);
  }

  /** The parsed file, if known. */
  entry(file: string): ModuleEntry | undefined {
    this.index();
    return this.entries.get(file);
  }

  /** Every parsed file. */
  allEntries(): ModuleEntry[] {
    this.index();
    return [...this.entries.values()];
  }

  /** Rule clauses at a path. */
  rulesAt(path: readonly string[]): RuleDef[] {
    this.index();
    return this.rules.get(path.join('.')) ?? [];
  }

  /** Whether a path names a package. */
  isPackage(path: readonly string[]): boolean {
    this.index();
    return this.packages.has(path.join('.'));
  }

  /** The names one level below `path` among packages and rules (`data.` completion). */
  childrenOf(path: readonly string[]): Map<string, 'package' | 'rule'> {
    // Cached until the next edit: completion after `data.x.` asks on every keystroke.
    return this.memo(`children:${path.join('.')}`, () => this.collectChildren(path));
  }

  private collectChildren(path: readonly string[]): Map<string, 'package' | 'rule'> {
    const out = new Map<string, 'package' | 'rule'>();
    const depth = path.length;
    const prefix = path.join('.');
    const under = (key: string) => depth === 0 || key === prefix || key.startsWith(`${prefix}.`);
    for (const key of this.rules.keys()) {
      if (!under(key)) continue;
      const parts = key.split('.');
      const next = parts[depth];
      if (next !== undefined)
        out.set(next, parts.length === depth + 1 ? 'rule' : (out.get(next) ?? 'package'));
    }
    for (const key of this.packages.keys()) {
      if (!under(key)) continue;
      const next = key.split('.')[depth];
      if (next !== undefined && !out.has(next)) out.set(next, 'package');
    }
    return out;
  }

  /** A project-wide value cached until the next edit of any file (rule names of a package, say). */
  memo<T>(key: string, compute: () => T): T {
    this.index();
    if (this.memoEdits !== this.edits) {
      this.memos.clear();
      this.memoEdits = this.edits;
    }
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  private readonly memos = new Map<string, unknown>();
  private memoEdits = -1;

  /** Whether a file's analysis `key` is cached and current. */
  isCached(entry: ModuleEntry, key: string): boolean {
    return entry.cache.get(key)?.generation === this.generation;
  }

  /** A cached analysis of one file, recomputed when the file or the project's names change. */
  cached<T>(entry: ModuleEntry, key: string, compute: () => T): T {
    const hit = entry.cache.get(key);
    if (hit && hit.generation === this.generation) return hit.value as T;
    const value = compute();
    entry.cache.set(key, { generation: this.generation, value });
    return value;
  }

  /**
   * Reads the `# METADATA` blocks of a file parsed without them: the same text parsed whole gives
   * the same rules in the same order, so its annotations are copied onto the entry's module, and its
   * errors (a block's YAML, its scope) replace the entry's. Rule names do not change, so no
   * analysis is invalidated.
   */
  readMetadata(entry: ModuleEntry): void {
    if (!entry.metadataPending) return;
    entry.metadataPending = false;
    const regoVersion = selectRegoVersion(entry.file, this.manifests, this.regoVersion);
    const full = parseModule(entry.text, { file: entry.file, regoVersion });
    entry.errors = full.errors;
    const module = entry.module;
    if (!full.module || !module || full.module.rules.length !== module.rules.length) return;
    full.module.rules.forEach((rule, i) => {
      const target = module.rules[i];
      if (target && rule.annotations) target.annotations = rule.annotations;
    });
    if (full.module.package.annotations) module.package.annotations = full.module.package.annotations;
  }

  /** Reads the `# METADATA` of files parsed without it until `stop` says so; returns how many are left. */
  readPendingMetadata(stop: () => boolean): number {
    let left = 0;
    for (const entry of this.entries.values()) {
      if (!entry.metadataPending) continue;
      if (stop()) left++;
      else this.readMetadata(entry);
    }
    return left;
  }

  /** The annotations of a rule clause, its file's `# METADATA` read first if it was put off. */
  annotationsOf(def: RuleDef): Rule['annotations'] {
    const entry = this.entries.get(def.file);
    if (entry) this.readMetadata(entry);
    return def.rule.annotations;
  }

  private parse(
    file: string,
    text: string,
    old: ModuleEntry | undefined,
    deferMetadata = false,
  ): ModuleEntry {
    const regoVersion = selectRegoVersion(file, this.manifests, this.regoVersion);
    const parsed = parseModule(text, { file, regoVersion, ...(deferMetadata ? { metadata: false } : {}) });
    // A file mid-edit that no longer parses at all keeps its last module for names and locals.
    const module = parsed.module ?? old?.module;
    const defs = module ? definitionsOf(file, module) : [];
    const signature = module
      ? `${module.package.path.join('.')}|${module.imports.map((i) => `${refText(i.path)} as ${i.alias ?? ''}`).join(',')}|${defs.map((d) => d.path.join('.')).join(',')}`
      : '';
    if (!old || old.signature !== signature) this.generation++;
    return {
      file,
      text,
      starts: lineStarts(text),
      ...(module ? { module } : {}),
      errors: parsed.errors,
      defs,
      signature,
      cache: new Map(),
      ...(deferMetadata ? { metadataPending: true } : {}),
    };
  }

  private index(): void {
    if (this.indexed === this.edits) return;
    this.indexed = this.edits;
    this.rules.clear();
    this.packages.clear();
    for (const entry of this.entries.values()) {
      const pkg = entry.module?.package.path;
      if (!pkg) continue;
      const key = pkg.join('.');
      const files = this.packages.get(key) ?? [];
      files.push(entry.file);
      this.packages.set(key, files);
      for (const def of entry.defs) {
        const k = def.path.join('.');
        const list = this.rules.get(k) ?? [];
        list.push(def);
        this.rules.set(k, list);
      }
    }
  }
}

/** A ref's text when its terms are plain names: `data.lib.x`. */
export function refText(ref: { terms: Array<{ type: string; name?: string; value?: unknown }> }): string {
  return ref.terms.map((t) => (t.type === 'var' ? t.name : String(t.value))).join('.');
}

/** Each rule clause of a module with its path and defining name. */
function definitionsOf(file: string, module: Module): RuleDef[] {
  const defs: RuleDef[] = [];
  for (const rule of module.rules) {
    const terms = rule.head.ref.terms;
    const head = terms[0];
    if (head?.type !== 'var') continue;
    const path = [...module.package.path, head.name];
    let name: Location = head.location;
    for (const t of terms.slice(1)) {
      if (t.type !== 'string' || typeof t.value !== 'string') break;
      // `p[x]` in a partial set: the last constant is a member, not part of the path.
      if (
        rule.kind === 'partialset' &&
        t === terms[terms.length - 1] &&
        rule.head.assign !== 'contains' &&
        !rule.head.key
      )
        break;
      path.push(t.value);
      name = t.location;
    }
    defs.push({ path, file, rule, name });
  }
  return defs;
}
