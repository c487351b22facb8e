/**
 * The one-report post-pass of the CLI's project scan (`scanner/project/single-report.ts`), kept
 * current over the workspace index's files: a call inside a private wrapper whose every call site
 * is reported is dropped from its file's reported calls. After an update the pass reads the facts
 * already in the index (no file is read or parsed again): it judges the wrappers again only when a
 * changed file's call sites of wrappers or private wrappers changed (most edits change neither),
 * and filters again only the changed files and those holding a call inside a wrapper whose verdict
 * changed. Pure: no editor or LSP imports.
 */
import type { HttpCall } from '../scanner';
import { coveredOffsets, coveredWrappers, reportSitesOf } from '../scanner/project/single-report';
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
  /** What the verdicts read of each file (`reportSitesOf`), as the pass last saw it. */
  private readonly sites = new Map<string, string>();
  private covered: (key: string) => boolean = () => false;
  /** Wrapper keys found covered among the indexed calls inside wrappers. */
  private coveredKeys = new Set<string>();

  /** What `apply` changed since `takeChanges` was last asked. */
  private pending = { files: new Set<string>(), wrappers: new Set<string>() };

  /**
   * The start offsets of the calls a scan of one file found inside wrappers whose calls the pass
   * drops, from that scan's `innerCalls`: an open document's text may be newer than the index's.
   */
  droppedCalls(innerCalls: ReadonlyArray<readonly [number, string]> | undefined): Set<number> {
    return coveredOffsets(innerCalls, this.covered);
  }

  /**
   * What the pass changed since the last call: files whose reported calls changed, and wrappers
   * whose calls inside went from reported to dropped or back (an open document's calls inside one
   * are shown, or no longer, through `droppedCalls`).
   */
  takeChanges(): ReportChanges {
    const { files, wrappers } = this.pending;
    this.pending = { files: new Set(), wrappers: new Set() };
    return { files: [...files], wrappers: [...wrappers] };
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
    let sitesChanged = gone.length > 0;
    for (const path of gone) {
      this.seen.delete(path);
      this.sites.delete(path);
    }
    for (const path of touched) {
      const file = files.get(path) as F;
      const sites = reportSitesOf({
        calls: file.scanned ?? file.calls,
        ...(file.facts ? { facts: file.facts } : {}),
      });
      if (this.sites.get(path) !== sites) sitesChanged = true;
      this.sites.set(path, sites);
    }
    // Most edits change no call site of a wrapper and no wrapper: the verdicts stand, and only the
    // edited files are filtered again.
    return this.refilter(files, touched, sitesChanged ? this.judge(files) : new Set());
  }

  /**
   * Joins the verdicts again from every file's facts in memory (a walk over the indexed calls, not
   * a scan); returns the wrappers whose verdict changed.
   */
  private judge(files: Map<string, F>): Set<string> {
    this.covered = coveredWrappers(
      [...files.values()].map((file) => ({
        calls: file.scanned ?? file.calls,
        ...(file.facts === undefined ? {} : { facts: file.facts }),
      })),
    );
    const keys = new Set<string>();
    for (const file of files.values())
      for (const [, key] of file.facts?.innerCalls ?? []) if (this.covered(key)) keys.add(key);
    const changed = new Set([...keys].filter((key) => !this.coveredKeys.has(key)));
    for (const key of this.coveredKeys) if (!keys.has(key)) changed.add(key);
    this.coveredKeys = keys;
    return changed;
  }

  /** Filters the `touched` files again, and those holding a call inside a wrapper whose verdict changed. */
  private refilter(
    files: Map<string, F>,
    touched: readonly string[],
    changedKeys: ReadonlySet<string>,
  ): ReportChanges {
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
    for (const path of changedFiles) this.pending.files.add(path);
    for (const key of changedKeys) this.pending.wrappers.add(key);
    return { files: changedFiles, wrappers: [...changedKeys] };
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
