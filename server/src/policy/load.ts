/**
 * Loads a workspace's policy: finds the `.rego` and data files, reads them (preferring the text of
 * documents open in the editor, so a decision follows what is typed), compiles them with the engine
 * and names the result with a version: a content hash of every policy and data file.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { parseAllDocuments, YAMLParseError } from 'yaml';
import type { ActiveBundles } from '../bundle/activate';
import { isSkippedDirectory } from '../config/workspace-files';
import type { ClearanceError, Location } from '../errors';
import { utf8Length } from '../files/file-access';
import { platformFiles } from '../files/platform-files';
import { describeReadProblem } from '../identity/bounded-read';
import { type CompileOptions, compilePolicy, type JsonValue, type Policy } from '../rego';
import { type BundleManifest, parseManifest, selectRegoVersion } from './manifest';
import type { ModuleCache } from './module-cache';

/** A policy ready to decide with, and everything that went wrong while loading it. */
export interface LoadedPolicy {
  policy: Policy;
  data: JsonValue;
  /** `sha256:` and the first 12 hex digits of the hash of every file's path and content. */
  version: string;
  /** Absolute paths of the `.rego` files that were compiled. */
  regoFiles: string[];
  /** Absolute paths of the data files that were merged into `data`. */
  dataFiles: string[];
  errors: ClearanceError[];
  /** When the policy is OPA bundles (`clearance.policy.bundles`): what they are, and their wasm modules. */
  bundles?: ActiveBundles;
}

/** Files above this size are not read: a policy file this large is a mistake, not a policy. */
export const maxPolicyFileBytes = 4 * 1024 * 1024;
const dataFileNames = new Set(['data.json', 'data.yaml', 'data.yml']);

/**
 * Finds the policy and data files under `root`: in `paths` (relative to `root`) when given, else in
 * the whole folder. Data files are `data.json` / `data.yaml`, as in an OPA bundle; `.manifest` files
 * mark bundle roots (their `rego_version` says how the bundle's files are parsed).
 */
export function findPolicyFiles(
  root: string,
  paths: string[],
  options: LoadOptions = {},
): {
  rego: string[];
  data: Array<{ file: string; base: string; prefix?: string[] }>;
  manifests: string[];
  errors: ClearanceError[];
} {
  const rego: string[] = [];
  const data: Array<{ file: string; base: string; prefix?: string[] }> = [];
  const manifests: string[] = [];
  const errors: ClearanceError[] = [];
  const given = paths.length > 0 ? paths.map(splitPrefix) : [{ path: root, prefix: [] as string[] }];
  for (const { path, prefix } of given) {
    const start = isAbsolute(path) ? path : join(root, path);
    const at = prefix.length > 0 ? { prefix } : {};
    const kind = platformFiles.kindOf(start);
    if (kind === undefined) {
      errors.push({ code: 'config_error', message: `policy path ${start} does not exist` });
      continue;
    }
    if (kind === 'file') {
      if (start.endsWith('.rego')) {
        rego.push(start);
        const beside = join(dirname(start), manifestName);
        if (isFile(beside)) manifests.push(beside);
      } else data.push({ file: start, base: dirname(start), ...at });
      continue;
    }
    const ignored = ignoreMatcher(options.ignore);
    walk(start, (file) => {
      if (ignored(relative(start, file))) return;
      if (file.endsWith('.rego')) rego.push(file);
      else if (basename(file) === manifestName) manifests.push(file);
      else if (isDataFile(file, options)) data.push({ file, base: start, ...at });
    });
  }
  return { rego: [...new Set(rego)].sort(), data, manifests: [...new Set(manifests)].sort(), errors };
}

/**
 * A path given as `prefix:path` (OPA's loader syntax, `-d x.y:data.json`): its data goes under
 * `data.x.y`. A Windows drive letter (`C:\\`) is not a prefix.
 */
export function splitPrefix(path: string): { path: string; prefix: string[] } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):(.+)$/.exec(path);
  if (!m || (m[1] as string).length === 1) return { path, prefix: [] };
  return { path: m[2] as string, prefix: (m[1] as string).split('.') };
}

/** Resolves a given path against the working folder, keeping its `prefix:` part. */
export function resolveGivenPath(given: string): string {
  const { path, prefix } = splitPrefix(given);
  return prefix.length > 0 ? `${prefix.join('.')}:${resolve(path)}` : resolve(path);
}

/** How policy files are found. */
export interface LoadOptions {
  /**
   * Load every `.json` / `.yaml` file found as data, as `opa eval -d` does. By default only
   * `data.json` / `data.yaml` count, as in a bundle, so a workspace's other JSON files stay out.
   */
  allDataFiles?: boolean;
  /** The files a previous `findPolicyFiles` found, when nothing was created or deleted since. */
  found?: PolicyFiles;
  /** The Rego syntax of files outside a bundle whose `.manifest` says otherwise (default v1). */
  regoVersion?: 0 | 1;
  /** File and folder name patterns (`*`, `?`) to leave out, as `opa test --ignore`. */
  ignore?: string[];
  /** Compiler options beyond the Rego version (test renaming, capabilities). */
  compile?: Omit<CompileOptions, 'regoVersion'>;
  /**
   * The policy of the configured OPA bundles (`server/src/bundle`), read and verified beforehand:
   * when given, it is the policy, and the workspace's own files are not read.
   */
  bundlePolicy?: LoadedPolicy;
  /** Parses kept from earlier loads: only files whose text changed are parsed again. */
  modules?: ModuleCache;
}

/** The policy and data files of a workspace, as `findPolicyFiles` finds them. */
export type PolicyFiles = ReturnType<typeof findPolicyFiles>;

function isDataFile(file: string, options: LoadOptions): boolean {
  const name = file.split(sep).pop() ?? '';
  if (options.allDataFiles) return /\.(json|ya?ml)$/.test(name);
  return dataFileNames.has(name);
}

/** True for a path one of whose segments matches an `--ignore` pattern (linear-time glob: `*`, `?`). */
function ignoreMatcher(patterns: string[] | undefined): (path: string) => boolean {
  if (!patterns?.length) return () => false;
  return (path) => path.split(sep).some((name) => patterns.some((p) => globMatch(p, name)));
}

/** Matches `name` against a pattern with `*` (any run) and `?` (one character), without backtracking blow-up. */
function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++mark;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

function isFile(path: string): boolean {
  return platformFiles.kindOf(path) === 'file';
}

function walk(dir: string, visit: (file: string) => void, depth = 0): void {
  if (depth > 20) return;
  for (const entry of platformFiles.list(dir) ?? []) {
    if (entry.kind === 'directory') {
      if (!isSkippedDirectory(entry.name)) walk(join(dir, entry.name), visit, depth + 1);
    } else {
      visit(join(dir, entry.name));
    }
  }
}

/**
 * Reads, parses and compiles the policy under `root`. `openTexts` maps absolute paths to the text of
 * documents open in the editor, which wins over the file on disk.
 */
export function loadPolicy(
  root: string,
  paths: string[],
  openTexts: ReadonlyMap<string, string> = new Map(),
  options: LoadOptions = {},
): LoadedPolicy {
  if (options.bundlePolicy) return options.bundlePolicy;
  return compileRead(readPolicy(root, paths, openTexts, options), options);
}

/** A policy's files as read, before compiling: the `.rego` texts, the merged data, the version. */
export interface ReadPolicy {
  sources: Array<{ file: string; text: string; regoVersion: 0 | 1 }>;
  data: JsonValue;
  version: string;
  dataFiles: string[];
  /** What went wrong reading (files, manifests, data); compile errors come with `compileRead`. */
  errors: ClearanceError[];
}

/**
 * Reads the policy under `root` without compiling it (the first half of `loadPolicy`): the language
 * server's main thread reads, its analysis worker compiles.
 */
export function readPolicy(
  root: string,
  paths: string[],
  openTexts: ReadonlyMap<string, string> = new Map(),
  options: LoadOptions = {},
): ReadPolicy {
  const found = options.found ?? findPolicyFiles(root, paths, options);
  const errors = [...found.errors];
  const hash = createHash('sha256');
  // The same files read as v0 are another policy than read as v1.
  if (options.regoVersion === 0) hash.update('rego_version\u00000\u0000');
  const bundles: BundleManifest[] = [];
  for (const file of found.manifests) {
    const text = readText(file, openTexts, errors);
    if (text === undefined) continue;
    hash.update(`${relative(root, file)}\0${text}\0`);
    const manifest = parseManifest(file, text, errors);
    if (manifest) bundles.push(manifest);
  }
  const sources: Array<{ file: string; text: string; regoVersion: 0 | 1 }> = [];
  for (const file of found.rego) {
    const text = readText(file, openTexts, errors);
    if (text === undefined) continue;
    sources.push({ file, text, regoVersion: selectRegoVersion(file, bundles, options.regoVersion ?? 1) });
    hash.update(`${relative(root, file)}\0${text}\0`);
  }
  let data: Record<string, JsonValue> = {};
  const origins = new Map<string, string>();
  for (const { file, base, prefix: under } of found.data) {
    const text = readText(file, openTexts, errors);
    if (text === undefined) continue;
    hash.update(`${relative(root, file)}\0${text}\0`);
    const value = parseDataFile(file, text, errors);
    if (value === undefined) continue;
    const prefix = [...(under ?? []), ...relative(base, dirname(file)).split(sep).filter(Boolean)];
    data = mergeAt(data, prefix, value, file, errors, origins);
  }
  return {
    sources,
    data,
    version: `sha256:${hash.digest('hex').slice(0, 12)}`,
    dataFiles: found.data.map((d) => d.file),
    errors,
  };
}

/** Compiles a policy as `readPolicy` read it (the second half of `loadPolicy`). */
export function compileRead(read: ReadPolicy, options: LoadOptions = {}): LoadedPolicy {
  const { sources } = read;
  // Renaming duplicate tests rewrites modules, which must then not be shared with later loads.
  const modules = options.compile?.renameDuplicateTests ? undefined : options.modules;
  const compiled = compilePolicy(
    modules ? sources.map((s) => ({ ...s, parsed: modules.parse(s.file, s.text, s.regoVersion) })) : sources,
    options.compile,
  );
  modules?.retain(sources.map((s) => s.file));
  return {
    policy: compiled.policy,
    data: read.data,
    version: read.version,
    regoFiles: sources.map((s) => s.file),
    dataFiles: read.dataFiles,
    errors: [...read.errors, ...compiled.errors],
  };
}

/** An OPA bundle's manifest file name; its folder is the bundle's root. */
const manifestName = '.manifest';

function readText(
  file: string,
  openTexts: ReadonlyMap<string, string>,
  errors: ClearanceError[],
): string | undefined {
  const tooLarge = (bytes: number) => {
    errors.push({
      code: 'file_too_large',
      message: `${basename(file)} is ${(bytes / 1048576).toFixed(1)} MB, over the ${maxPolicyFileBytes / 1048576} MB limit for policy files; not loaded`,
      location: startOf(file),
    });
    return undefined;
  };
  const open = openTexts.get(file);
  if (open !== undefined) {
    const bytes = utf8Length(open);
    return bytes > maxPolicyFileBytes ? tooLarge(bytes) : open;
  }
  // The one bounded reader: a device, a FIFO or a file grown past the limit is refused, not read.
  const read = platformFiles.readText(file, maxPolicyFileBytes);
  if (read.ok) return read.text;
  if (read.problem.kind === 'too-large') return tooLarge(read.problem.sizeBytes ?? 0);
  errors.push({
    code: 'config_error',
    message: `cannot read ${file}: it ${describeReadProblem(read.problem)}`,
    location: startOf(file),
  });
  return undefined;
}

/** A policy with no rules and no data, for queries that load none (`clearance policy eval` without -d). */
export function createEmptyPolicy(): LoadedPolicy {
  return {
    policy: compilePolicy([]).policy,
    data: {},
    version: `sha256:${createHash('sha256').digest('hex').slice(0, 12)}`,
    regoFiles: [],
    dataFiles: [],
    errors: [],
  };
}

/** Parses a `data.json` / `data.yaml` file; a syntax error is reported with its line and column. */
export function parseDataFile(file: string, text: string, errors: ClearanceError[]): JsonValue | undefined {
  try {
    if (file.endsWith('.json')) return JSON.parse(text) as JsonValue;
    // OPA's loader (YAML to JSON through go-yaml) reads the first document of a multi-document file.
    const docs = parseAllDocuments(text);
    const first = Array.isArray(docs) ? docs[0] : docs;
    if (!first) return {};
    if (first.errors[0]) throw first.errors[0];
    return (first.toJS() ?? {}) as JsonValue;
  } catch (error) {
    let location = startOf(file);
    if (error instanceof YAMLParseError && error.linePos) {
      const { line, col } = error.linePos[0];
      location = {
        file,
        start: { line, column: col, offset: error.pos[0] },
        end: { line, column: col + 1, offset: error.pos[0] + 1 },
      };
    } else {
      // JSON.parse's message has no reliable position; jsonc-parser finds the first error's offset.
      const found: ParseError[] = [];
      parseJsonc(text, found, { disallowComments: true, allowTrailingComma: false });
      if (found[0]) location = locationAtOffset(file, text, found[0].offset);
    }
    errors.push({
      code: 'data_parse_error',
      message: `${(error as Error).message.split('\n')[0]}`,
      location,
    });
    return undefined;
  }
}

/**
 * Merges a data file's value at `prefix`, as OPA's loader does: objects merge key by key; two files
 * giving the same path a value that is not an object on both sides is an error naming both files.
 */
function mergeAt(
  target: Record<string, JsonValue>,
  prefix: string[],
  value: JsonValue,
  file: string,
  errors: ClearanceError[],
  origins: Map<string, string>,
  at: string[] = [],
): Record<string, JsonValue> {
  if (prefix.length === 0) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({
        code: 'data_parse_error',
        message: 'a data file at the root of the policy must hold an object',
        location: startOf(file),
      });
      return target;
    }
    const out = { ...target };
    for (const [key, v] of Object.entries(value)) {
      const path = [...at, key];
      const existing = out[key];
      if (existing === undefined) {
        out[key] = v;
        origins.set(path.join('\u0000'), file);
      } else if (isObject(existing) && isObject(v)) {
        out[key] = mergeAt(existing, [], v, file, errors, origins, path);
      } else {
        errors.push({
          code: 'data_merge_error',
          message: `merge error: data.${path.join('.')} is given by ${file} and by ${originOf(origins, path) ?? 'another data file'}`,
          location: startOf(file),
        });
      }
    }
    return out;
  }
  const [head, ...rest] = prefix as [string, ...string[]];
  const child = target[head];
  if (child !== undefined && !isObject(child)) {
    errors.push({
      code: 'data_merge_error',
      message: `merge error: data.${[...at, head].join('.')} is given by ${originOf(origins, [...at, head]) ?? 'another data file'} and is the folder of ${file}`,
      location: startOf(file),
    });
    return target;
  }
  return { ...target, [head]: mergeAt(child ?? {}, rest, value, file, errors, origins, [...at, head]) };
}

function isObject(v: JsonValue | undefined): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The data file that set `path` or the nearest path above it. */
function originOf(origins: Map<string, string>, path: string[]): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const file = origins.get(path.slice(0, n).join('\u0000'));
    if (file) return file;
  }
  return undefined;
}

function startOf(file: string): Location {
  const start = { line: 1, column: 1, offset: 0 };
  return { file, start, end: start };
}

function locationAtOffset(file: string, text: string, offset: number): Location {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const start = { line, column, offset };
  return { file, start, end: { line, column: column + 1, offset: offset + 1 } };
}
