/**
 * The audit log: one JSON line per decision shown to a person (a hover, a diagnostic, a code lens, a
 * CLI scan), saying who was decided for, what, when, where and why. Records are built from the
 * identity's claims and state, never from the token, and every line passes the token redactor before
 * it is written. The editor and the CLI write the same records (docs/audit.md).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
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

/** Most bytes of records waiting to be written by `queue`; past it records are not taken (and said so). */
export const MAX_PENDING_AUDIT_BYTES = 4 * 1024 * 1024;

/**
 * Appends records to a JSONL file. A decision already written in this process (same identity,
 * call site, call, verdict, rules and policy version) is not written again, so republishing an
 * unchanged file adds nothing; a changed decision, identity or policy adds a record.
 *
 * `append` writes at once (the CLI); `queue` (the editor) takes the records at once and writes them
 * a moment later with asynchronous I/O, one write at a time, so a hover or a publish never waits on
 * the disk. What waits is bounded by `MAX_PENDING_AUDIT_BYTES`.
 */
export class AuditLog {
  private readonly seen = new Set<string>();
  /** The last write error, reported once by the caller; writing never throws. */
  lastError: string | undefined;
  /** Queued lines not written yet, with the keys that made them new. */
  private pending: Array<{ line: string; key: string }> = [];
  private pendingBytes = 0;
  /** The write in progress (or scheduled), if any. */
  private writing: Promise<void> | undefined;

  /**
   * `onError` hears each write error of queued records once (a new message after a success or a
   * different failure).
   */
  constructor(
    readonly file: string,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  /** Appends the records not written before; returns how many were written. */
  append(records: AuditRecord[]): number {
    const fresh = this.takeNew(records);
    if (fresh.length === 0) return 0;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      appendPrivately(this.file, joinLines(fresh));
      this.lastError = undefined;
    } catch (error) {
      this.lastError = writeError(this.file, error);
      // Not written: forget them, so the next successful write includes them.
      for (const { key } of fresh) this.seen.delete(key);
      return 0;
    }
    return fresh.length;
  }

  /**
   * Takes the records not written before, to be written asynchronously; returns how many were
   * taken. Past `MAX_PENDING_AUDIT_BYTES` waiting, new records are not taken and are not
   * remembered either, so a later publish of the same decisions writes them.
   */
  queue(records: AuditRecord[]): number {
    const fresh = this.takeNew(records);
    let taken = 0;
    for (const item of fresh) {
      if (this.pendingBytes + item.line.length + 1 > MAX_PENDING_AUDIT_BYTES) {
        this.seen.delete(item.key);
        continue;
      }
      this.pending.push(item);
      this.pendingBytes += item.line.length + 1;
      taken++;
    }
    if (taken < fresh.length)
      this.fail(`cannot write the audit log ${this.file}: it is falling behind; records were left out`);
    if (taken > 0) this.writing ??= this.drain();
    return taken;
  }

  /** Resolves when every queued record has been written (or failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Writes queued lines until none are left; started on the next turn, so one burst is one write. */
  private async drain(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        this.pendingBytes = 0;
        try {
          await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
          await appendPrivatelyAsync(this.file, joinLines(batch));
          this.lastError = undefined;
        } catch (error) {
          for (const { key } of batch) this.seen.delete(key);
          this.fail(writeError(this.file, error));
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private fail(message: string): void {
    if (message === this.lastError) return;
    this.lastError = message;
    this.onError(message);
  }

  /** The records not written before, as redacted lines with their keys; remembers them as written. */
  private takeNew(records: AuditRecord[]): Array<{ line: string; key: string }> {
    const fresh: Array<{ line: string; key: string }> = [];
    for (const record of records) {
      const key = keyOf(record);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      fresh.push({ line: redactTokensInText(JSON.stringify(record)), key });
    }
    if (this.seen.size > maxRemembered) {
      const keep = [...this.seen].slice(this.seen.size - maxRemembered / 2);
      this.seen.clear();
      for (const k of keep) this.seen.add(k);
    }
    return fresh;
  }
}

function joinLines(items: Array<{ line: string }>): string {
  return `${items.map((i) => i.line).join('\n')}\n`;
}

function writeError(file: string, error: unknown): string {
  return `cannot write the audit log ${file}: ${(error as Error).message}`;
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
    fd = openSync(file, appendFlags, 0o600);
  } catch (error) {
    throw explainOpenError(error);
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

/** Append, create, never through a link, never wait on a FIFO. */
const appendFlags =
  constants.O_WRONLY |
  constants.O_APPEND |
  constants.O_CREAT |
  (constants.O_NOFOLLOW ?? 0) |
  (constants.O_NONBLOCK ?? 0);

/** A refused link says so; other errors as they are. */
function explainOpenError(error: unknown): unknown {
  if ((error as NodeJS.ErrnoException).code === 'ELOOP')
    return new Error('it is a symbolic link; the audit log is never written through a link');
  return error;
}

/** `appendPrivately` with asynchronous I/O: the same flags, checks and mode. */
async function appendPrivatelyAsync(file: string, text: string): Promise<void> {
  const handle = await open(file, appendFlags, 0o600).catch((error: unknown) => {
    throw explainOpenError(error);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('it is not a regular file');
    if ((info.mode & 0o777) !== 0o600) await handle.chmod(0o600);
    await handle.write(text);
  } finally {
    await handle.close();
  }
}
