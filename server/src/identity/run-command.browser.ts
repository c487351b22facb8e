/**
 * Running configured programs in the browser (replaces `run-command.ts` in the web build): a web
 * worker cannot start a process, so token commands and device probes are unavailable there and
 * every run says so instead of failing obscurely.
 */
import type { CommandResult, RunLimits } from './run-command';

export { labelCommand, parseCommandSetting } from './command-setting';
export type { CommandResult, RunLimits } from './run-command';

/** Why no command runs in the web build: the words the identity's reason carries. */
export const COMMANDS_UNAVAILABLE =
  'commands (clearance.identity.tokenCommand, deviceCommand) cannot run in the web build of Clearance (vscode.dev, github.dev): use Clearance: Sign In, or the desktop extension';

/** Never runs anything: a web worker has no processes. */
export function runCommand(_argv: readonly string[], _limits: RunLimits): Promise<CommandResult> {
  return Promise.resolve({ ok: false, reason: COMMANDS_UNAVAILABLE });
}
