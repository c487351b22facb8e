/**
 * `clearance policy lint`: the Rego linter over files and folders, with the `lint:` section of the
 * current folder's `.clearance.yaml`; text, JSON or SARIF 2.1.0 output, and Regal's exit codes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Command, Option } from 'commander';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { readProjectConfig } from '../config/clearance-yaml';
import { type ClearanceError, formatError } from '../errors';
import { LINT_RULES, type LintConfig, type LintViolation, lintSource, matchesGlob } from '../lint';
import { lintWorkspace, WORKSPACE_LINT_RULES } from '../lint/workspace';
import { parseModule } from '../rego/syntax/parser';
import { EXIT_USAGE, SHARED_EXIT_CODES } from './exit-codes';
import { displayPath, formatCliError, noSuchPath } from './given-paths';
import { informationUri, readVersion, toArtifactLocation } from './sarif';
import type { Output } from './scan-command';

/** The options of `clearance policy lint`. */
export interface LintFlags {
  format: string;
  failLevel: string;
  v0Compatible?: boolean;
}

/** Policy files bigger than this are refused rather than read. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Where each rule is documented. */
const DOCS = 'docs/lint.md';

/** Registers `lint` on the `policy` command group. */
export function registerLintCommand(policy: Command, output: Output, setExit: (code: number) => void): void {
  policy
    .command('lint')
    .description("lint Rego files with Regal's most useful rules (see docs/lint.md)")
    .argument('[paths...]', 'files or folders (default: the current folder)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'),
    )
    .addOption(
      new Option('--fail-level <level>', 'the lowest level that fails the run')
        .choices(['error', 'warning'])
        .default('error'),
    )
    .option('--v0-compatible', 'read policies as Rego v0 (OPA 0.x syntax)')
    .addHelpText(
      'after',
      '\nRule levels and ignored files come from the `lint:` section of ./.clearance.yaml.\n' +
        'Exit codes (as Regal): 0 no violation at or above --fail-level; 3 a violation of level error;\n' +
        '2 a violation of level warning with --fail-level warning; 1 a path, a file or .clearance.yaml could\n' +
        `not be read or parsed;\n${SHARED_EXIT_CODES}`,
    )
    .action((paths: string[], flags: LintFlags) => setExit(runPolicyLint(paths, flags, output)));
}

/** Lints `paths` (default `.`); returns the exit code. */
export function runPolicyLint(
  paths: string[],
  flags: LintFlags,
  output: Output,
  cwd = process.cwd(),
): number {
  if (!['text', 'json', 'sarif'].includes(flags.format)) {
    output.err(`clearance policy lint: unknown format "${flags.format}" (use text, json or sarif)\n`);
    return EXIT_USAGE;
  }
  if (!['error', 'warning'].includes(flags.failLevel)) {
    output.err(`clearance policy lint: unknown --fail-level "${flags.failLevel}" (use error or warning)\n`);
    return EXIT_USAGE;
  }
  const project = readProjectConfig(cwd);
  if (!project.config) {
    for (const e of project.errors) output.err(`${formatCliError(e, cwd)}\n`);
    return 1;
  }
  const config: LintConfig = project.config.lint ?? {};
  const errors: ClearanceError[] = [];
  const files = collect(paths.length > 0 ? paths : ['.'], cwd, config, (path) =>
    // A path that is not there lints nothing: that must not pass as "no violations".
    errors.push({ code: 'lint_error', message: noSuchPath(path, cwd) }),
  );
  const violations: LintViolation[] = [];
  const sources: Array<{ file: string; text: string }> = [];
  for (const file of files) {
    let text: string;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      text = readFileSync(file, 'utf8');
    } catch (e) {
      errors.push({ code: 'lint_error', message: `cannot read ${file}: ${(e as Error).message}` });
      continue;
    }
    const name = displayPath(file, cwd);
    const regoVersion = flags.v0Compatible ? 0 : undefined;
    const parsed = parseModule(text, { file: name, regoVersion: regoVersion ?? 1 });
    if (parsed.errors.length > 0 && regoVersion === undefined) {
      const v0 = parseModule(text, { file: name, regoVersion: 0 });
      if (v0.errors.length > 0) errors.push(...parsed.errors);
    } else if (parsed.errors.length > 0) errors.push(...parsed.errors);
    violations.push(
      ...lintSource(name, text, { config, ...(regoVersion === undefined ? {} : { regoVersion }) }),
    );
    sources.push({ file: name, text });
  }
  // The rules that need every file at once (an import nothing defines); data files are not read here.
  violations.push(...lintWorkspace(sources, { config, ...(flags.v0Compatible ? { regoVersion: 0 } : {}) }));
  if (flags.format === 'json')
    output.out(`${JSON.stringify(toJson(violations, files.length, errors), null, 2)}\n`);
  else if (flags.format === 'sarif')
    output.out(`${JSON.stringify(toSarif(violations, errors, cwd), null, 2)}\n`);
  else output.out(toText(violations, files.length, errors));
  if (errors.length > 0) return 1;
  if (violations.some((v) => v.level === 'error')) return 3;
  if (flags.failLevel === 'warning' && violations.length > 0) return 2;
  return 0;
}

/** The `.rego` files named or under the folders named, minus the ignored ones; `missing` hears of a path not there. */
function collect(
  paths: string[],
  cwd: string,
  config: LintConfig,
  missing: (path: string) => void,
): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean, given: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) {
      if (top) missing(given);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        walk(join(p, name), false, given);
      }
    } else if (top || p.endsWith('.rego')) out.push(p);
  };
  for (const p of paths) walk(resolve(cwd, p), true, p);
  return out.filter((f) => !config.ignore?.files?.some((g) => matchesGlob(relative(cwd, f), g)));
}

function toText(violations: LintViolation[], files: number, errors: ClearanceError[]): string {
  const lines: string[] = [];
  // Their files are named already (displayPath when read).
  for (const e of errors) lines.push(formatError(e));
  for (const v of violations) {
    const l = v.location;
    lines.push(
      `${l.file}:${l.start.line}:${l.start.column}: ${v.level}: ${v.rule}: ${v.message} (${v.category})`,
    );
  }
  const n = violations.length;
  lines.push(
    `${files} file${files === 1 ? '' : 's'} linted. ${n === 0 ? 'No violations found.' : `${n} violation${n === 1 ? '' : 's'} found.`}`,
  );
  return `${lines.join('\n')}\n`;
}

function toJson(violations: LintViolation[], files: number, errors: ClearanceError[]): object {
  return {
    violations: violations.map((v) => ({
      title: v.rule,
      description: v.message,
      category: v.category,
      level: v.level,
      location: {
        file: v.location.file,
        row: v.location.start.line,
        col: v.location.start.column,
        end: { row: v.location.end.line, col: v.location.end.column },
      },
      related_resources: [{ description: 'documentation', ref: `${DOCS}#${v.rule}` }],
    })),
    errors: errors.map((e) => ({ code: e.code, message: e.message, location: e.location })),
    summary: { files_scanned: files, files_failed: errors.length, num_violations: violations.length },
  };
}

/** SARIF 2.1.0: one reporting rule per lint rule, one result per violation. */
function toSarif(violations: LintViolation[], errors: ClearanceError[], root: string): Log {
  const rules: ReportingDescriptor[] = [...LINT_RULES, ...WORKSPACE_LINT_RULES].map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.description },
    fullDescription: { text: r.rationale },
    helpUri: `${informationUri}/${DOCS}#${r.id}`,
    defaultConfiguration: { level: r.defaultLevel === 'warning' ? 'warning' : 'error' },
    properties: { category: r.category },
  }));
  const results: Result[] = violations.map((v) => ({
    ruleId: v.rule,
    ruleIndex: [...LINT_RULES, ...WORKSPACE_LINT_RULES].findIndex((r) => r.id === v.rule),
    level: v.level,
    message: { text: v.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: toArtifactLocation(root, resolve(root, v.location.file)),
          region: {
            startLine: v.location.start.line,
            startColumn: v.location.start.column,
            endLine: v.location.end.line,
            endColumn: v.location.end.column,
          },
        },
      },
    ],
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Clearance lint', version: readVersion(), informationUri, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(resolve(root)).href.replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        results,
        invocations: [
          {
            executionSuccessful: errors.length === 0,
            toolExecutionNotifications: errors.map((e) => ({
              level: 'error' as const,
              message: { text: formatError(e) },
            })),
          },
        ],
      },
    ],
  };
}
