/**
 * The "what to do" lines the CLI adds after an error a new user meets first: a flag or command it does
 * not know, and a policy written in OPA 0.x syntax read as Rego v1.
 */
import type { Command } from 'commander';
import type { ClearanceError } from '../errors';

// The messages Rego v1's parser gives on OPA 0.x rules (server/src/rego/syntax/parser-rules.ts), as OPA 1.x.
const V0_SYNTAX = /^`(?:if|contains)` keyword is required /;

/** Whether `errors` hold a parse error that OPA 0.x syntax causes under Rego v1 (`allow { … }`, `deny[msg] { … }`). */
export function looksLikeRegoV0(errors: readonly ClearanceError[]): boolean {
  return errors.some((error) => error.code === 'rego_parse_error' && V0_SYNTAX.test(error.message));
}

/**
 * The hint for a policy in OPA 0.x syntax: how to read it as such (`readAsV0`: the flag or setting of
 * this command), or rewrite it as Rego v1.
 */
export function regoV0Hint(command: string, readAsV0: string): string {
  return `${command}: these files look like Rego v0 (OPA 0.x syntax: a rule body without \`if\`, a partial set without \`contains\`); ${readAsV0} to read them as v0, or rewrite them as Rego v1 with \`clearance policy fmt -w <paths>\``;
}

// Commander's errors about how the command line is written (not about the project).
const USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.invalidArgument',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

/**
 * For a usage error, the line that says where the options are: `clearance policy eval --help`, for the
 * deepest command `argv` names. Undefined for commander's other exits (help, version).
 */
export function usageHint(
  program: Command,
  argv: readonly string[],
  code: string | undefined,
): string | undefined {
  if (code === undefined || !USAGE_ERRORS.has(code)) return undefined;
  const names = [program.name()];
  let command = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub === undefined) break;
    names.push(sub.name());
    command = sub;
  }
  const what = command.commands.length > 0 ? 'its commands and options' : 'its options';
  return `Run \`${names.join(' ')} --help\` for ${what}.`;
}

/**
 * What to do about an identity `scan` and `whoami` cannot use, by its state: where a token can come
 * from when there is none, a new one when it expired, the token or its keys when it does not verify.
 */
export function identityFix(status: 'missing' | 'invalid' | 'expired'): string {
  switch (status) {
    case 'missing':
      return 'pass --token-file <file>, --token-env <name> or --token-command <command> (with --jwks-file or --issuer to verify it), or --claims-file <file> to decide as a set of claims (simulated)';
    case 'expired':
      return 'get a new token from your identity provider and pass it again';
    case 'invalid':
      return 'check that it is the JWT your identity provider issued, and the keys and issuer that verify it (--jwks-file, --jwks-url, --issuer, --audience)';
  }
}
