/**
 * The one-report post-pass of the CLI's project scan (`scanner/project/single-report.ts`), kept
 * current over the workspace index's files: a call inside a private wrapper whose every call site
 * is reported is dropped from its file's reported calls. After an update the pass reads the facts
 * already in the index (no file is read or parsed again), and re-filters only the files whose entry
 * changed or that hold a call inside a wrapper whose verdict changed. Pure: no editor or LSP imports.
 */
import type { HttpCall } from '../scanner';
import { coveredOffsets, coveredWrappers } from '../scanner/project/single-report';
import type { FileFacts } from '../scanner/project/types';

/** What the pass reads of an indexed file, and writes back: its reported calls, and the scan's. */
export interface ReportedFile {
  /** The calls reported: the scan's, less those the pass drops. */
  calls: HttpCall[];
  /** The scan's calls, when the pass dropped some of them (`calls` is then a subset). */
  scanned?: HttpCall[];
  facts?: FileFacts;
}

/** What an application of the pass changed. */
export interface ReportChanges {
  /** Files whose entry the pass replaced: their reported calls are not the scan's, or no longer. */
  files: string[];
  /** Wrapper keys (`wrapperKey`) whose calls inside went from reported to dropped, or back. */
  wrappers: string[];
}

/** The pass's state between updates of one index. */
export class OneReportPass<F extends ReportedFile> {
  /** The entry of each file as the pass last saw it: an entry replaced since is a changed file. */
  private readonly seen = new Map<string, F>();
  private covered: (key: string) => boolean = () => false;
  /** Wrapper keys found covered among the indexed calls inside wrappers. */
  private coveredKeys = new Set<string>();

  /** Whether the calls inside the wrapper `key` are dropped (its every call site is reported). */
  isCovered(key: string): boolean {
    return this.covered(key);
  }

  /**
   * Brings every file's reported calls up to date with the index's current entries, replacing the
   * entries whose reported calls change (entries are never changed in place).
   */
  apply(files: Map<string, F>): ReportChanges {
    const touched: string[] = [];
    for (const [path, file] of files) if (this.seen.get(path) !== file) touched.push(path);
    const gone = [...this.seen.keys()].filter((path) => !files.has(path));
    if (touched.length === 0 && gone.length === 0) return { files: [], wrappers: [] };
    for (const path of gone) this.seen.delete(path);
    // The verdicts read every file's call sites: joined again from the facts in memory, which costs
    // a walk over the indexed calls, not a scan.
    this.covered = coveredWrappers(
      [...files.values()].map((file) => ({
        calls: file.scanned ?? file.calls,
        ...(file.facts === undefined ? {} : { facts: file.facts }),
      })),
    );
    const keys = new Set<string>();
    for (const file of files.values())
      for (const [, key] of file.facts?.innerCalls ?? []) if (this.covered(key)) keys.add(key);
    const wrappers = [...keys].filter((key) => !this.coveredKeys.has(key));
    for (const key of this.coveredKeys) if (!keys.has(key)) wrappers.push(key);
    this.coveredKeys = keys;
    const changedKeys = new Set(wrappers);
    const refilter = new Set(touched);
    if (changedKeys.size > 0)
      for (const [path, file] of files)
        if (file.facts?.innerCalls?.some(([, key]) => changedKeys.has(key))) refilter.add(path);
    const changedFiles: string[] = [];
    for (const path of refilter) {
      const file = files.get(path) as F;
      const next = this.filtered(file);
      if (next !== file) {
        files.set(path, next);
        changedFiles.push(path);
      }
      this.seen.set(path, next);
    }
    return { files: changedFiles, wrappers };
  }

  /** `file` with the calls inside covered wrappers dropped; `file` itself when that changes nothing. */
  private filtered(file: F): F {
    const scanned = file.scanned ?? file.calls;
    const dropped = coveredOffsets(file.facts?.innerCalls, this.covered);
    const calls =
      dropped.size === 0 ? scanned : scanned.filter((call) => !dropped.has(call.location.start.offset));
    if (calls.length === file.calls.length && calls.every((call, i) => call === file.calls[i])) return file;
    const { scanned: _previous, ...rest } = file;
    return { ...rest, calls, ...(calls === scanned ? {} : { scanned }) } as F;
  }
}
