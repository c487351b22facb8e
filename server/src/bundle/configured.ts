/**
 * The bundles a workspace is configured with (`clearance.policy.bundles`, then `.clearance.yaml`'s
 * `bundles:`), as a `BundleSet`, for the CLI and the language server alike.
 */
import type { ProjectConfig } from '../config/clearance-yaml';
import { toIdentitySettings } from '../config/identity';
import type { ClearanceSettings } from '../config/settings';
import { findToken } from '../identity/source';
import { BundleSet } from './bundle-set';
import { defaultBundleCacheDir } from './cache';

/** The bundle locations of a workspace: the setting's, then `.clearance.yaml`'s, without repeats. */
export function bundleLocations(settings: ClearanceSettings, project?: ProjectConfig): string[] {
  return [...new Set([...settings.policy.bundles, ...(project?.bundles ?? [])])];
}

/** Extra wiring: the editor's sign-in token, and a cache folder other than `~/.clearance/bundles`. */
export interface BundleWiring {
  sessionToken?: () => string | undefined;
  cacheDir?: string;
}

/** A bundle set for the workspace at `root`, or undefined when it names no bundle. */
export function createBundleSet(
  root: string,
  settings: ClearanceSettings,
  project: ProjectConfig | undefined,
  wiring: BundleWiring = {},
): BundleSet | undefined {
  const locations = bundleLocations(settings, project);
  if (locations.length === 0) return undefined;
  return new BundleSet(locations, {
    baseDir: root,
    settings: settings.policy,
    cacheDir: wiring.cacheDir ?? process.env.CLEARANCE_BUNDLE_CACHE ?? defaultBundleCacheDir(),
    regoVersion: settings.policy.regoVersion === 'v0' ? 0 : 1,
    // A repository's own list may not reach outside its folder on disk.
    workspaceOnly: (project?.bundles ?? []).filter((l) => !settings.policy.bundles.includes(l)),
    // The developer's own token: the bundle server can tell who fetched what. Sent only to the
    // origins the user's clearance.policy.bundleOrigins lists (checked before any request).
    identityToken: async () => {
      const session = wiring.sessionToken?.();
      const found = await findToken(toIdentitySettings(settings.identity, {}), {
        baseDir: root,
        env: process.env,
        ...(session ? { sessionToken: session } : {}),
      });
      return found.kind === 'found' ? found.token : undefined;
    },
  });
}
