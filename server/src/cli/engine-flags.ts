/** The flags every `clearance policy` command shares: Rego syntax version and evaluation limits. */
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_LIMITS, type EvalLimits } from '../rego';

/** The raw values of the shared engine flags, as commander hands them over. */
export interface EngineFlags {
  v0Compatible?: boolean;
  timeout?: number;
  maxSteps?: number;
  maxDepth?: number;
  /** OPA's strict mode checks (`policy check --strict`). */
  strict?: boolean;
}

/** Adds `--v0-compatible`, `--timeout`, `--max-steps` and `--max-depth` to `command`. */
export function addEngineFlags(command: Command, defaultTimeoutMs: number): Command {
  return command
    .option(
      '--v0-compatible',
      'parse policies as Rego v0 (OPA 0.x syntax); a bundle .manifest rego_version wins',
    )
    .option(
      '--timeout <duration>',
      `stop an evaluation after this long, e.g. 500ms, 5s (default ${formatMs(defaultTimeoutMs)})`,
      parseDuration,
    )
    .option(
      '--max-steps <n>',
      `stop an evaluation after this many steps (default ${DEFAULT_LIMITS.maxSteps})`,
      parseCount,
    )
    .option(
      '--max-depth <n>',
      `stop an evaluation nested deeper than this many rule/function calls (default ${DEFAULT_LIMITS.maxDepth})`,
      parseCount,
    );
}

/** The limits the flags ask for, with `defaultTimeoutMs` when `--timeout` is absent. */
export function selectLimits(flags: EngineFlags, defaultTimeoutMs: number): Required<EvalLimits> {
  return {
    timeoutMs: flags.timeout ?? defaultTimeoutMs,
    maxSteps: flags.maxSteps ?? DEFAULT_LIMITS.maxSteps,
    maxDepth: flags.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
}

/** The parser's Rego version for the flags. */
export function selectRegoVersion(flags: EngineFlags): 0 | 1 {
  return flags.v0Compatible ? 0 : 1;
}

/** Parses a Go-style duration (`250ms`, `5s`, `1m`, `1.5s`; a bare number is milliseconds) into ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError('expected a duration such as 500ms, 5s or 1m.');
  const n = Number(m[1]);
  const ms = m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
  if (!(ms >= 1 && ms <= 3_600_000))
    throw new InvalidArgumentError('expected a duration between 1ms and 1h.');
  return ms;
}

function parseCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
