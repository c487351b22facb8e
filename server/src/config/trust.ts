/**
 * The language server's one trust gate. VS Code already withholds workspace values of the settings
 * package.json lists as restricted when a workspace is untrusted; other editors pass them through,
 * and settings also arrive from a `.code-workspace` file. So the server enforces trust itself: in
 * an untrusted workspace, a restricted setting whose value is one a workspace file gives
 * (`.vscode/settings.json` or any `*.code-workspace` in the folder) is dropped back to its default,
 * whatever channel delivered it. See docs/security.md for the table of sources.
 */
import { isAbsolute, join } from 'node:path';
import type { ClearanceError } from '../errors';
import { resolvesInside } from '../identity/bounded-read';
import {
  type ClearanceSettings,
  defaultSettings,
  readCodeWorkspaceSettings,
  readWorkspaceSettings,
} from './settings';

/**
 * The settings an untrusted workspace may not choose, as `section.key`: they run programs, pick the
 * identity or its keys, reach the network, move or silence the audit trail, or lift the limits
 * that keep the server responsive. `policy.paths` is not here: it is confined to the workspace.
 */
export const RESTRICTED_SETTINGS = [
  'identity.tokenFile',
  'identity.tokenEnv',
  'identity.tokenCommand',
  'identity.deviceCommand',
  'identity.jwksFile',
  'identity.jwksUrl',
  'identity.issuer',
  'identity.audience',
  'identity.claimsFile',
  'identity.source',
  'identity.claimMapping',
  'identity.clockSkewSeconds',
  'identity.clientId',
  'identity.scopes',
  'evaluation.timeoutMs',
  'evaluation.maxSteps',
  'evaluation.maxDepth',
  'evaluation.allowHttpSend',
  'audit.enabled',
  'audit.file',
  'index.maxFiles',
  // Where bundles may come from, the keys that verify them and the bearer they carry (machine settings).
  'policy.bundleOrigins',
  'policy.bundleKeys',
  'policy.bundleAuth',
  'policy.bundleTokenEnv',
] as const;

/** The identity settings an untrusted workspace may not choose (kept for callers of the old name). */
export const UNTRUSTED_IDENTITY_KEYS = RESTRICTED_SETTINGS.filter((key) => key.startsWith('identity.')).map(
  (key) => key.slice('identity.'.length),
) as Array<keyof ClearanceSettings['identity']>;

type Section = Record<string, unknown>;

function get(settings: ClearanceSettings, key: string): unknown {
  const [section = '', name = ''] = key.split('.');
  return (settings as unknown as Record<string, Section>)[section]?.[name];
}

/**
 * Returns `settings` with every value an untrusted workspace's files set for a restricted setting
 * dropped (back to its default), and the names of the settings dropped. With `trusted` true,
 * `settings` is returned as it is.
 */
export function applyWorkspaceTrust(
  settings: ClearanceSettings,
  workspaceFiles: ClearanceSettings | ClearanceSettings[],
  trusted: boolean,
): { settings: ClearanceSettings; ignored: string[] } {
  if (trusted) return { settings, ignored: [] };
  const files = Array.isArray(workspaceFiles) ? workspaceFiles : [workspaceFiles];
  const copy = structuredClone(settings) as unknown as Record<string, Section>;
  const ignored: string[] = [];
  for (const key of RESTRICTED_SETTINGS) {
    const fallback = JSON.stringify(get(defaultSettings, key));
    const current = JSON.stringify(get(settings, key));
    if (current === fallback) continue;
    // Equal values may also come from user settings; dropping them then costs a feature, never safety.
    const fromWorkspace = files.some((file) => JSON.stringify(get(file, key)) === current);
    if (!fromWorkspace) continue;
    const [section = '', name = ''] = key.split('.');
    (copy[section] as Section)[name] = structuredClone(get(defaultSettings, key));
    ignored.push(`clearance.${key}`);
  }
  return { settings: copy as unknown as ClearanceSettings, ignored };
}

/**
 * Every settings file of the workspace folder `root`, as the trust gate compares against them, and
 * the problems reading them (a link out of the folder, a device, a file over the size limit).
 */
export function readWorkspaceSettingFiles(root: string): {
  files: ClearanceSettings[];
  errors: ClearanceError[];
} {
  const own = readWorkspaceSettings(root);
  const others = readCodeWorkspaceSettings(root);
  return {
    files: [own.settings, ...others.map((o) => o.settings)],
    errors: [...own.errors, ...others.flatMap((o) => o.errors)],
  };
}

/**
 * Splits policy paths into those that resolve inside `root` (links followed) and those that do
 * not: a repository may place its policy anywhere in itself, never outside.
 */
export function confinePolicyPaths(root: string, paths: string[]): { inside: string[]; outside: string[] } {
  const inside: string[] = [];
  const outside: string[] = [];
  for (const path of paths) {
    const full = isAbsolute(path) ? path : join(root, path);
    (resolvesInside(root, full) ? inside : outside).push(path);
  }
  return { inside, outside };
}
