/**
 * The workspace index: the HTTP calls of every source file under the workspace folders, kept
 * current incrementally. A file is re-parsed only when its content changed (size and mtime first,
 * then a content hash); the text of a document open in the editor overlays the file on disk. Pure:
 * no editor or LSP imports, so the server, tests and benchmarks share it.
 */
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createSourceFilter, type SourceFilter } from '../config/source-filter';
import { isSkippedDirectory } from '../config/workspace-files';
import type { ClearanceError } from '../errors';
import { DEFAULT_MAX_FILE_BYTES, type HttpCall, languageForPath, type Scanner } from '../scanner';
import { buildProjectView } from '../scanner/project/scan-project';
import type { FileFacts, ProjectView } from '../scanner/project/types';
import { formatSize } from '../scanner/scanner';
import { countWords } from '../scanner/syntax';
import { OneReportPass } from './one-report';

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

/** A project pass re-scans files that name a changed client at most this many rounds in a row. */
const MAX_PROJECT_ROUNDS = 5;

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
  private roots: string[] = [];
  /** Per root: `.gitignore` and `.clearance.yaml` `exclude:`, read again at each full run. */
  private filters = new Map<string, SourceFilter>();
  private readonly overlays = new Map<string, string>();
  // A newer update of the same file may finish first (a watcher event during a full run); the
  // older one's result is then dropped.
  private readonly updateTickets = new Map<string, number>();
  private nextTicket = 0;
  private maxFiles: number;
  private readonly maxFileBytes: number;
  /** The clients (by key) the last project pass saw, and the view built from them. */
  private knownClients = new Map<string, { name: string; file: string }>();
  private indexing = false;
  private view: ProjectView | undefined;
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
    this.roots = [...new Set(roots)];
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
    this.files.clear();
    this.knownClients.clear();
    if (this.view !== undefined) scanner.useProjectView?.(this.view);
  }

  /** The project's own clients as last inferred (empty before the first full run). */
  get projectView(): ProjectView | undefined {
    return this.view;
  }

  /**
   * The project pass: joins every file's facts into a view of the project's own clients, and
   * re-scans the files that name a client which appeared, changed or went away since the last
   * pass, until no round changes the clients. Only those files are read again, so an edit that
   * changes no wrapper costs nothing here. The scanner then applies the view to later scans.
   */
  async resolveProject(isCancelled: () => boolean = () => false): Promise<number> {
    let rescanned = 0;
    for (let round = 0; round < MAX_PROJECT_ROUNDS && !isCancelled(); round++) {
      const view = buildProjectView([...this.files.values()].map((file) => file.facts));
      const current = new Map<string, { name: string; file: string }>();
      for (const client of [...view.definitions, ...view.instances])
        current.set(clientKey(client), { name: client.name, file: client.site.file });
      // Per changed name, how many of its new definitions each file holds: a file that only defines
      // it (the name once, at its definition) has no call of it to find, as in the CLI's pass.
      const changed = new Map<string, Map<string, number>>();
      for (const [key, client] of current) {
        if (this.knownClients.has(key)) continue;
        const sites = changed.get(client.name) ?? new Map<string, number>();
        sites.set(client.file, (sites.get(client.file) ?? 0) + 1);
        changed.set(client.name, sites);
      }
      for (const [key, client] of this.knownClients)
        if (!current.has(key) && !changed.has(client.name)) changed.set(client.name, new Map());
      this.knownClients = current;
      this.view = view;
      this.options.scanner.useProjectView?.(view);
      if (changed.size === 0) break;
      // Counting a file's words once makes the check one lookup per word, not a text search per name.
      const namesAClient = (path: string, text: string) => {
        for (const [word, count] of countWords(text)) {
          const sites = changed.get(word);
          if (sites !== undefined && count > (sites.get(path) ?? 0)) return true;
        }
        return false;
      };
      const paths = [...this.files.keys()];
      let next = 0;
      // The round's files are scanned with the same view, so they can be in flight side by side:
      // as many as a full run has, which keeps every scan worker busy.
      const work = async () => {
        while (next < paths.length && !isCancelled()) {
          const path = paths[next++] as string;
          const text = await this.readText(path);
          if (text === undefined || !namesAClient(path, text)) continue;
          const existing = this.files.get(path);
          if (existing === undefined) continue;
          this.parseCount++;
          rescanned++;
          const result = await this.options.scanner.scanText(path, text, undefined, {
            project: view,
            collectFacts: true,
          });
          // The calls found before are replaced whole: the post-pass filters the new ones again.
          const { scanned: _before, ...kept } = existing;
          this.files.set(path, {
            ...kept,
            calls: result.calls,
            errors: result.errors,
            ...(result.facts ? { facts: result.facts } : {}),
          });
          if (rescanned % 20 === 0) await yieldToEventLoop();
        }
      };
      await Promise.all(Array.from({ length: this.options.filesInFlight ?? 2 }, work));
    }
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
    if (!languageForPath(path)) return false;
    return this.roots.some((root) => {
      const rel = relative(root, path);
      if (!rel || rel.startsWith('..') || rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel)) return false;
      const folders = rel.split(sep).slice(0, -1);
      return !folders.some(isSkippedDirectory) && !this.filterOf(root).excludes(path, false);
    });
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
    const listed = await this.listFiles(isCancelled);
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
    const result = await this.options.scanner.scanText(path, text, undefined, { collectFacts: true });
    if (stale()) return 'unchanged';
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
    if (!this.indexing && this.view !== undefined && clientsOf(before) !== clientsOf(result.facts))
      await this.resolveProject();
    return 'parsed';
  }

  private forget(path: string): UpdateOutcome {
    this.updateTickets.delete(path);
    return this.files.delete(path) ? 'removed' : 'unchanged';
  }

  private filterOf(root: string): SourceFilter {
    let filter = this.filters.get(root);
    if (filter === undefined) {
      filter = createSourceFilter(root);
      this.filters.set(root, filter);
    }
    return filter;
  }

  /** Walks the roots breadth-first in a stable order, up to `maxFiles` source files. */
  private async listFiles(isCancelled: () => boolean): Promise<{ files: string[]; truncated: boolean }> {
    const files: string[] = [];
    this.filters.clear();
    const queue = [...this.roots];
    const rootOf = new Map(this.roots.map((root) => [root, root]));
    let directories = 0;
    while (queue.length > 0) {
      if (isCancelled()) break;
      const dir = queue.shift() as string;
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      // A folder tree without end (a symlink loop is not followed, but a huge tree can be) stops here.
      if (++directories > 200_000) return { files, truncated: true };
      const root = rootOf.get(dir) ?? dir;
      const filter = this.filterOf(root);
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!isSkippedDirectory(entry.name) && !filter.excludes(path, true)) {
            queue.push(path);
            rootOf.set(path, root);
          }
        } else if (entry.isFile() && languageForPath(path) && !filter.excludes(path, false)) {
          if (files.length >= this.maxFiles) return { files, truncated: true };
          files.push(path);
        }
      }
    }
    return { files, truncated: false };
  }
}

const startPosition = { line: 1, column: 1, offset: 0 };

function clientsOf(facts: FileFacts | undefined): string {
  return JSON.stringify([
    facts?.definitions ?? [],
    facts?.instances ?? [],
    facts?.classes ?? [],
    facts?.fieldTypes ?? [],
  ]);
}

function clientKey(client: { kind: string; name: string; site: { file: string; line: number } }): string {
  return `${client.kind}:${client.site.file}:${client.site.line}:${client.name}:${JSON.stringify(client)}`;
}

function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Lets queued I/O and requests run before the next file. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
