/**
 * The audit log: one JSON line per decision shown to a person (a hover, a diagnostic, a code lens, a
 * CLI scan), saying who was decided for, what, when, where and why. Records are built from the
 * identity's claims and state, never from the token, and every line passes the token redactor before
 * it is written. The editor and the CLI write the same records (docs/audit.md).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { CallDecision } from '../decision/decide';
import type { CallInput } from '../decision/input';
import type { DecidedCall } from '../decision/scan';
import type { Identity } from '../identity';
import { redactTokensInText } from '../identity';

/** Which tool showed the decision. */
export type AuditTool = 'editor' | 'cli';

/** One audit record: a line of the JSONL file. */
export interface AuditRecord {
  time: string;
  tool: AuditTool;
  machine: string;
  identity: {
    subject: string | null;
    email?: string;
    status: Identity['status'];
    /** Present when the decision was made for an identity the developer chose to simulate. */
    simulated?: boolean;
    source: Identity['source']['kind'];
    issuer?: string;
  };
  action: string | null;
  resource: { type?: string; id?: string; route?: string };
  call: string;
  verdict: CallDecision['verdict'];
  challenge?: string;
  rules: Array<{ rule: string; file: string; line: number }>;
  policyVersion: string;
  entrypoint: string;
  file: string;
  line: number;
  column: number;
}

/** What a record is made from: one decided call, for one identity. */
export interface AuditSubject {
  file: string;
  line: number;
  column: number;
  input: CallInput;
  decision: CallDecision;
}

/** The audit file used when no other is configured: one per user, shared by the editor and the CLI. */
export function defaultAuditFile(): string {
  return join(homedir(), '.clearance', 'audit.jsonl');
}

/** The audit file a setting or flag names: empty is the default, `~/` and relative paths are under the home folder. */
export function resolveAuditFile(setting: string): string {
  if (!setting) return defaultAuditFile();
  if (setting.startsWith('~/')) return join(homedir(), setting.slice(2));
  return isAbsolute(setting) ? setting : join(homedir(), setting);
}

/** Builds the record of one decision; `root` makes file paths relative to the workspace. */
export function buildAuditRecord(
  subject: AuditSubject,
  identity: Identity,
  tool: AuditTool,
  root: string,
  now: Date,
): AuditRecord {
  const { decision, input } = subject;
  const resource = (input.input.resource ?? {}) as { type?: unknown; id?: unknown };
  const user = identity.status === 'invalid' || identity.status === 'missing' ? undefined : identity.user;
  const simulated = (identity as Identity & { simulated?: boolean }).simulated;
  const rules = [
    ...decision.rules,
    ...decision.branches.map((b) => b.rule),
    ...decision.blockers.map((b) => b.rule),
  ];
  return {
    time: now.toISOString(),
    tool,
    machine: hostname(),
    identity: {
      subject: user?.id ?? null,
      ...(user?.email !== undefined ? { email: user.email } : {}),
      status: identity.status,
      ...(simulated === true ? { simulated: true } : {}),
      source: identity.source.kind,
      ...(identity.issuer && user ? { issuer: identity.issuer } : {}),
    },
    action: typeof input.input.action === 'string' ? input.input.action : null,
    resource: {
      ...(typeof resource.type === 'string' ? { type: resource.type } : {}),
      ...(typeof resource.id === 'string' ? { id: resource.id } : {}),
      ...(input.route !== undefined ? { route: input.route } : {}),
    },
    call: input.summary,
    verdict: decision.verdict,
    ...(decision.challenge ? { challenge: decision.challenge } : {}),
    rules: uniqueRules(rules).map((r) => ({
      rule: r.text,
      file: relativeTo(root, r.location.file),
      line: r.location.start.line,
    })),
    policyVersion: decision.policyVersion,
    entrypoint: decision.entrypoint,
    file: relativeTo(root, subject.file),
    line: subject.line,
    column: subject.column,
  };
}

/** Builds the records of decided calls, one each, at the call's first line and column. */
export function buildAuditRecords(
  calls: DecidedCall[],
  identity: Identity,
  tool: AuditTool,
  root: string,
  now: Date,
): AuditRecord[] {
  return calls.map((c) =>
    buildAuditRecord(
      {
        file: c.file,
        line: c.call.location.start.line,
        column: c.call.location.start.column,
        input: c.input,
        decision: c.decision,
      },
      identity,
      tool,
      root,
      now,
    ),
  );
}

/** Most record keys remembered for deduplication; past it the oldest half is forgotten. */
const maxRemembered = 20_000;

/**
 * Appends records to a JSONL file. A decision already written in this process (same identity,
 * call site, call, verdict, rules and policy version) is not written again, so republishing an
 * unchanged file adds nothing; a changed decision, identity or policy adds a record.
 */
export class AuditLog {
  private readonly seen = new Set<string>();
  /** The last write error, reported once by the caller; writing never throws. */
  lastError: string | undefined;

  constructor(readonly file: string) {}

  /** Appends the records not written before; returns how many were written. */
  append(records: AuditRecord[]): number {
    const lines: string[] = [];
    for (const record of records) {
      const key = keyOf(record);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      lines.push(redactTokensInText(JSON.stringify(record)));
    }
    if (this.seen.size > maxRemembered) {
      const keep = [...this.seen].slice(this.seen.size - maxRemembered / 2);
      this.seen.clear();
      for (const k of keep) this.seen.add(k);
    }
    if (lines.length === 0) return 0;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      appendPrivately(this.file, `${lines.join('\n')}\n`);
      this.lastError = undefined;
    } catch (error) {
      this.lastError = `cannot write the audit log ${this.file}: ${(error as Error).message}`;
      // Not written: forget them, so the next successful write includes them.
      for (const record of records) this.seen.delete(keyOf(record));
      return 0;
    }
    return lines.length;
  }
}

/** The record without its time: what makes two records the same decision. */
function keyOf(record: AuditRecord): string {
  const { time: _time, ...rest } = record;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** Rules without repeats, in order. */
function uniqueRules<T extends { location: { file: string; start: { line: number } }; text: string }>(
  rules: T[],
): T[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = `${r.location.file}:${r.location.start.line}:${r.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `path` relative to `root` when inside it, else as is. */
function relativeTo(root: string, path: string): string {
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * Appends to the audit file, created private (0600). A symbolic link is refused (O_NOFOLLOW), so a
 * planted link can neither redirect the records nor have its target's mode changed; an existing
 * file's mode is tightened through the opened descriptor, never through the path.
 */
function appendPrivately(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(
      file,
      constants.O_WRONLY |
        constants.O_APPEND |
        constants.O_CREAT |
        (constants.O_NOFOLLOW ?? 0) |
        (constants.O_NONBLOCK ?? 0),
      0o600,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new Error('it is a symbolic link; the audit log is never written through a link');
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new Error('it is not a regular file');
    if ((info.mode & 0o777) !== 0o600) fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
