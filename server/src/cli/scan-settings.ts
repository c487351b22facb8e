/**
 * What `clearance scan` takes from the repository it scans, and what only from the person running
 * it. A pull request is untrusted input: from the repository come where its policy is (inside the
 * repository), the entrypoint, the Rego version and the diagnostic severities; identity of any
 * kind, keys, issuers, claims files, commands, audit, evaluation limits and network access come only
 * from flags, the environment, or a settings file the user names with `--settings`.
 */
import { resolve } from 'node:path';
import {
  type ClearanceSettings,
  defaultSettings,
  readSettingsFile,
  readWorkspaceSettings,
} from '../config/settings';
import { confinePolicyPaths } from '../config/trust';
import type { ClearanceError } from '../errors';

/** The `clearance.*` keys a repository's `.vscode/settings.json` may set for `scan`. */
export const REPOSITORY_SETTINGS = [
  'policy.paths',
  'policy.entrypoint',
  'policy.regoVersion',
  'diagnostics.deniedSeverity',
  'diagnostics.conditionalSeverity',
] as const;

/** The settings a scan runs with, the problems reading them, and a reason to stop (exit 2) if any. */
export interface ScanSettings {
  settings: ClearanceSettings;
  errors: ClearanceError[];
  /** Repository settings that were set and ignored, as `clearance.a.b`. */
  ignored: string[];
  /** Why the scan cannot go on, e.g. a policy path that leaves the repository. */
  fatal?: string;
}

/**
 * Reads the settings of a scan of `root`. With `userSettingsFile` (the `--settings` flag), that file
 * is the whole configuration and the repository's is not read; otherwise only the keys of
 * `REPOSITORY_SETTINGS` are taken from the repository, its policy paths confined to it.
 */
export function readScanSettings(root: string, userSettingsFile: string | undefined): ScanSettings {
  if (userSettingsFile !== undefined) {
    const file = resolve(userSettingsFile);
    const read = readSettingsFile(file, undefined);
    const fatal = read.errors.some((e) => e.code === 'config_parse_error')
      ? `the settings file ${file} cannot be read; fix it first`
      : undefined;
    return { ...read, ignored: [], ...(fatal ? { fatal } : {}) };
  }
  const repo = readWorkspaceSettings(root);
  const from = repo.settings;
  const settings = structuredClone(defaultSettings);
  settings.policy = { ...from.policy };
  settings.diagnostics = { ...from.diagnostics };
  const ignored = listIgnored(from);
  if (repo.errors.some((e) => e.code === 'config_parse_error'))
    return {
      settings,
      errors: repo.errors,
      ignored,
      fatal: 'the workspace settings cannot be read; fix them first',
    };
  const { outside } = confinePolicyPaths(root, from.policy.paths);
  if (outside.length > 0) {
    return {
      settings,
      errors: repo.errors,
      ignored,
      fatal: `clearance.policy.paths in ${root}/.vscode/settings.json names ${outside.map((p) => JSON.stringify(p)).join(', ')}, outside the repository (a link counts where it leads); a repository's policy must be inside it, or pass --policy`,
    };
  }
  return { settings, errors: repo.errors, ignored };
}

/** Every repository setting other than `REPOSITORY_SETTINGS` that differs from its default. */
function listIgnored(from: ClearanceSettings): string[] {
  const ignored: string[] = [];
  const sections = from as unknown as Record<string, Record<string, unknown>>;
  const defaults = defaultSettings as unknown as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(sections)) {
    for (const [name, value] of Object.entries(values)) {
      const key = `${section}.${name}`;
      if ((REPOSITORY_SETTINGS as readonly string[]).includes(key)) continue;
      if (JSON.stringify(value) !== JSON.stringify(defaults[section]?.[name]))
        ignored.push(`clearance.${key}`);
    }
  }
  return ignored;
}
