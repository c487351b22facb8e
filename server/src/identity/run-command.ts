/**
 * Runs a configured program (a token command, a device probe) the safe way: no shell, a timeout, a
 * cap on what it may print. Reasons name the program and its exit, never its standard output,
 * which may hold a credential; a line of standard error is shown only with tokens blanked out.
 */
import { type ExecFileException, execFile } from 'node:child_process';
import { labelCommand } from './command-setting';
import { redactTokens, sanitizeText } from './display';

export { labelCommand, parseCommandSetting } from './command-setting';

/** What a finished program printed, or why there is nothing to use. */
export type CommandResult = { ok: true; stdout: string } | { ok: false; reason: string };

/** Limits and surroundings of one run. */
export interface RunLimits {
  timeoutMs: number;
  maxOutputBytes: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Runs `argv` without a shell; resolves (never rejects) once it exits, times out or prints too much. */
export function runCommand(argv: readonly string[], limits: RunLimits): Promise<CommandResult> {
  const [program, ...args] = argv;
  const label = labelCommand(argv);
  if (program === undefined) return Promise.resolve({ ok: false, reason: 'the command is empty' });
  return new Promise((resolve) => {
    try {
      execFile(
        program,
        args,
        {
          cwd: limits.cwd,
          env: limits.env,
          timeout: limits.timeoutMs,
          maxBuffer: limits.maxOutputBytes,
          killSignal: 'SIGKILL',
          windowsHide: true,
          shell: false,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          if (error === null) return resolve({ ok: true, stdout });
          resolve({ ok: false, reason: explainFailure(label, error, stderr, limits) });
        },
      );
    } catch (error) {
      // execFile throws synchronously for impossible arguments (a NUL byte, a bad cwd type).
      resolve({ ok: false, reason: `${label} could not be started (${(error as Error).name})` });
    }
  });
}

function explainFailure(label: string, error: ExecFileException, stderr: string, limits: RunLimits): string {
  if (error.code === 'ENOENT') return `${label} was not found (is it installed and on PATH?)`;
  if (error.code === 'EACCES') return `${label} is not executable`;
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return `${label} printed more than ${Math.round(limits.maxOutputBytes / 1024)} KB and was stopped`;
  }
  if (error.killed === true) return `${label} timed out after ${limits.timeoutMs} ms and was stopped`;
  const exit =
    typeof error.code === 'number'
      ? `exited with code ${error.code}`
      : `stopped by ${error.signal ?? 'a signal'}`;
  return `${label} ${exit}${describeStderr(stderr)}`;
}

function describeStderr(stderr: string): string {
  const line = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return '';
  return `: ${sanitizeText(redactTokens(line), 200)}`;
}
