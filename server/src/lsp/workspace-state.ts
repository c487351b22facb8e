/**
 * What every language server's workspace holds, the desktop's (`workspace.ts`) and the web
 * worker's (`web/web-workspace.ts`) alike: settings, identity, the loaded policy, `.clearance.yaml`
 * and the open documents. Each server's workspace adds how it loads and decides them.
 */
import { emptyProjectConfig, type ProjectConfig } from '../config/clearance-yaml';
import { type ClearanceSettings, defaultSettings } from '../config/settings';
import type { ClearanceError } from '../errors';
import type { Identity } from '../identity';
import type { PolicyView } from './worker/policy-view';

/** A document's text and version as the editor has it. */
export interface OpenDocument {
  path: string;
  text: string;
  version: number;
}

/** The state of one workspace folder that both servers' handlers read. */
export class WorkspaceState {
  settings: ClearanceSettings = defaultSettings;
  settingErrors: ClearanceError[] = [];
  identity: Identity = {
    status: 'missing',
    reason: 'not resolved yet',
    source: { kind: 'none', label: 'none' },
  };
  /**
   * The policy as last loaded, errors included: its errors are the policy files' diagnostics. With
   * the desktop's analysis worker, this is a view: the worker compiled the policy and decides with
   * it, and the rules are compiled here only if something asks for them (see `worker/policy-view.ts`).
   */
  policy: PolicyView | undefined;
  /**
   * The last policy that compiled without errors. While a policy file is broken mid-edit, calls keep
   * being decided with it rather than all turning into errors; hovers say so.
   */
  decisionPolicy: PolicyView | undefined;
  readonly documents = new Map<string, OpenDocument>();
  /**
   * The last `.clearance.yaml` that read without errors (the empty one when there is none): while
   * the file is broken mid-edit, calls keep being decided with it.
   */
  projectConfig: ProjectConfig = emptyProjectConfig;
  /** The problems of `.clearance.yaml` as last read: its diagnostics. */
  projectConfigErrors: ClearanceError[] = [];

  constructor(readonly root: string) {}
}
