/**
 * Command settings (token commands, device probes) as data: how one is split and named. Kept apart
 * from running them (`run-command.ts`, Node only) so the web build can read the settings too.
 */
import { basename } from 'node:path';
import { sanitizeText } from './display';

/** Names a command for people: the program's file name and how many arguments follow. */
export function labelCommand(argv: readonly string[]): string {
  const program = sanitizeText(basename(argv[0] ?? ''), 48);
  const args = argv.length - 1;
  return args === 0 ? program : `${program} (+${args} argument${args === 1 ? '' : 's'})`;
}

/** Splits a command setting: a list is taken as it is; a string is split at whitespace. */
export function parseCommandSetting(value: unknown): string[] | undefined {
  const argv =
    typeof value === 'string'
      ? value.trim().split(/\s+/)
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? (value as string[])
        : undefined;
  if (argv === undefined || argv.length === 0 || argv[0] === undefined || argv[0].trim() === '')
    return undefined;
  return argv;
}
