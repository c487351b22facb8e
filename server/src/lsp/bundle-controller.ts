/**
 * The language server's side of bundles: keeps the workspace's `BundleSet` matching its settings
 * and `.clearance.yaml`, polls bundle servers, and asks for a reload when a refresh changed the
 * policy version (a new revision, or the last verified bundle kept after a failed update). The
 * reload re-decides open files and runs the impact notice, as a policy edit does. Each bundle's
 * state (source, revision, signature, age, last error) goes to the editor's status bar menu.
 */
import { bundleLocations, createBundleSet } from '../bundle/configured';
import { redactTokensInText } from '../identity';
import type { BundlesNotification } from './clearance-protocol';
import type { ClearanceWorkspace } from './workspace';

/** What the controller tells the server. */
export interface BundleControllerHooks {
  log: (level: 'info' | 'warn', text: string) => void;
  /** The policy version changed: reload the policy and republish. */
  onChange: () => void;
  /** The bundles' state changed (read, a new revision, a failed update, none configured). */
  onStatus?: (status: BundlesNotification) => void;
}

/** Creates the controller for `ws`; `configure` after settings or `.clearance.yaml` change. */
export function createBundleController(ws: ClearanceWorkspace, hooks: BundleControllerHooks) {
  let key = '';
  let generation = 0;
  // A location or an error may quote a URL with credentials in it: nothing token-like leaves.
  const status = (): BundlesNotification =>
    JSON.parse(
      redactTokensInText(
        JSON.stringify({
          bundles: ws.bundles?.status() ?? [],
          ...(ws.bundles ? { version: ws.bundles.policy().version } : {}),
        }),
      ),
    ) as BundlesNotification;
  const changed = () => {
    hooks.onChange();
    hooks.onStatus?.(status());
  };
  return {
    /** Each configured bundle's state now, and the policy version they make. */
    status,
    /** Re-creates the bundle set when the bundle settings changed, then reads it in the background. */
    configure(): void {
      const locations = bundleLocations(ws.settings, ws.projectConfig);
      const { paths: _p, entrypoint: _e, ...bundleSettings } = ws.settings.policy;
      const next = JSON.stringify({ locations, bundleSettings, identity: ws.settings.identity });
      if (next === key) return;
      key = next;
      ws.bundles?.stop();
      // With `bundleAuth: identity`, the sign-in session's token is the bearer when there is one.
      const set = createBundleSet(ws.root, ws.settings, ws.projectConfig, {
        sessionToken: () => ws.getSessionToken(),
      });
      ws.bundles = set;
      const mine = ++generation;
      if (!set) {
        hooks.onStatus?.(status());
        return;
      }
      void set.refresh().then((r) => {
        if (mine !== generation) return;
        for (const line of set.describe()) hooks.log('info', `bundle ${line}`);
        changed();
        set.start((change) => {
          hooks.log('info', `policy version ${change.before ?? '(none)'} -> ${change.after}`);
          for (const line of set.describe()) hooks.log('info', `bundle ${line}`);
          changed();
        });
        return r;
      });
    },
    /** Files changed on disk: bundle folders and archives are read again, and a new version reloads. */
    filesChanged(): void {
      const set = ws.bundles;
      if (!set?.hasLocal) return;
      void set.refresh(true).then((r) => {
        if (r.changed && set === ws.bundles) changed();
      });
    },
    /** Stops polling. */
    dispose(): void {
      generation++;
      ws.bundles?.stop();
    },
  };
}
