/**
 * Activation: several bundles become one policy, as OPA activates them. Their roots may not
 * overlap; each Rego package and each data path must lie under its bundle's roots; data files are
 * placed at their folder's path; `policy.wasm` modules are loaded for their manifest entrypoints
 * with all bundles' data. The policy version is the bundles' revisions with the content hash
 * beside it. Any error leaves the whole policy unusable: never a decision with part of a bundle.
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { ClearanceError, Location } from '../errors';
import { type LoadedPolicy, parseDataFile } from '../policy/load';
import { type BundleManifest, parseManifest, selectRegoVersion } from '../policy/manifest';
import { compilePolicy, type JsonValue, parseModule } from '../rego';
import type { Bundle } from './bundle';
import { findOverlapsBetween, rootPathsContain } from './roots';
import type { SignatureState } from './signature';
import { loadWasmModule, type WasmModule } from './wasm';

/** Where a bundle in force came from and how fresh it is (set by the remote layer). */
export interface BundleOrigin {
  kind: 'local' | 'download' | 'cache';
  /** When the bundle in force was downloaded or written to the cache (ms since the epoch). */
  fetchedAt?: number;
  /** Why the bundle in force is not the server's latest (a failed or refused download), if so. */
  notice?: string;
}

/** What is shown of one active bundle: the status bar menu, `clearance policy info`, hovers. */
export interface ActiveBundle {
  name: string;
  revision: string;
  hash: string;
  roots: string[];
  signature: SignatureState;
  origin: BundleOrigin;
  wasmEntrypoints: string[];
  metadata?: { [key: string]: JsonValue };
}

/** The bundles a policy was activated from, and the wasm modules by entrypoint (`api/authz/allow`). */
export interface ActiveBundles {
  bundles: ActiveBundle[];
  wasm: Map<string, WasmModule>;
}

/** Activates `bundles` (with their origins) into one policy; a policy with errors when any check fails. */
export function activateBundles(
  bundles: ReadonlyArray<{ bundle: Bundle; origin: BundleOrigin }>,
  fallbackRegoVersion: 0 | 1 = 1,
): LoadedPolicy {
  const errors: ClearanceError[] = [];
  for (const o of findOverlapsBetween(
    bundles.map(({ bundle }) => ({ name: bundle.name, roots: bundle.manifest.roots })),
  )) {
    errors.push({ code: 'bundle_error', message: `${o.bundle}: ${o.message}` });
  }
  const sources: Array<{ file: string; text: string; regoVersion: 0 | 1 }> = [];
  const dataFiles: string[] = [];
  let data: { [key: string]: JsonValue } = {};
  for (const { bundle } of bundles) {
    const { roots } = bundle.manifest;
    const manifests: BundleManifest[] = [];
    if (bundle.manifest.text !== undefined) {
      const m = parseManifest(`${bundle.location}/.manifest`, bundle.manifest.text, errors);
      if (m) manifests.push(m);
    }
    for (const [path, content] of bundle.files) {
      const file = `${bundle.location}/${path}`;
      const base = path.split('/').pop() ?? '';
      if (path.endsWith('.rego')) {
        const text = content.toString('utf8');
        const regoVersion =
          manifests.length > 0
            ? selectRegoVersion(file, manifests, fallbackRegoVersion)
            : fallbackRegoVersion;
        const parsed = parseModule(text, { file, regoVersion });
        const pkg = parsed.module?.package.path.filter((s, i) => !(i === 0 && s === 'data')).join('/');
        if (pkg !== undefined && !rootPathsContain(roots, pkg)) {
          errors.push({
            code: 'bundle_error',
            message: `${bundle.name}: manifest roots ${formatRoots(roots)} do not permit 'package ${pkg.replace(/\//g, '.')}' in module '${path}'`,
            location: at(file),
          });
        }
        sources.push({ file, text, regoVersion });
      } else if (base === 'data.json' || base === 'data.yaml' || base === 'data.yml') {
        const value = parseDataFile(file, content.toString('utf8'), errors);
        dataFiles.push(file);
        if (value === undefined) continue;
        const prefix = dirname(path) === '.' ? [] : dirname(path).split('/');
        const placed = place(prefix, value);
        const outside = findDataOutsideRoots(placed, roots, []);
        if (outside !== undefined) {
          errors.push({
            code: 'bundle_error',
            message: `${bundle.name}: manifest roots ${formatRoots(roots)} do not permit data at path '/${outside}' (hint: check bundle directory structure)`,
            location: at(file),
          });
          continue;
        }
        data = merge(data, placed, file, errors);
      }
    }
  }
  const compiled = compilePolicy(sources);
  errors.push(...compiled.errors);
  const wasm = new Map<string, WasmModule>();
  const active: ActiveBundle[] = [];
  for (const { bundle, origin } of bundles) {
    const entrypoints: string[] = [];
    for (const resolver of bundle.manifest.wasm) {
      const path = resolver.module.replace(/^\/+/, '');
      try {
        const module = loadWasmModule(`${bundle.location}/${path}`, bundle.files.get(path) as Buffer, data);
        wasm.set(resolver.entrypoint, module);
        entrypoints.push(resolver.entrypoint);
      } catch (error) {
        errors.push({
          code: 'bundle_error',
          message: `${bundle.name}: ${path} does not load as an OPA wasm policy: ${(error as Error).message}`,
          location: at(`${bundle.location}/${path}`),
        });
      }
    }
    active.push({
      name: bundle.name,
      revision: bundle.manifest.revision,
      hash: bundle.hash,
      roots: bundle.manifest.roots,
      signature: bundle.signature,
      origin,
      wasmEntrypoints: entrypoints,
      ...(bundle.manifest.metadata ? { metadata: bundle.manifest.metadata } : {}),
    });
  }
  return {
    policy: compiled.policy,
    data,
    version: describeVersion(active),
    regoFiles: sources.map((s) => s.file),
    dataFiles,
    errors,
    bundles: { bundles: active, wasm },
  };
}

/**
 * The policy version of active bundles: the revision with the content hash beside it
 * (`42 (sha256:…)`), `name@revision` for each of several bundles, the hash alone without revisions.
 */
export function describeVersion(
  bundles: ReadonlyArray<Pick<ActiveBundle, 'name' | 'revision' | 'hash'>>,
): string {
  if (bundles.length === 1) {
    const [b] = bundles as [Pick<ActiveBundle, 'revision' | 'hash'>];
    return b.revision ? `${b.revision} (${b.hash})` : b.hash;
  }
  const hash = createHash('sha256');
  for (const b of bundles) hash.update(`${b.name}\0${b.hash}\0`);
  const combined = `sha256:${hash.digest('hex').slice(0, 12)}`;
  const revisions = bundles.filter((b) => b.revision).map((b) => `${b.name}@${b.revision}`);
  return revisions.length > 0 ? `${revisions.join(', ')} (${combined})` : combined;
}

function formatRoots(roots: readonly string[]): string {
  return `[${roots.join(' ')}]`;
}

function place(prefix: string[], value: JsonValue): JsonValue {
  return prefix.reduceRight<JsonValue>((inner, key) => ({ [key]: inner }), value);
}

/**
 * The first data path outside `roots`, as OPA's check walks it: a path under a root is fine; an
 * object on the way to a root is descended into; anything else is outside.
 */
function findDataOutsideRoots(node: JsonValue, roots: readonly string[], path: string[]): string | undefined {
  const joined = path.join('/');
  if (path.length > 0 && rootPathsContain(roots, joined)) return undefined;
  if (path.length === 0 && rootPathsContain(roots, '')) return undefined;
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    const onTheWay = path.length === 0 || roots.some((r) => rootPathsContain([joined], r));
    if (onTheWay) {
      for (const [key, child] of Object.entries(node)) {
        const found = findDataOutsideRoots(child, roots, [...path, key]);
        if (found !== undefined) return found;
      }
      return undefined;
    }
  }
  return joined;
}

function merge(
  target: { [key: string]: JsonValue },
  value: JsonValue,
  file: string,
  errors: ClearanceError[],
): { [key: string]: JsonValue } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({
      code: 'bundle_error',
      message: 'a data file at the root of a bundle must hold an object',
      location: at(file),
    });
    return target;
  }
  const out = { ...target };
  for (const [key, v] of Object.entries(value)) {
    const existing = out[key];
    if (isObject(existing) && isObject(v)) out[key] = merge(existing, v, file, errors);
    else if (existing !== undefined) {
      errors.push({
        code: 'bundle_error',
        message: `data at '${key}' is defined by more than one data file`,
        location: at(file),
      });
    } else out[key] = v;
  }
  return out;
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(file: string): Location {
  const start = { line: 1, column: 1, offset: 0 };
  return { file, start, end: start };
}
