/**
 * The workspace index: the HTTP calls of every source file under the workspace folders, kept
 * current incrementally. A file is re-parsed only when its content changed (size and mtime first,
 * then a content hash); the text of a document open in the editor overlays the file on disk. This
 * file holds the per-file bookkeeping (what was scanned, when to scan again, full runs); which files
 * are covered is `index-roots.ts`, the project's own clients `project-resolution.ts`, the one-report
 * post-pass `one-report.ts`. Pure: no editor or LSP imports, so the server, tests and benchmarks
 * share it.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import type { ClearanceError } from '../errors';
import { DEFAULT_MAX_FILE_BYTES, type HttpCall, type Scanner } from '../scanner';
import type { FileFacts, ProjectView } from '../scanner/project/types';
import { formatSize } from '../scanner/scanner';
import { IndexRoots } from './index-roots';
import { OneReportPass } from './one-report';
import { clientsOf, ProjectResolution, yieldToEventLoop } from './project-resolution';

/** One indexed source file: what identifies its content, and the calls found in it. */
export interface IndexedFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** SHA-1 of the text that was scanned (not a security boundary: it only detects change). */
  hash: string;
  /** Whether the scanned text was an open document's rather than the file on disk. */
  fromOverlay: boolean;
  /**
   * The calls reported: those found, less the calls inside a private wrapper whose every call site
   * is reported (the one-report post-pass, `one-report.ts`).
   */
  calls: HttpCall[];
  /** The calls found, when the post-pass dropped some of them. */
  scanned?: HttpCall[];
  errors: ClearanceError[];
  /** What the file tells the project pass (its own clients, classes, typed fields). */
  facts?: FileFacts;
}

/** What one `updateFile` did to the index. */
export type UpdateOutcome = 'parsed' | 'unchanged' | 'removed' | 'ignored';

/** How the index is bounded. */
export interface WorkspaceIndexOptions {
  scanner: Scanner;
  /** The most source files indexed; files past it (in walk order) are left out and `truncated` is set. */
  maxFiles: number;
  /** Files larger than this are not read; they are listed with a `file_too_large` error. */
  maxFileBytes?: number;
  /**
   * How many files a full run handles at once (default 2: one is read while one is scanned). More
   * makes a hover wait behind more parses in one turn of the event loop.
   */
  filesInFlight?: number;
}

/** Progress of a full index run, for a progress bar. */
export interface IndexProgress {
  done: number;
  total: number;
}

/** What a full index run found. */
export interface IndexRunResult {
  files: number;
  parsed: number;
  truncated: boolean;
  cancelled: boolean;
}

/** The index of one workspace (all of its folders). */
export class WorkspaceIndex {
  readonly files = new Map<string, IndexedFile>();
  /** How many times a file was handed to the scanner: tests use it to prove unchanged files are not. */
  parseCount = 0;
  /** Whether the last full run stopped at `maxFiles`. */
  truncated = false;
  /** Counts `setScanner` calls: a scan begun with an earlier scanner is dropped when it ends. */
  private scannerGeneration = 0;
  private readonly roots = new IndexRoots();
  private readonly overlays = new Map<string, string>();
  // A newer update of the same file may finish first (a watcher event during a full run); the
  // older one's result is then dropped.
  private readonly updateTickets = new Map<string, number>();
  private nextTicket = 0;
  private maxFiles: number;
  private readonly maxFileBytes: number;
  private indexing = false;
  /** The project's own clients as the last project pass saw them (`project-resolution.ts`). */
  private readonly project = new ProjectResolution();
  /**
   * The CLI's one-report post-pass over the files (see `one-report.ts`): applied after every update
   * outside a full run, which applies it once at its end; it reads facts in memory, parses nothing.
   */
  readonly oneReport = new OneReportPass<IndexedFile>();

  constructor(private readonly options: WorkspaceIndexOptions) {
    this.maxFiles = options.maxFiles;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  /** Sets the folders to index (every folder of a multi-root workspace) and forgets files outside them. */
  setRoots(roots: string[]): void {
    this.roots.set(roots);
    for (const path of [...this.files.keys()]) if (!this.isIndexable(path)) this.files.delete(path);
  }

  /** Changes the file limit; it applies from the next full run. */
  setMaxFiles(maxFiles: number): void {
    this.maxFiles = maxFiles;
  }

  /**
   * Uses another scanner (one that knows new client mappings from `.clearance.yaml`) and forgets
   * every file, since what a file's calls are depends on it; the next full run re-parses them all.
   */
  setScanner(scanner: Scanner): void {
    this.options.scanner = scanner;
    this.scannerGeneration++;
    this.files.clear();
    this.project.forgetClients();
    if (this.project.view !== undefined) scanner.useProjectView?.(this.project.view);
  }

  /** The project's own clients as last inferred (empty before the first full run). */
  get projectView(): ProjectView | undefined {
    return this.project.view;
  }

  /**
   * The project pass: joins every file's facts into a view of the project's own clients, and
   * re-scans the files that name a client which appeared, changed or went away since the last
   * pass, until no round changes the clients. Only those files are read again, so an edit that
   * changes no wrapper costs nothing here. The scanner then applies the view to later scans.
   */
  async resolveProject(isCancelled: () => boolean = () => false): Promise<number> {
    const rescanned = await this.project.resolve({
      files: this.files,
      scanner: this.options.scanner,
      readText: (path) => this.readText(path),
      onParse: () => {
        this.parseCount++;
      },
      filesInFlight: this.options.filesInFlight ?? 2,
      isCancelled,
    });
    if (!isCancelled()) this.oneReport.apply(this.files);
    return rescanned;
  }

  private async readText(path: string): Promise<string | undefined> {
    const overlay = this.overlays.get(path);
    if (overlay !== undefined) return overlay;
    try {
      const stats = await stat(path);
      if (!stats.isFile() || stats.size > this.maxFileBytes) return undefined;
      return await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Whether `path` is a source file the index covers: under a root, outside skipped folders. */
  isIndexable(path: string): boolean {
    return this.roots.covers(path);
  }

  /** Makes `text` (an open document's) the content of `path`, and re-scans it if that changed it. */
  async setOverlay(path: string, text: string): Promise<UpdateOutcome> {
    if (!this.isIndexable(path)) return 'ignored';
    this.overlays.set(path, text);
    return this.updateFile(path);
  }

  /** Goes back to the file on disk for `path` (its document was closed). */
  async clearOverlay(path: string): Promise<UpdateOutcome> {
    if (!this.overlays.delete(path)) return 'ignored';
    return this.updateFile(path);
  }

  /**
   * Brings one file up to date: reads it (or its overlay), and scans it only when its content
   * changed. A file that is gone or no longer a file is removed.
   */
  async updateFile(path: string): Promise<UpdateOutcome> {
    const outcome = await this.updateOne(path);
    // A full run applies the post-pass once, at its end.
    if (!this.indexing && (outcome === 'parsed' || outcome === 'removed')) this.oneReport.apply(this.files);
    return outcome;
  }

  private async updateOne(path: string): Promise<UpdateOutcome> {
    if (!this.isIndexable(path)) return 'ignored';
    const ticket = ++this.nextTicket;
    this.updateTickets.set(path, ticket);
    const stale = () => this.updateTickets.get(path) !== ticket;
    const existing = this.files.get(path);
    const overlay = this.overlays.get(path);
    if (overlay !== undefined) {
      const size = Buffer.byteLength(overlay, 'utf8');
      // Too large to scan: skipped as a file on disk is, without hashing it or sending it to be parsed.
      if (size > this.maxFileBytes)
        return this.skipTooLarge(path, { size, mtimeMs: existing?.mtimeMs ?? 0 }, true);
      const hash = hashText(overlay);
      if (existing?.hash === hash) return 'unchanged';
      return this.scanInto(path, overlay, { size, mtimeMs: existing?.mtimeMs ?? 0, hash }, true, stale);
    }
    let stats: { size: number; mtimeMs: number; isFile(): boolean };
    try {
      stats = await stat(path);
    } catch {
      return stale() ? 'unchanged' : this.forget(path);
    }
    if (stale()) return 'unchanged';
    if (!stats.isFile()) return this.forget(path);
    if (
      existing &&
      !existing.fromOverlay &&
      existing.size === stats.size &&
      existing.mtimeMs === stats.mtimeMs
    )
      return 'unchanged';
    const identity = { size: stats.size, mtimeMs: stats.mtimeMs };
    // Not even read: a file this large is generated or vendored, and reading it costs memory.
    if (stats.size > this.maxFileBytes) return this.skipTooLarge(path, identity, false);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (stale()) return 'unchanged';
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.forget(path);
      const problem: ClearanceError = {
        code: 'read_error',
        message: `cannot read the file: ${(error as Error).message}`,
        location: { file: path, start: startPosition, end: startPosition },
      };
      this.files.set(path, {
        path,
        ...identity,
        hash: `unreadable:${stats.mtimeMs}`,
        fromOverlay: false,
        calls: [],
        errors: [problem],
      });
      return 'parsed';
    }
    if (stale()) return 'unchanged';
    const hash = hashText(text);
    if (existing?.hash === hash) {
      // Touched but not changed (a save without edits, a checkout of the same content).
      this.files.set(path, { ...existing, ...identity, fromOverlay: false });
      return 'unchanged';
    }
    return this.scanInto(path, text, { ...identity, hash }, false, stale);
  }

  /** Records `path` as too large to scan (unchanged when it was already, at this size and time). */
  private skipTooLarge(
    path: string,
    identity: { size: number; mtimeMs: number },
    fromOverlay: boolean,
  ): UpdateOutcome {
    const hash = `size:${identity.size}:${identity.mtimeMs}`;
    const existing = this.files.get(path);
    if (existing?.hash === hash && existing.fromOverlay === fromOverlay) return 'unchanged';
    const error: ClearanceError = {
      code: 'file_too_large',
      message: `skipped: ${formatSize(identity.size)} is over the ${formatSize(this.maxFileBytes)} scan limit`,
      location: { file: path, start: startPosition, end: startPosition },
    };
    this.files.set(path, { path, ...identity, hash, fromOverlay, calls: [], errors: [error] });
    return 'parsed';
  }

  /** Removes `path`, or every indexed file under it when it is a folder (deleted as one event). */
  removePath(path: string): boolean {
    let removed = this.forget(path) === 'removed';
    const folder = path.endsWith(sep) ? path : `${path}${sep}`;
    for (const file of [...this.files.keys()]) {
      if (file.startsWith(folder)) {
        this.files.delete(file);
        this.updateTickets.delete(file);
        removed = true;
      }
    }
    if (removed && !this.indexing) this.oneReport.apply(this.files);
    return removed;
  }

  /**
   * Indexes every source file of the roots: lists them (up to `maxFiles`), updates each, and yields
   * to the event loop between files so requests are answered meanwhile. Files no longer on disk
   * are dropped. `isCancelled` stops the run between two files.
   */
  async indexAll(
    onProgress: (progress: IndexProgress) => void = () => {},
    isCancelled: () => boolean = () => false,
  ): Promise<IndexRunResult> {
    this.indexing = true;
    try {
      return await this.runIndex(onProgress, isCancelled);
    } finally {
      this.indexing = false;
    }
  }

  private async runIndex(
    onProgress: (progress: IndexProgress) => void,
    isCancelled: () => boolean,
  ): Promise<IndexRunResult> {
    const listed = await this.roots.list(this.maxFiles, isCancelled);
    this.truncated = listed.truncated;
    const seen = new Set(listed.files);
    let parsed = 0;
    let done = 0;
    let next = 0;
    // Files in flight: the next one is read while this one is scanned.
    const work = async () => {
      while (next < listed.files.length && !isCancelled()) {
        const path = listed.files[next++] as string;
        if ((await this.updateFile(path)) === 'parsed') parsed++;
        done++;
        if (done % 50 === 0 || done === listed.files.length) onProgress({ done, total: listed.files.length });
        // Reads yield already; a file served from an overlay or unchanged by size and mtime may not.
        if (done % 20 === 0) await yieldToEventLoop();
      }
    };
    await Promise.all(Array.from({ length: this.options.filesInFlight ?? 2 }, work));
    if (isCancelled())
      return { files: this.files.size, parsed, truncated: listed.truncated, cancelled: true };
    for (const path of [...this.files.keys()]) {
      if (!seen.has(path) && !this.overlays.has(path)) this.files.delete(path);
    }
    await this.resolveProject(isCancelled);
    return { files: this.files.size, parsed, truncated: listed.truncated, cancelled: isCancelled() };
  }

  /** Every indexed call, file by file in path order. */
  listCalls(): Array<{ file: IndexedFile; call: HttpCall }> {
    const out: Array<{ file: IndexedFile; call: HttpCall }> = [];
    for (const path of [...this.files.keys()].sort()) {
      const file = this.files.get(path) as IndexedFile;
      for (const call of file.calls) out.push({ file, call });
    }
    return out;
  }

  private async scanInto(
    path: string,
    text: string,
    identity: { size: number; mtimeMs: number; hash: string },
    fromOverlay: boolean,
    stale: () => boolean,
  ): Promise<UpdateOutcome> {
    this.parseCount++;
    const generation = this.scannerGeneration;
    const result = await this.options.scanner.scanText(path, text, undefined, { collectFacts: true });
    // A scan by the scanner `setScanner` replaced meanwhile is not kept: kept, it would match the
    // file's size and time, and the full run that follows would take it as up to date.
    if (stale() || generation !== this.scannerGeneration) return 'unchanged';
    const before = this.files.get(path)?.facts;
    // A parse stopped at its time limit (a busy machine, a pathological file) is not a result for
    // this content: the entry matches no size, time or hash, so the next update scans it again.
    const timedOut = result.errors.some((e) => e.code === 'scan_timeout');
    this.files.set(path, {
      path,
      ...(timedOut ? { ...identity, mtimeMs: -1, hash: `timed-out:${identity.hash}` } : identity),
      fromOverlay,
      calls: result.calls,
      errors: result.errors,
      ...(result.facts === undefined ? {} : { facts: result.facts }),
    });
    // An edit outside a full run that changes the file's own clients re-scans their callers.
    if (!this.indexing && this.project.view !== undefined && clientsOf(before) !== clientsOf(result.facts))
      await this.resolveProject();
    return 'parsed';
  }

  private forget(path: string): UpdateOutcome {
    this.updateTickets.delete(path);
    return this.files.delete(path) ? 'removed' : 'unchanged';
  }
}

const startPosition = { line: 1, column: 1, offset: 0 };

function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
