/**
 * Workspace Trust for identity settings. VS Code already ignores workspace values of the settings
 * package.json lists as restricted when a workspace is untrusted, and of machine-scoped settings
 * always; this is the language server's own check behind it, for editors that do neither: in an
 * untrusted workspace, a setting that could run a program or redirect verification is dropped when
 * its value is the one the workspace's `.vscode/settings.json` gives.
 */
import { type ClearanceSettings, defaultSettings } from './settings';

/** The identity settings an untrusted workspace may not choose: they run programs or pick keys. */
export const UNTRUSTED_IDENTITY_KEYS = [
  'tokenCommand',
  'deviceCommand',
  'issuer',
  'jwksUrl',
  'jwksFile',
  'audience',
  'claimsFile',
] as const satisfies ReadonlyArray<keyof ClearanceSettings['identity']>;

/**
 * Returns `settings` with every untrusted-workspace value dropped (back to its default) and the
 * names of the settings dropped. With `trusted` true, `settings` is returned as it is.
 */
export function applyWorkspaceTrust(
  settings: ClearanceSettings,
  workspaceFile: ClearanceSettings,
  trusted: boolean,
): { settings: ClearanceSettings; ignored: string[] } {
  if (trusted) return { settings, ignored: [] };
  const identity = { ...settings.identity };
  const ignored: string[] = [];
  for (const key of UNTRUSTED_IDENTITY_KEYS) {
    const fromFile = JSON.stringify(workspaceFile.identity[key]);
    if (fromFile === JSON.stringify(defaultSettings.identity[key])) continue;
    // Equal values may also come from user settings; dropping them then costs verification, never safety.
    if (JSON.stringify(identity[key]) !== fromFile) continue;
    Object.assign(identity, { [key]: defaultSettings.identity[key] });
    ignored.push(`clearance.identity.${key}`);
  }
  return { settings: { ...settings, identity }, ignored };
}
