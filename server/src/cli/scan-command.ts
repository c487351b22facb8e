/** `clearance scan`: every call in a folder, decided for the caller's identity, as text, JSON or SARIF. */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { AuditLog, buildAuditRecords, defaultAuditFile } from '../audit/audit-log';
import { loadBundlePolicy } from '../bundle/bundle-set';
import { createBundleSet } from '../bundle/configured';
import { readProjectConfig } from '../config/clearance-yaml';
import { regoVersionOf } from '../config/settings';
import { formatWhy } from '../decision/explain';
import { type DecidedCall, decideFolder } from '../decision/scan';
import { isSuppressed } from '../decision/suppression';
import { describeIdentity, type Identity, redactTokensInText } from '../identity';
import { loadPolicy } from '../policy/load';
import { type JsonValue, stringifyJson } from '../rego';
import { createScanner } from '../scanner';
import { createScanPool } from '../scanner/project/scan-pool';
import { applyBundleFlags, type BundleFlags } from './bundle-flags';
import { findRepositoryUserSettings, reportConfigMistakes } from './config-mistakes';
import { EXIT_USAGE } from './exit-codes';
import { displayPath, formatCliError } from './given-paths';
import { identityFix, looksLikeRegoV0, regoV0Hint } from './hints';
import { type IdentityFlagValues, resolveCliIdentity } from './identity-flags';
import { buildSarifLog } from './sarif';
import { readScanSettings } from './scan-settings';

/** The options of `clearance scan`. */
export interface ScanFlags extends IdentityFlagValues, BundleFlags {
  format: string;
  policy?: string[];
  entrypoint?: string;
  /** False with `--no-audit`: no audit records are written. */
  audit?: boolean;
  /** `--audit-file`: where audit records go (default `$CLEARANCE_AUDIT_FILE`, else `~/.clearance/audit.jsonl`). */
  auditFile?: string;
  /** `--allow-http-send`: lets the policy's `http.send` reach the network (never taken from the repository). */
  allowHttpSend?: boolean;
  /** `--allow-unverified`: decide with a token whose signature no key checked (exit 2 without it). */
  allowUnverified?: boolean;
  /** `--settings`: a settings file the user vouches for, read instead of the repository's. */
  settings?: string;
}

/** Where the CLI writes: injectable so tests can capture output without a subprocess. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Exit codes of `clearance scan`, as documented in `--help` and the README. */
export const scanExit = { ok: 0, denied: 1, unusable: 2 } as const;

/**
 * Runs the scan and returns the exit code: 0 when no call is denied, 1 when a call is denied for
 * certain, 2 when the scan cannot be trusted (settings, identity or policy, or a call that could
 * not be decided), 64 on an unknown format.
 */
export async function runScan(dir: string, flags: ScanFlags, output: Output): Promise<number> {
  const fail = (message: string) => {
    output.err(`clearance scan: ${message}\n`);
    return scanExit.unusable;
  };
  if (!['text', 'json', 'sarif'].includes(flags.format)) {
    fail(`unknown format "${flags.format}" (use text, json or sarif)`);
    return EXIT_USAGE;
  }
  const target = resolve(dir);
  const kind = statSync(target, { throwIfNoEntry: false });
  if (!kind?.isDirectory() && !kind?.isFile())
    return fail(`no such directory or file: ${displayPath(target)}`);
  // `scan <file>` scans that file, with the settings and policy of the project holding it.
  const root = kind.isFile() ? findProjectFolder(dirname(target)) : target;

  const read = readScanSettings(root, flags.settings);
  for (const e of read.errors) output.err(`${formatCliError(e)}\n`);
  if (read.fatal) return fail(read.fatal);
  const settings = read.settings;
  // User-only settings are named with where they belong (as the editor does), not among the ignored.
  const misplaced = flags.settings === undefined ? findRepositoryUserSettings(root) : [];
  const ignored = read.ignored.filter((name) => !misplaced.includes(name));
  if (ignored.length > 0) {
    // A pull request must not choose who the scan decides as, which keys verify, what runs or where
    // records and requests go: those come from flags, the environment or --settings.
    output.err(
      `clearance scan: warning: ${ignored.join(', ')} in ${displayPath(join(root, '.vscode', 'settings.json'))} ${ignored.length === 1 ? 'is' : 'are'} ignored: a repository sets only its policy location, entrypoint and severities; pass flags, environment variables or --settings\n`,
    );
  }
  const project = readProjectConfig(root);
  for (const e of project.errors) output.err(`${formatCliError(e)}\n`);
  if (project.config === undefined) return fail(`${displayPath(project.file)} has errors; fix them first`);
  reportConfigMistakes(root, misplaced, project, (t) => output.err(`clearance scan: warning: ${t}\n`));
  settings.evaluation.allowHttpSend = flags.allowHttpSend === true;
  if (flags.policy) settings.policy.paths = flags.policy.map((p) => resolve(p));
  if (flags.entrypoint) settings.policy.entrypoint = flags.entrypoint;
  applyBundleFlags(settings, flags, (t) => output.err(`clearance scan: warning: ${t}`));

  const identity = await resolveCliIdentity(
    root,
    settings.identity,
    flags,
    (t) => output.err(`clearance scan: warning: ${t}`),
    process.env,
    flags.settings !== undefined,
  );
  const now = new Date();
  if (identity.status === 'invalid' || identity.status === 'missing' || identity.status === 'expired') {
    return fail(
      `no usable identity (${identity.status}: ${identity.reason ?? identity.source.label}); ${identityFix(identity.status)}`,
    );
  }
  if (identity.status === 'simulated') {
    output.err(`clearance scan: warning: ${identity.reason}; decisions are simulated\n`);
  }
  if (identity.status === 'unverified') {
    // Anyone can write a token's claims: deciding on them is a choice the runner makes, never a default.
    if (flags.allowUnverified !== true) {
      return fail(
        `the identity is not verified (${identity.reason ?? 'no key configured'}); configure --jwks-file, --jwks-url or --issuer, or pass --allow-unverified to decide as its claims anyway`,
      );
    }
    output.err(
      `clearance scan: warning: ${identity.reason ?? 'the token is not verified'}; decisions assume its claims are true (--allow-unverified)\n`,
    );
  }

  const bundlePolicy = await loadBundlePolicy(createBundleSet(root, settings, project.config));
  const policy = loadPolicy(root, settings.policy.paths, new Map(), {
    regoVersion: regoVersionOf(settings.policy.regoVersion),
    ...(bundlePolicy ? { bundlePolicy } : {}),
  });
  for (const e of policy.errors) output.err(`${formatCliError(e)}\n`);
  if (policy.errors.length > 0) {
    const code = fail(
      `the policy did not load whole (${policy.errors.length} error(s)); no call was decided`,
    );
    if (looksLikeRegoV0(policy.errors)) {
      const setting = `set "clearance.policy.regoVersion": "v0" in ${displayPath(join(root, '.vscode', 'settings.json'))}`;
      output.err(`${regoV0Hint('clearance scan', setting)}\n`);
    }
    return code;
  }
  if (policy.regoFiles.length === 0 && !policy.bundles) {
    return fail(
      `no .rego policy under ${displayPath(root)}: write one there, set clearance.policy.paths in ${displayPath(join(root, '.vscode', 'settings.json'))}, or pass --policy <path> (or --bundle <location>)`,
    );
  }

  const scannerOptions = { clientMappings: project.config.clients };
  const scanner = createScanner(scannerOptions);
  // Large projects are scanned on every core (small ones never start a worker; docs/scan-pool.md).
  // CLEARANCE_SCAN_WORKERS sets the worker threads (0: none), for measuring and for constrained runners.
  const workers = Number(process.env.CLEARANCE_SCAN_WORKERS ?? Number.NaN);
  const pool = createScanPool({
    scanner: scannerOptions,
    ...(Number.isInteger(workers) && workers >= 0 ? { workers } : {}),
  });
  const result = await decideFolder(
    scanner,
    target,
    { policy, identity, settings, now, project: project.config },
    pool === undefined ? {} : { parallel: pool },
  ).finally(() => pool?.close());
  const count = (verdict: string) => result.calls.filter((c) => c.decision.verdict === verdict).length;
  // A suppressed call is listed, and counted above, but never fails the scan.
  // A call to a host no listed service is (`services:`) is shown, not failed.
  const failing = (verdict: string) =>
    result.calls.filter(
      (c) =>
        c.decision.verdict === verdict &&
        !isSuppressed(c.call) &&
        c.decision.undecided?.kind !== 'ungoverned',
    ).length;
  const where = (c: DecidedCall) => displayPath(c.file);
  writeAudit(flags, result.calls, identity, root, now, output);
  // Calls, routes and snippets are source text, and source may hold a pasted token: every format
  // goes through the same filter as the errors.
  const print = (text: string) => output.out(redactTokensInText(text));
  if (flags.format === 'sarif') {
    for (const e of result.errors) output.err(`${formatCliError(e)}\n`);
    const log = buildSarifLog({
      root,
      calls: result.calls,
      errors: result.errors,
      identity,
      entrypoint: settings.policy.entrypoint,
      policyVersion: policy.version,
      deniedSeverity: settings.diagnostics.deniedSeverity,
    });
    print(`${JSON.stringify(log, null, 2)}\n`);
  } else if (flags.format === 'json') {
    print(
      `${stringifyJson(buildJsonReport(identity, settings.policy.entrypoint, policy, result, root), 2)}\n`,
    );
  } else {
    for (const e of result.errors) output.err(`${formatCliError(e)}\n`);
    print(`identity  ${identity.source.label}: ${describeIdentity(identity, now.getTime())}\n`);
    print(
      `policy    ${settings.policy.entrypoint} · version ${policy.version} · ${policy.regoFiles.length} file(s)\n\n`,
    );
    for (const c of result.calls) {
      const at = `${where(c)}:${c.call.location.start.line}:${c.call.location.start.column}`;
      print(
        `${at}  ${(c.decision.undecided?.kind === 'ungoverned' ? 'UNGOVERNED' : c.decision.verdict.toUpperCase()).padEnd(11)} ${c.input.summary}${isSuppressed(c.call) ? ' (suppressed)' : ''}\n    ${formatWhy(c.decision, 'plain')}\n`,
      );
    }
    print(
      `\n${result.calls.length} call(s) in ${result.files} file(s) scanned: ${count('allowed')} allowed, ${count('denied')} denied, ${count('conditional')} conditional, ${count('error')} error\n`,
    );
  }
  // A wrong entrypoint is a configuration mistake, not a denial: say which, and what exists (exit 2).
  const undefinedEntrypoint = result.calls.find((c) => c.decision.undecided?.kind === 'entrypoint-undefined');
  if (undefinedEntrypoint)
    return fail(
      `${undefinedEntrypoint.decision.errors[0]?.message ?? 'the entrypoint is not defined'}; no call was decided (set --entrypoint or clearance.policy.entrypoint)`,
    );
  if (failing('error') > 0) return fail(`${failing('error')} call(s) could not be decided`);
  return failing('denied') > 0 ? scanExit.denied : scanExit.ok;
}

/**
 * Appends an audit record per decided call, the same records the editor writes. The file comes
 * from the flag or the environment, never from the workspace's settings: a repository must not
 * redirect its scanner's audit trail.
 */
function writeAudit(
  flags: ScanFlags,
  calls: DecidedCall[],
  identity: Identity,
  root: string,
  now: Date,
  output: Output,
): void {
  if (flags.audit === false) return;
  const file = flags.auditFile
    ? resolve(flags.auditFile)
    : process.env.CLEARANCE_AUDIT_FILE
      ? resolve(process.env.CLEARANCE_AUDIT_FILE)
      : defaultAuditFile();
  const log = new AuditLog(file);
  const records = buildAuditRecords(calls, identity, 'cli', root, now);
  log.append(records);
  if (log.lastError) output.err(`clearance scan: warning: ${log.lastError}\n`);
}

/** The `--format json` document: identity (never the token), policy, and each call with its decision. */
function buildJsonReport(
  identity: Identity,
  entrypoint: string,
  policy: ReturnType<typeof loadPolicy>,
  result: Awaited<ReturnType<typeof decideFolder>>,
  root: string,
): JsonValue {
  const report = {
    identity: {
      status: identity.status,
      reason: identity.reason,
      source: identity.source.label,
      user: identity.user,
      expiresAt: identity.expiresAt,
    },
    policy: { entrypoint, version: policy.version, files: policy.regoFiles.map((f) => relative(root, f)) },
    // The report describes the scanned folder: its paths stay relative to it, wherever the scan ran.
    calls: result.calls.map((c) => ({
      file: relative(root, c.file) || c.file,
      line: c.call.location.start.line,
      column: c.call.location.start.column,
      call: c.input.summary,
      input: c.input.input,
      unknowns: c.input.unknowns,
      verdict: c.decision.verdict,
      why: formatWhy(c.decision, 'plain'),
      rules: c.decision.rules.map((r) => ({
        path: r.path,
        text: r.text,
        file: relative(root, r.location.file),
        line: r.location.start.line,
      })),
      allowedIf: c.decision.branches.map((b) => ({
        rule: b.rule.text,
        line: b.rule.location.start.line,
        conditions: b.conditions,
        ...(b.words ? { words: b.words } : {}),
      })),
      deniedIf: c.decision.blockers.map((b) => ({
        rule: b.rule.text,
        line: b.rule.location.start.line,
        conditions: b.conditions,
        ...(b.words ? { words: b.words } : {}),
      })),
      ...(c.decision.challenge ? { challenge: c.decision.challenge } : {}),
      ...(c.decision.closest
        ? {
            closestAllow: {
              rule: c.decision.closest.rule.text,
              file: relative(root, c.decision.closest.rule.location.file),
              line: c.decision.closest.rule.location.start.line,
              failing: c.decision.closest.failing.text,
              failingLine: c.decision.closest.failing.location.start.line,
            },
          }
        : {}),
      errors: c.decision.errors,
    })),
    errors: result.errors,
  };
  return report as unknown as JsonValue;
}

const PROJECT_MARKERS = ['.clearance.yaml', '.vscode', '.git', 'package.json', 'go.mod', 'pyproject.toml'];

/** The nearest folder at or above `start` that looks like a project's root; `start` when none does. */
function findProjectFolder(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (PROJECT_MARKERS.some((marker) => existsSync(join(dir, marker)))) return dir;
    if (dirname(dir) === dir) return start;
  }
}
