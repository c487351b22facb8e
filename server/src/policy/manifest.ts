/**
 * OPA bundle manifests (`.manifest`): the folder holding one is a bundle's root, and its
 * `rego_version` (0 or 1) and `file_rego_versions` (path globs to versions) say which Rego syntax
 * the bundle's files are written in, as OPA reads them.
 */
import { dirname, relative, sep } from 'node:path';
import type { ClearanceError, Location } from '../errors';
import { compilePathGlob, type GlobMatcher } from '../rego/builtins/glob';

/** What Clearance reads of one manifest. */
export interface BundleManifest {
  /** The bundle's root folder (the manifest's folder). */
  root: string;
  regoVersion?: 0 | 1;
  /** Per-file versions: glob patterns relative to the root, first match wins. */
  fileVersions: Array<{ pattern: GlobMatcher; regoVersion: 0 | 1 }>;
}

/** Parses a `.manifest`; a malformed one is reported with its file and ignored. */
export function parseManifest(
  file: string,
  text: string,
  errors: ClearanceError[],
): BundleManifest | undefined {
  const start = { line: 1, column: 1, offset: 0 };
  const location: Location = { file, start, end: start };
  const fail = (message: string): undefined => {
    errors.push({ code: 'bundle_error', message: `${file}: ${message}`, location });
    return undefined;
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`manifest is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('manifest must be a JSON object');
  const manifest: BundleManifest = { root: dirname(file), fileVersions: [] };
  const { rego_version: version, file_rego_versions: perFile } = raw as Record<string, unknown>;
  if (version !== undefined) {
    if (version !== 0 && version !== 1)
      return fail(`rego_version must be 0 or 1, not ${JSON.stringify(version)}`);
    manifest.regoVersion = version;
  }
  if (perFile !== undefined) {
    if (typeof perFile !== 'object' || perFile === null || Array.isArray(perFile)) {
      return fail('file_rego_versions must be an object of path patterns to 0 or 1');
    }
    for (const [pattern, v] of Object.entries(perFile)) {
      if (v !== 0 && v !== 1)
        return fail(`file_rego_versions["${pattern}"] must be 0 or 1, not ${JSON.stringify(v)}`);
      manifest.fileVersions.push({ pattern: compilePathGlob(pattern), regoVersion: v });
    }
  }
  return manifest;
}

/**
 * The Rego version of `file`: from the innermost bundle holding it (a `file_rego_versions` match,
 * else its `rego_version`), else `fallback` (the `clearance.policy.regoVersion` setting).
 */
export function selectRegoVersion(file: string, bundles: BundleManifest[], fallback: 0 | 1): 0 | 1 {
  let best: BundleManifest | undefined;
  for (const b of bundles) {
    const rel = relative(b.root, file);
    if (rel.startsWith('..') || rel.startsWith(sep)) continue;
    if (!best || b.root.length > best.root.length) best = b;
  }
  if (!best) return fallback;
  const rel = relative(best.root, file).split(sep).join('/');
  for (const f of best.fileVersions) if (f.pattern.test(rel)) return f.regoVersion;
  return best.regoVersion ?? fallback;
}
