/**
 * The pipeline from source text to decisions: scan a file for calls, build each call's input, decide
 * it. The language server runs it per open document; the CLI runs it over a folder.
 */
import { join, relative } from 'node:path';
import type { ProjectConfig } from '../config/clearance-yaml';
import type { ClearanceSettings } from '../config/settings';
import { createSourceFilter } from '../config/source-filter';
import { isSkippedDirectory } from '../config/workspace-files';
import type { ClearanceError } from '../errors';
import { platformFiles } from '../files/platform-files';
import type { Identity } from '../identity';
import { describeReadProblem } from '../identity/bounded-read';
import type { LoadedPolicy } from '../policy/load';
import { type HttpCall, languageForPath, type Scanner } from '../scanner';
import { type ScanProjectOptions, scanProject } from '../scanner/project/scan-project';
import {
  type CallDecision,
  decideCall,
  decideUngoverned,
  decideWithoutIdentity,
  isDecidedFor,
} from './decide';
import { buildCallInput, type CallInput } from './input';

/** One call with its input and its decision. */
export interface DecidedCall {
  file: string;
  call: HttpCall;
  input: CallInput;
  decision: CallDecision;
}

/** What decisions are made with: the policy, who is asking, the settings and the time. */
export interface DecisionContext {
  policy: LoadedPolicy;
  identity: Identity;
  settings: ClearanceSettings;
  now: Date;
  /** The workspace's `.clearance.yaml`; absent means the defaults. */
  project?: ProjectConfig;
}

/**
 * The most evaluation time one file may take in all. Each decision has its own limit; this one keeps
 * a file with many calls under a slow policy from holding the language server for calls × limit.
 */
export const fileBudgetMs = 5000;

/** Decides one call within `timeoutMs`: `decideOne`, or a caching stand-in with its signature. */
export type DecideOneCall = (
  file: string,
  call: HttpCall,
  context: DecisionContext,
  timeoutMs: number,
) => DecidedCall;

/**
 * Finds the calls in one file's text and decides each, within the file's evaluation budget.
 * `decide` lets the language server put its decision cache in front of the engine. With a project
 * view, `innerCalls` says which calls sit inside the file's own wrappers (for the one-report
 * post-pass, `scanner/project/single-report.ts`).
 */
export async function decideText(
  scanner: Scanner,
  file: string,
  text: string,
  context: DecisionContext,
  decide: DecideOneCall = decideOne,
): Promise<{ calls: DecidedCall[]; errors: ClearanceError[]; innerCalls?: Array<[number, string]> }> {
  const language = languageForPath(file);
  if (!language) return { calls: [], errors: [] };
  const scanned = await scanner.scanText(file, text, language);
  const inner = scanned.facts?.innerCalls;
  return {
    calls: await decideCalls(file, scanned.calls, context, decide),
    errors: scanned.errors,
    ...(inner === undefined ? {} : { innerCalls: inner }),
  };
}

/** Decides the calls found in one file within the file's evaluation budget. */
async function decideCalls(
  file: string,
  found: readonly HttpCall[],
  context: DecisionContext,
  decide: DecideOneCall,
): Promise<DecidedCall[]> {
  const started = Date.now();
  const calls: DecidedCall[] = [];
  for (const call of found) {
    const left = fileBudgetMs - (Date.now() - started);
    calls.push(
      left <= 0
        ? skipOne(file, call, context)
        : decide(file, call, context, Math.min(left, context.settings.evaluation.timeoutMs)),
    );
    // Let other work (a hover, an edit) in between two decisions: each may take up to its limit.
    await yieldToEventLoop();
  }
  return calls;
}

/**
 * Lets other work run before the next decision: `setImmediate` on Node (after pending I/O), a
 * zero timeout in a browser's web worker, which has no `setImmediate`.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** Decides one call found in `file`, stopping its evaluation after `timeoutMs`. */
export function decideOne(
  file: string,
  call: HttpCall,
  context: DecisionContext,
  timeoutMs = context.settings.evaluation.timeoutMs,
): DecidedCall {
  const input = buildCallInput(call, context.identity, context.now, context.project);
  const undecided = decideIfNoIdentity(file, call, input, context);
  if (undecided) return undecided;
  const limits = { ...context.settings.evaluation, timeoutMs };
  const decision = decideCall(context.policy, context.settings.policy.entrypoint, input, limits);
  return { file, call, input, decision };
}

/**
 * The call as not decided when it goes to a host no listed service is, or when there is no identity
 * to decide for (unless the settings ask for an anonymous caller); undefined when the policy is to
 * be asked. Nothing of it is worth caching.
 */
export function decideIfNoIdentity(
  file: string,
  call: HttpCall,
  input: CallInput,
  context: DecisionContext,
): DecidedCall | undefined {
  if (input.ungoverned !== undefined) {
    const { entrypoint } = context.settings.policy;
    return {
      file,
      call,
      input,
      decision: decideUngoverned(input.ungoverned, entrypoint, context.policy.version),
    };
  }
  if (isDecidedFor(context.identity, context.settings.identity.anonymous)) return undefined;
  const decision = decideWithoutIdentity(context.settings.policy.entrypoint, context.policy.version);
  return { file, call, input, decision };
}

/** A call left undecided because its file spent its evaluation budget. */
function skipOne(file: string, call: HttpCall, context: DecisionContext): DecidedCall {
  const input = buildCallInput(call, context.identity, context.now, context.project);
  const decision: CallDecision = {
    verdict: 'error',
    entrypoint: context.settings.policy.entrypoint,
    policyVersion: context.policy.version,
    rules: [],
    branches: [],
    blockers: [],
    errors: [
      {
        code: 'eval_cancel_error',
        message: `not decided: this file's calls used up the ${fileBudgetMs / 1000} s evaluation budget`,
      },
    ],
  };
  return { file, call, input, decision };
}

/** Source files larger than this are not read by `decideFolder` (the scanner skips those over 2 MB anyway). */
const maxSourceReadBytes = 16 * 1024 * 1024;

/** Folders deeper than this below the scanned folder are not walked (each is reported). */
export const maxScanDepth = 30;

/**
 * Lists the source files under `root` that a recogniser understands, in a stable order, leaving
 * out skipped folders, what the folder's `.gitignore` files and `.clearance.yaml` `exclude:` name,
 * and minified bundles. A folder past `maxScanDepth` levels is not walked: it is reported in
 * `problems` (`scan_depth_limit`), never skipped silently.
 */
export function listSourceFiles(root: string, problems: ClearanceError[] = []): string[] {
  const files: string[] = [];
  if (platformFiles.kindOf(root) === 'file') return languageForPath(root) ? [root] : [];
  const filter = createSourceFilter(root);
  const visit = (dir: string, depth: number): void => {
    if (depth > maxScanDepth) {
      const start = { line: 1, column: 1, offset: 0 };
      problems.push({
        code: 'scan_depth_limit',
        message: `not scanned: ${relative(root, dir)} is more than ${maxScanDepth} folders deep`,
        location: { file: dir, start, end: start },
      });
      return;
    }
    const entries = platformFiles.list(dir) ?? [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.kind === 'directory') {
        if (!isSkippedDirectory(entry.name) && !filter.excludes(path, true)) visit(path, depth + 1);
      } else if (languageForPath(path) && !filter.excludes(path, false)) {
        files.push(path);
      }
    }
  };
  visit(root, 0);
  return files;
}

/** Reads a source file, bounded: a repository's multi-gigabyte "source file" is reported, never read whole. */
function readSourceFile(file: string): string {
  const read = platformFiles.readText(file, maxSourceReadBytes);
  if (!read.ok) throw new Error(`it ${describeReadProblem(read.problem)}`);
  return read.text;
}

/**
 * Scans and decides every source file under `root` (for the CLI), with the project pass: call sites
 * of the project's own clients are calls too. Paths in the result are absolute. `scanning.parallel`
 * scans on more threads (the CLI's scan pool); the calls found are the same.
 */
export async function decideFolder(
  scanner: Scanner,
  root: string,
  context: DecisionContext,
  scanning: ScanProjectOptions = {},
): Promise<{ calls: DecidedCall[]; errors: ClearanceError[]; files: number }> {
  const calls: DecidedCall[] = [];
  const errors: ClearanceError[] = [];
  const files = listSourceFiles(root, errors);
  const scanned = await scanProject(
    scanner,
    files.map((file) => ({ file, read: () => readSourceFile(file) })),
    scanning,
  );
  for (const file of files) {
    const result = scanned.get(file);
    if (result === undefined) continue;
    if (result.errors.some((error) => error.code === 'read_error')) {
      const shown = relative(root, file) || file;
      errors.push(
        ...result.errors.map(({ code, message }) => ({ code, message: message.replace(file, shown) })),
      );
      continue;
    }
    calls.push(...(await decideCalls(file, result.calls, context, decideOne)));
    errors.push(...result.errors);
  }
  return { calls, errors, files: files.length };
}
