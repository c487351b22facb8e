/**
 * Setup mistakes said once, where the user will see them, each with what to do: no identity (with
 * actions to sign in, choose a token source or evaluate as a claims file), an entrypoint no policy
 * defines (with the ones that exist), a user-only setting in the workspace's settings where VS Code
 * ignores it (a `.clearance.yaml` that maps nothing is hinted in `project-config.ts`). Each notice is sent again only when what it
 * says changes.
 */
import { type Connection, MessageType, ShowMessageRequest } from 'vscode-languageserver/node';
import { describeMisplacedUserSettings, findMisplacedUserSettings } from '../config/mistakes';
import { readWorkspaceSettings } from '../config/settings';
import { isDecidedFor } from '../decision/decide';
import { escapeMarkdown } from '../decision/explain';
import { redactTokensInText } from '../identity';
import type { hoverCommands, noticeCommands } from './client-commands';
import type { ClearanceWorkspace } from './workspace';

/** A notice's action: its button, and the client command it runs (`clearance/runCommand`). */
interface NoticeAction {
  title: string;
  command: (typeof noticeCommands)[number];
  args?: unknown[];
}

const identityActions: NoticeAction[] = [
  { title: 'Sign in', command: 'clearance.signIn' },
  { title: 'Choose a token source', command: 'clearance.chooseSource' },
  { title: 'Evaluate as…', command: 'clearance.evaluateAs' },
];

const shown = new Map<string, string>();

/** Shows `message` with `actions` unless the same notice was the last one of its `kind`. */
function notify(
  connection: Connection,
  kind: string,
  message: string | undefined,
  actions: NoticeAction[],
  type: MessageType = MessageType.Warning,
): void {
  if ((shown.get(kind) ?? '') === (message ?? '')) return;
  shown.set(kind, message ?? '');
  if (!message) return;
  const request = {
    type,
    message: redactTokensInText(message),
    actions: actions.map((a) => ({ title: a.title })),
  };
  void connection.sendRequest(ShowMessageRequest.type, request).then(
    (picked) => {
      const action = actions.find((a) => a.title === picked?.title);
      if (action)
        void connection.sendNotification('clearance/runCommand', {
          command: action.command,
          args: action.args ?? [],
        });
    },
    () => undefined,
  );
}

/** Says what keeps calls from being decided, once per change; nothing at all without a policy. */
export function reportSetupState(
  connection: Connection,
  ws: ClearanceWorkspace,
  log: (level: 'info' | 'warn', text: string) => void,
): void {
  const policy = ws.decisionPolicy;
  // A project without Rego is not a Clearance project yet: no notices there.
  if (!policy || !ws.hasPolicy()) return;
  const identity = ws.identity;
  const missing = !isDecidedFor(identity, ws.settings.identity.anonymous);
  // A missing identity's reason repeats the fixes; an invalid one's names the claim or key that failed.
  const why = identity.status !== 'missing' && identity.reason ? ` (${identity.reason})` : '';
  notify(
    connection,
    'identity',
    missing
      ? `Clearance: no identity yet${why}, so no call is decided or flagged. Sign in, choose where your token comes from, or evaluate as a claims file.`
      : undefined,
    identityActions,
    MessageType.Info,
  );
  const { entrypoint } = ws.settings.policy;
  // The facts the worker found loading the policy: the rules are not compiled again here.
  const defined = policy.errors.length > 0 || policy.entrypointDefined;
  const existing = policy.entrypoints.slice(0, 5);
  notify(
    connection,
    'entrypoint',
    defined
      ? undefined
      : `Clearance: no policy defines the entrypoint ${entrypoint}, so no call is decided.${existing.length > 0 ? ` Defined: ${existing.join(', ')}.` : ''} Set clearance.policy.entrypoint.`,
    [
      {
        title: 'Open the setting',
        command: 'workbench.action.openSettings',
        args: ['clearance.policy.entrypoint'],
      },
    ],
  );
  const misplaced = findMisplacedMachineSettings(ws.root);
  if (misplaced.length > 0)
    log('warn', `user-only settings in the workspace's settings: ${misplaced.join(', ')}`);
  notify(
    connection,
    'machine-settings',
    misplaced.length > 0 ? `Clearance: ${describeMisplacedUserSettings(misplaced)}` : undefined,
    [{ title: 'Open user settings', command: 'workbench.action.openGlobalSettings' }],
  );
}

/** The user-only (application-scoped) settings set in the workspace's own settings file, which VS Code does not apply. */
export function findMisplacedMachineSettings(root: string): string[] {
  return findMisplacedUserSettings(readWorkspaceSettings(root).settings);
}

/** The entrypoints the policy defines and the one in use, for the walkthrough's entrypoint step. */
export function describeEntrypoints(ws: ClearanceWorkspace): {
  current: string;
  defined: boolean;
  entrypoints: string[];
} {
  const policy = ws.decisionPolicy;
  const current = ws.settings.policy.entrypoint;
  if (!policy) return { current, defined: false, entrypoints: [] };
  return { current, defined: policy.entrypointDefined, entrypoints: policy.entrypoints };
}

/**
 * The hover of a call in a workspace without any policy: nothing decides it, so it says so and how
 * to add one; when a policy failed to load (`loadProblem`), it says that instead (the walkthrough's Find or Create the Policy, the policy paths, or bundles), never an
 * entrypoint note, which would send the user after a rule in a policy that does not exist.
 */
export function buildNoPolicyHover(
  settings: ClearanceWorkspace['settings'],
  commands: boolean,
  loadProblem?: string,
): string {
  const link = (label: string, command: (typeof hoverCommands)[number], args?: unknown[]) =>
    commands
      ? `[${label}](command:${command}${args ? `?${encodeURIComponent(JSON.stringify(args))}` : ''})`
      : label;
  // A policy that is there but did not load (it timed out, a path is missing) is not "no policy".
  if (loadProblem !== undefined)
    return [
      '**Not decided: the policy did not load.**',
      escapeMarkdown(redactTokensInText(loadProblem)),
      `Fix it, or ${link('Re-evaluate Permissions', 'clearance.refresh')} to load it again.`,
    ].join('\n\n');
  const configured = settings.policy.paths;
  const where =
    configured.length > 0
      ? `Clearance found no \`.rego\` policy in ${configured.map((p) => `\`${p}\``).join(', ')} (\`clearance.policy.paths\`), so this call is not checked.`
      : 'Clearance found no `.rego` policy in this workspace, so this call is not checked.';
  const fixes = commands
    ? `${link('Find or Create the Policy', 'clearance.walkthrough.findPolicy')} · ${link('Set clearance.policy.paths', 'workbench.action.openSettings', ['clearance.policy.paths'])}`
    : 'Add a `.rego` policy to the workspace (Clearance: Find or Create the Policy writes a starter one), or set `clearance.policy.paths` to the folder that holds it.';
  return [
    '**Not decided: no policy yet.**',
    where,
    fixes,
    'A policy built elsewhere can decide instead: name its OPA bundle in `clearance.policy.bundles`.',
  ].join('\n\n');
}
