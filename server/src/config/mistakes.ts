/**
 * Configuration mistakes the editor and the CLI name in the same words: a user-only setting put in
 * a workspace's `.vscode/settings.json` (where VS Code ignores it), and a `.clearance.yaml` that
 * maps nothing. Pure: the callers read the files and decide where the message goes.
 */
import type { ProjectConfig } from './clearance-yaml';
import { type ClearanceSettings, defaultSettings } from './settings';

/**
 * The settings only the user sets (package.json `"scope": "application"`): they run programs on the
 * user's machine, choose the keys and origins of bundles, or move or silence the audit log.
 */
export const USER_ONLY_SETTINGS = [
  'identity.tokenCommand',
  'identity.deviceCommand',
  'audit.enabled',
  'audit.file',
  'policy.bundleOrigins',
  'policy.bundleKeys',
  'policy.bundleAuth',
  'policy.bundleTokenEnv',
] as const;

function settingAt(settings: ClearanceSettings, key: string): unknown {
  const [section = '', name = ''] = key.split('.');
  return (settings as unknown as Record<string, Record<string, unknown>>)[section]?.[name];
}

/** The user-only settings a workspace's settings file sets, as `clearance.a.b`. */
export function findMisplacedUserSettings(workspaceSettings: ClearanceSettings): string[] {
  return USER_ONLY_SETTINGS.filter(
    (key) =>
      JSON.stringify(settingAt(workspaceSettings, key)) !== JSON.stringify(settingAt(defaultSettings, key)),
  ).map((key) => `clearance.${key}`);
}

/** "clearance.x is in this workspace's .vscode/settings.json, where VS Code ignores it ... user settings." */
export function describeMisplacedUserSettings(names: readonly string[]): string {
  const many = names.length > 1;
  return `${names.join(' and ')} ${many ? 'are' : 'is'} in this workspace's .vscode/settings.json, where VS Code ignores ${many ? 'them' : 'it'} (only you may set what runs on your machine, which bundles to trust, or where the audit goes). Move ${many ? 'them' : 'it'} to your user settings.`;
}

/** What a `.clearance.yaml` that maps nothing is told. */
export const EMPTY_PROJECT_CONFIG_MESSAGE =
  'This file maps nothing: no baseUrls, routes, clients or actions, so calls are read from the code alone. Uncomment or add an entry.';

/**
 * Whether a `.clearance.yaml` with this text reads without errors and still maps nothing (no base
 * URL, route, client, action, lint setting, bundle, OpenAPI document or GraphQL section). No file, or a blank one, is plainly no
 * configuration and is not reported; a file of comments only looks like one.
 */
export function projectConfigMapsNothing(
  config: ProjectConfig | undefined,
  text: string | undefined,
  hasErrors: boolean,
): boolean {
  if (config === undefined || text === undefined || text.trim() === '' || hasErrors) return false;
  return (
    config.baseUrls.length === 0 &&
    config.routes.length === 0 &&
    config.clients.length === 0 &&
    config.actions.size === 0 &&
    config.lint === undefined &&
    (config.bundles?.length ?? 0) === 0 &&
    (config.openapi?.length ?? 0) === 0 &&
    config.graphql === undefined
  );
}
