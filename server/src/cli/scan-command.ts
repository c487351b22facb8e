/** `clearance scan`: every call in a folder, decided for the caller's identity, as text or JSON. */
import { resolve } from 'node:path';
import { type IdentityFlags, toIdentitySettings } from '../config/identity';
import { readWorkspaceSettings } from '../config/settings';
import { formatWhy } from '../decision/explain';
import { decideFolder } from '../decision/scan';
import { formatError } from '../errors';
import { describeIdentity, resolveIdentity } from '../identity';
import { loadPolicy } from '../policy/load';
import { type JsonValue, stringifyJson } from '../rego';
import { createScanner } from '../scanner';

/** The options of `clearance scan`. */
export interface ScanFlags extends IdentityFlags {
  format: string;
  policy?: string[];
  entrypoint?: string;
}

/** Where the CLI writes: injectable so tests can capture output without a subprocess. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs the scan and returns the exit code: 0 none denied, 1 a call is denied, 2 bad usage or config. */
export async function runScan(dir: string, flags: ScanFlags, output: Output): Promise<number> {
  if (!['text', 'json'].includes(flags.format)) {
    output.err(`clearance scan: unknown format "${flags.format}" (use text or json)\n`);
    return 2;
  }
  const root = resolve(dir);
  const { settings, errors: settingErrors } = readWorkspaceSettings(root);
  for (const e of settingErrors) output.err(`${formatError(e)}\n`);
  if (flags.policy) settings.policy.paths = flags.policy.map((p) => resolve(p));
  if (flags.entrypoint) settings.policy.entrypoint = flags.entrypoint;
  const absolute = (p: string | undefined) => (p ? resolve(p) : p);
  const identity = await resolveIdentity(
    toIdentitySettings(settings.identity, {
      ...flags,
      tokenFile: absolute(flags.tokenFile),
      jwksFile: absolute(flags.jwksFile),
    }),
    { baseDir: root },
  );
  const policy = loadPolicy(root, settings.policy.paths);
  if (policy.regoFiles.length === 0) {
    output.err(
      `clearance scan: no .rego policy found under ${root}; set clearance.policy.paths or pass --policy\n`,
    );
    return 2;
  }
  const policyErrors = policy.errors.filter((e) => e.code.startsWith('rego_'));
  if (policyErrors.length > 0) {
    for (const e of policyErrors) output.err(`${formatError(e)}\n`);
    output.err(`clearance scan: the policy has ${policyErrors.length} error(s); no call was decided\n`);
    return 2;
  }
  const now = new Date();
  const scanner = createScanner();
  const result = await decideFolder(scanner, root, { policy, identity, settings, now });
  const denied = result.calls.filter((c) => c.decision.verdict === 'denied').length;
  if (flags.format === 'json') {
    output.out(
      `${stringifyJson(
        {
          identity: {
            status: identity.status,
            reason: identity.reason,
            source: identity.source.label,
            user: identity.user,
            expiresAt: identity.expiresAt,
          },
          policy: {
            entrypoint: settings.policy.entrypoint,
            version: policy.version,
            files: policy.regoFiles,
          },
          calls: result.calls.map((c) => ({
            file: c.file,
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
              file: r.location.file,
              line: r.location.start.line,
            })),
            conditions: c.decision.branches.map((b) => ({
              rule: b.rule.text,
              line: b.rule.location.start.line,
              conditions: b.conditions,
            })),
            errors: c.decision.errors,
          })),
          errors: [...policy.errors, ...result.errors],
        } as unknown as JsonValue,
        2,
      )}\n`,
    );
  } else {
    for (const e of [...policy.errors, ...result.errors]) output.err(`${formatError(e)}\n`);
    output.out(
      `identity  ${identity.source.label}: ${describeIdentity(identity, now.getTime())}${identity.reason ? ` (${identity.reason})` : ''}\n`,
    );
    output.out(
      `policy    ${settings.policy.entrypoint} · version ${policy.version} · ${policy.regoFiles.length} file(s)\n\n`,
    );
    for (const c of result.calls) {
      const where = `${c.file.startsWith(root) ? c.file.slice(root.length + 1) : c.file}:${c.call.location.start.line}:${c.call.location.start.column}`;
      output.out(
        `${where}  ${c.decision.verdict.toUpperCase().padEnd(11)} ${c.input.summary}\n    ${formatWhy(c.decision, 'plain')}\n`,
      );
    }
    const count = (v: string) => result.calls.filter((c) => c.decision.verdict === v).length;
    output.out(
      `\n${result.calls.length} call(s) in ${result.files} file(s): ${count('allowed')} allowed, ${denied} denied, ${count('conditional')} conditional, ${count('error')} error\n`,
    );
  }
  return denied > 0 ? 1 : 0;
}
