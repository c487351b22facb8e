/**
 * The language server's side of bundles: keeps the workspace's `BundleSet` matching its settings
 * and `.clearance.yaml`, polls bundle servers, and asks for a reload when a refresh changed the
 * policy version (a new revision, or the last verified bundle kept after a failed update). The
 * reload re-decides open files and runs the impact notice, as a policy edit does.
 */
import { bundleLocations, createBundleSet } from '../bundle/configured';
import type { ClearanceWorkspace } from './workspace';

/** What the controller tells the server. */
export interface BundleControllerHooks {
  log: (level: 'info' | 'warn', text: string) => void;
  /** The policy version changed: reload the policy and republish. */
  onChange: () => void;
}

/** Creates the controller for `ws`; `configure` after settings or `.clearance.yaml` change. */
export function createBundleController(ws: ClearanceWorkspace, hooks: BundleControllerHooks) {
  let key = '';
  let generation = 0;
  return {
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
      if (!set) return;
      void set.refresh().then((r) => {
        if (mine !== generation) return;
        for (const line of set.describe()) hooks.log('info', `bundle ${line}`);
        hooks.onChange();
        set.start((change) => {
          hooks.log('info', `policy version ${change.before ?? '(none)'} -> ${change.after}`);
          for (const line of set.describe()) hooks.log('info', `bundle ${line}`);
          hooks.onChange();
        });
        return r;
      });
    },
    /** Files changed on disk: bundle folders and archives are read again, and a new version reloads. */
    filesChanged(): void {
      const set = ws.bundles;
      if (!set?.hasLocal) return;
      void set.refresh(true).then((r) => {
        if (r.changed && set === ws.bundles) hooks.onChange();
      });
    },
    /** Stops polling. */
    dispose(): void {
      generation++;
      ws.bundles?.stop();
    },
  };
}
