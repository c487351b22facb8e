/**
 * One OPA bundle read from its files: the `.manifest` (revision, roots, Rego versions, metadata,
 * wasm entrypoints), its Rego modules, its data placed by folder, its `policy.wasm` modules, its
 * content hash and its signature state. Nothing here decides: `activate.ts` turns bundles into a
 * policy.
 */
import { createHash } from 'node:crypto';
import type { ClearanceError } from '../errors';
import type { JsonValue } from '../rego';
import type { BundleFiles } from './files';
import { findOverlapWithin } from './roots';
import {
  type SignatureState,
  signaturesFile,
  type VerificationConfig,
  verifyBundleSignature,
} from './signature';

/** A `.manifest` as OPA reads it, defaults applied (`roots` is `[""]`: all of `data`). */
export interface BundleManifestInfo {
  revision: string;
  roots: string[];
  regoVersion?: 0 | 1;
  metadata?: { [key: string]: JsonValue };
  /** `wasm` resolvers: which `policy.wasm` answers which entrypoint (`example/allow`). */
  wasm: Array<{ entrypoint: string; module: string }>;
  /** The manifest's text, for `policy/manifest.ts` to read `rego_version` and `file_rego_versions`. */
  text?: string;
}

/** A bundle read and checked, ready to activate. */
export interface Bundle {
  /** What the user named: a path or URL; the name OPA's overlap errors use. */
  name: string;
  /** The prefix of its files' locations in errors and hovers (a folder path, or `<archive>!`). */
  location: string;
  manifest: BundleManifestInfo;
  files: BundleFiles;
  /** `sha256:` and 12 hex digits over every file's path and content. */
  hash: string;
  signature: SignatureState;
}

const manifestFile = '.manifest';

/** Reads `files` as a bundle and checks its signature against `verification`; returns errors instead when it is unusable. */
export async function openBundle(
  name: string,
  location: string,
  files: BundleFiles,
  verification: VerificationConfig | undefined,
): Promise<{ bundle?: Bundle; errors: ClearanceError[] }> {
  const error = (message: string, file = manifestFile): { errors: ClearanceError[] } => ({
    errors: [{ code: 'bundle_error', message: `${name}: ${message}`, location: at(`${location}/${file}`) }],
  });
  const signature = await verifyBundleSignature(files, verification);
  if (signature.state === 'refused')
    return error(`bundle signature verification failed: ${signature.reason}`, signaturesFile);
  const manifest = parseBundleManifest(files.get(manifestFile));
  if (typeof manifest === 'string') return error(`bundle load failed on manifest decode: ${manifest}`);
  const overlap = findOverlapWithin(manifest.roots);
  if (overlap) return error(overlap);
  for (const w of manifest.wasm) {
    if (!files.has(w.module.replace(/^\/+/, ''))) {
      return error(`manifest references wasm module '${w.module}' but the module file does not exist`);
    }
  }
  const seen = new Set<string>();
  for (const w of manifest.wasm) {
    if (seen.has(w.entrypoint))
      return error(`entrypoint '${w.entrypoint}' cannot be used by more than one wasm module`);
    seen.add(w.entrypoint);
  }
  return { bundle: { name, location, manifest, files, hash: hashFiles(files), signature }, errors: [] };
}

/** Parses a `.manifest`; a string is the reason it is malformed. A missing manifest gives the defaults. */
export function parseBundleManifest(raw: Buffer | undefined): BundleManifestInfo | string {
  if (raw === undefined) return { revision: '', roots: [''], wasm: [] };
  const text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
  if (!isRecord(value)) return 'a manifest must be a JSON object';
  const { revision, roots, metadata, wasm, rego_version: regoVersion } = value;
  if (revision !== undefined && typeof revision !== 'string') return 'revision must be a string';
  if (roots !== undefined && !(Array.isArray(roots) && roots.every((r) => typeof r === 'string'))) {
    return 'roots must be a list of strings';
  }
  if (metadata !== undefined && !isRecord(metadata)) return 'metadata must be an object';
  if (regoVersion !== undefined && regoVersion !== 0 && regoVersion !== 1)
    return 'rego_version must be 0 or 1';
  const resolvers: BundleManifestInfo['wasm'] = [];
  if (wasm !== undefined) {
    if (!Array.isArray(wasm)) return 'wasm must be a list of {entrypoint, module}';
    for (const w of wasm) {
      if (!isRecord(w) || typeof w.entrypoint !== 'string' || typeof w.module !== 'string') {
        return 'wasm must be a list of {entrypoint, module}';
      }
      resolvers.push({ entrypoint: w.entrypoint.replace(/^\/+|\/+$/g, ''), module: w.module });
    }
  }
  return {
    revision: revision ?? '',
    // OPA trims slashes off roots before comparing them.
    roots: ((roots as string[] | undefined) ?? ['']).map((r) => r.replace(/^\/+|\/+$/g, '')),
    ...(regoVersion !== undefined ? { regoVersion } : {}),
    ...(metadata !== undefined ? { metadata: metadata as { [key: string]: JsonValue } } : {}),
    wasm: resolvers,
    text,
  };
}

/** The content hash of a bundle: every file's path and bytes, in path order (`.signatures.json` included). */
export function hashFiles(files: BundleFiles): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) {
    hash.update(`${path}\0`);
    hash.update(files.get(path) as Buffer);
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex').slice(0, 12)}`;
}

function at(file: string): ClearanceError['location'] {
  const start = { line: 1, column: 1, offset: 0 };
  return { file, start, end: start };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
