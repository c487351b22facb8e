/**
 * The workspace's settings through the one trust gate: in an untrusted workspace, restricted values
 * that a workspace file (`.vscode/settings.json`, a `*.code-workspace`) sets are dropped, and a
 * policy path it sets outside the folder too; each dropped value is said as a setting error.
 */
import { type ClearanceSettings, normalizeSettings } from '../config/settings';
import { applyWorkspaceTrust, confinePolicyPaths, readWorkspaceSettingFiles } from '../config/trust';
import type { ClearanceError } from '../errors';

/** The settings of the `clearance` section as the editor returns it, for a workspace trusted or not. */
export function settingsThroughTrust(
  root: string,
  raw: unknown,
  trusted: boolean,
): { settings: ClearanceSettings; errors: ClearanceError[] } {
  const { settings, errors } = normalizeSettings(raw);
  if (trusted) return { settings, errors };
  // The workspace's own files are read only when it matters: in an untrusted workspace.
  const files = readWorkspaceSettingFiles(root);
  const trust = applyWorkspaceTrust(settings, files.files, false);
  let kept = trust.settings;
  errors.push(...files.errors);
  const fromWorkspace = files.files.some(
    (f) => JSON.stringify(f.policy.paths) === JSON.stringify(settings.policy.paths),
  );
  if (fromWorkspace && settings.policy.paths.length > 0) {
    const { inside, outside } = confinePolicyPaths(root, settings.policy.paths);
    kept = { ...kept, policy: { ...kept.policy, paths: inside } };
    if (outside.length > 0)
      trust.ignored.push(`clearance.policy.paths ${outside.join(', ')} (outside the workspace)`);
  }
  for (const name of trust.ignored) {
    errors.push({
      code: 'config_error',
      message: `${name} from this untrusted workspace's settings is ignored; trust the workspace to use it`,
    });
  }
  return { settings: kept, errors };
}
