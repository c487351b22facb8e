/** The `clearance` command line: the same scanner, identity and engine as the language server. */
import { Command, Option } from 'commander';
import { redactTokensInText } from '../identity';
import { addBundleCommands } from './bundle-command';
import { addBundleFlags } from './bundle-flags';
import { addEngineFlags } from './engine-flags';
import { EXIT_INTERNAL, EXIT_USAGE, SHARED_EXIT_CODES } from './exit-codes';
import { registerFmtCommand } from './fmt-command';
import { usageHint } from './hints';
import { addIdentityFlags } from './identity-flags';
import { runInit } from './init-command';
import { registerLintCommand } from './lint-command';
import { runLanguageServer } from './lsp-command';
import { defaultEvalTimeoutMs, runPolicyCheck, runPolicyEval } from './policy-command';
import { addPolicyInfoCommand } from './policy-info-command';
import { type Output, runScan } from './scan-command';
import { defaultTestTimeoutMs, runPolicyTest } from './test-command';
import { runWhoami } from './whoami-command';

declare const CLEARANCE_VERSION: string | undefined;

/** Collects a repeatable option's values. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Builds the command tree; `setExit` receives each command's exit code. */
export function createProgram(output: Output, setExit: (code: number) => void): Command {
  const program = new Command('clearance')
    .description(
      "Decide, for your own identity, whether each call your code makes is allowed by your organisation's Rego policies.",
    )
    .version(typeof CLEARANCE_VERSION === 'string' ? CLEARANCE_VERSION : 'dev')
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .addHelpText('after', `\nExit codes of every command:\n${SHARED_EXIT_CODES}`)
    .exitOverride();

  addIdentityFlags(
    addBundleFlags(program.command('scan'))
      .description('find the calls under a folder (or in one file) and decide each for your identity')
      .addHelpText(
        'after',
        `\nExit codes: 0 no call is denied; 1 a call is denied for every value the code leaves open;\n2 the scan cannot be trusted (unreadable settings, no usable or an unverified identity, a policy\nthat does not load or lies outside the repository, or a call that could not be decided);\n${SHARED_EXIT_CODES}`,
      )
      .argument(
        '[dir]',
        'the repository folder, or one file in it; from its .vscode/settings.json only the policy location (inside it), entrypoint, Rego version and severities are read',
        '.',
      )
      .addOption(
        new Option('--format <format>', 'output format (sarif: SARIF 2.1.0 for code scanning)')
          .choices(['text', 'json', 'sarif'])
          .default('text'),
      )
      .option(
        '--policy <path>',
        'a policy folder or file, repeatable (default: clearance.policy.paths, else every .rego under dir)',
        collect,
      )
      .option(
        '--entrypoint <ref>',
        'the rule that decides a call (default: clearance.policy.entrypoint, data.api.authz.allow)',
      )
      .option(
        '--allow-http-send',
        "let the policy's http.send reach the network (never read from the folder's settings)",
      )
      .option(
        '--audit-file <path>',
        'append an audit record per decision to this JSONL file (default: $CLEARANCE_AUDIT_FILE, else ~/.clearance/audit.jsonl)',
      )
      .option('--no-audit', 'write no audit records')
      .option(
        '--allow-unverified',
        'decide with a token no key verified (without it, an unverified identity exits 2)',
      )
      .option(
        '--settings <file>',
        "read clearance.* settings (identity included) from this file instead of the folder's .vscode/settings.json",
      ),
  ).action(async (dir: string, flags) => setExit(await runScan(dir, flags, output)));

  program
    .command('init')
    .description('write a commented .clearance.yaml from what the project holds, and print the next step')
    .argument('[dir]', 'the project folder', '.')
    .option('--force', 'replace an existing .clearance.yaml')
    .action((dir: string, flags) => setExit(runInit(dir, flags, output)));

  addIdentityFlags(
    program
      .command('whoami')
      .description('print the identity the CLI decides with: its source, verification state and time left')
      .addHelpText(
        'after',
        `\nExit codes: 0 verified; 1 usable but not verified (no key configured, or simulated with\n--claims-file); 2 no usable identity (missing, invalid, expired) or unreadable settings;\n${SHARED_EXIT_CODES}`,
      )
      .option(
        '--dir <dir>',
        'the workspace folder; as with scan, its .vscode/settings.json never sets the identity',
        '.',
      )
      .option(
        '--settings <file>',
        "read clearance.* settings (identity included) from this file instead of the folder's .vscode/settings.json",
      )
      .option('--json', 'print JSON for scripts'),
  ).action(async (flags) => setExit(await runWhoami(flags, output)));

  const policy = program.command('policy').description('work with Rego policies directly');
  addEngineFlags(
    policy
      .command('eval')
      .description('evaluate a Rego query and print the result shaped like `opa eval` (exit 1 on errors)')
      .addHelpText(
        'after',
        '\nExit codes: 0 evaluated (also when the result is undefined); 1 the policy, data, input or query has\n' +
          `errors, or the evaluation stopped with one; 2 the --schema file cannot be read;\n${SHARED_EXIT_CODES}`,
      )
      .argument('<query>', 'a Rego query, e.g. data.api.authz.allow')
      .option(
        '-d, --data <path>',
        'a policy or data file or folder (.rego, .json, .yaml, .yml), repeatable',
        collect,
      )
      .option('-i, --input <file>', 'the input document (JSON or YAML)')
      .option(
        '-s, --schema <path>',
        'type-check the policy first as opa eval --schema does (a JSON Schema file for input, or a folder of schemas)',
      )
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['json', 'pretty']).default('json'),
      ),
    defaultEvalTimeoutMs,
  ).action((query: string, flags) => setExit(runPolicyEval(query, flags, output)));
  policy
    .command('check')
    .description(
      'parse and compile policies; print each error as file:line:col: code: message (exit 1 on errors)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 no errors; 1 errors, or a path that does not exist; 2 the --schema or --capabilities\n' +
        `file cannot be read;\n${SHARED_EXIT_CODES}`,
    )
    .argument('<paths...>', 'policy files or folders')
    .option(
      '--v0-compatible',
      'parse policies as Rego v0 (OPA 0.x syntax); a bundle .manifest rego_version wins',
    )
    .option(
      '-S, --strict',
      "OPA's strict mode: unused imports, local assignments and function arguments are errors too",
    )
    .option(
      '-s, --schema <path>',
      'type-check the policy as opa check --schema does: against a JSON Schema file for input, or a folder of schemas that # METADATA schemas: annotations name (schema.<file path without .json>)',
    )
    .option(
      '--capabilities <file>',
      'OPA capabilities JSON: the builtins the policy may call (one the engine lacks compiles against its declared arity; any builtin not listed is an undefined function)',
    )
    .action((paths: string[], flags) => setExit(runPolicyCheck(paths, output, flags)));
  addEngineFlags(
    policy
      .command('test')
      .description('run the test_ rules of policies as `opa test` does')
      .addHelpText(
        'after',
        '\nA test passes when its rule gives true (any other value fails); todo_test_ rules are skipped.\n' +
          'Two rules of the same test name are two tests (test_x, test_x#01); test_x[name] reports each case.\n' +
          'Data files (.json, .yaml) load at their folder path, as with `opa test`.\n' +
          'Exit codes: 0 every test passed (or none was found); 2 a test failed, errored or was skipped;\n' +
          `1 a path does not exist, the policy did not load, or --fail-on-empty and no test ran;\n${SHARED_EXIT_CODES}`,
      )
      .argument('<paths...>', 'policy and data files or folders')
      .option('-v, --verbose', 'print every test, not only those that did not pass')
      .option(
        '-r, --run <regex>',
        'run only the tests whose full name (data.pkg.test_x) matches this RE2 pattern',
      )
      .option('-z, --exit-zero-on-skipped', 'exit 0 when the only tests that did not pass were skipped')
      .option('--fail-on-empty', 'exit 1 when no test ran')
      .addOption(
        new Option('-f, --format <format>', 'output format (json: opa test --format json)')
          .choices(['pretty', 'json'])
          .default('pretty'),
      )
      .option(
        '--ignore <pattern>',
        'leave out files and folders whose name matches (* and ?), repeatable',
        collect,
      )
      .option('-b, --bundle', 'the paths are bundles: only data.json / data.yaml files are data')
      .option(
        '--capabilities <file>',
        'OPA capabilities JSON: the builtins the policy may call (declared-only ones error when called)',
      )
      .option(
        '-c, --coverage',
        "print OPA's JSON coverage report (covered and not covered lines per file) instead of the results",
      )
      .option(
        '--threshold <percent>',
        'with --coverage: exit 2 when coverage is below this percentage',
        Number,
      )
      .addOption(
        new Option(
          '--explain <mode>',
          "with -v, the trace printed under FAILURES: fails (the failing expressions), notes (trace() notes), full (every event, as opa test's)",
        ).choices(['fails', 'notes', 'full']),
      )
      .option(
        '--var-values',
        "show variable values: in the trace's last column, and under each failing test's failing expression",
      ),
    defaultTestTimeoutMs,
  ).action((paths: string[], flags) => setExit(runPolicyTest(paths, flags, output)));
  registerFmtCommand(policy, output, setExit);
  registerLintCommand(policy, output, setExit);
  addPolicyInfoCommand(policy, output, setExit);
  addBundleCommands(program, output, setExit);
  program
    .command('lsp')
    .description(
      'run the language server for any LSP editor (Neovim, Helix, Zed, Emacs, JetBrains); see docs/editors.md',
    )
    .option('--stdio', 'talk LSP over standard input and output (the default)')
    .option('--node-ipc', "talk over Node's IPC channel (for a Node parent process)")
    .option('--socket <port>', "connect to the editor's LSP socket on 127.0.0.1:<port>")
    .action(() => {
      const error = runLanguageServer();
      if (error) {
        output.err(`clearance lsp: ${error}`);
        setExit(2);
      }
    });
  return program;
}

/** Runs the CLI with `argv` and resolves to its exit code. */
export async function runCli(argv: string[], output: Output): Promise<number> {
  let code = 0;
  const program = createProgram(output, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const { exitCode, code: reason } = error as { exitCode?: number; code?: string };
    if (typeof exitCode === 'number') {
      // Commander said what is wrong; a new user also needs where the right spelling is.
      const hint = usageHint(program, argv, reason);
      if (hint !== undefined) output.err(`${hint}\n`);
      return exitCode === 0 ? 0 : EXIT_USAGE;
    }
    // Not one of commander's exits: a failure of ours, said rather than swallowed.
    output.err(
      `clearance: internal error: ${redactTokensInText((error as Error)?.message ?? String(error))}\n`,
    );
    return EXIT_INTERNAL;
  }
  return code;
}

/** The process entry used by bin/clearance.js: runs with the real argv, stdout and stderr. */
export function main(): void {
  runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    // Messages name paths and settings; a token pasted into one must not reach a CI log.
    err: (t) => process.stderr.write(redactTokensInText(t)),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`clearance: internal error: ${(error as Error).message}\n`);
      process.exitCode = EXIT_INTERNAL;
    },
  );
}
