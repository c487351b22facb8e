/**
 * One report per request for wrappers that write part of their URL and take the rest from their
 * callers (`getAggregatedData(ctx, filter, "all")` around `c.post(ctx, base+"/"+kind, ...)`): the
 * call inside is reported with the caller's part unknown, and each caller with it written. When the
 * wrapper is private to its module (a Go name in lower case, a Python `_name`, a JS/TS function
 * that is not exported or a `private`/`#` method), every caller is in the project: if every call
 * site of it is reported (or passes its own parameters on to a wrapper whose call sites are, in
 * turn), the call inside says nothing more and is dropped. A public wrapper keeps its call inside:
 * its callers are mostly outside the project. So does a private one that some caller calls
 * without writing any part of the URL (that caller's request is reported only inside).
 */

import type { Node } from 'web-tree-sitter';
import type { ScanLanguage, ScanResult } from '../types';
import { type FunctionShape, isJsLanguage } from './code-shape';

/** The key a wrapper is known by in facts and in a call's `via`: `file:line:Owner.name`. */
export function wrapperKey(site: { file: string; line: number }, name: string): string {
  return `${site.file}:${site.line}:${name}`;
}

/** Whether every caller of the function is in the project (it is private to its module). */
export function isPrivateFunction(fn: FunctionShape, language: ScanLanguage, text: string): boolean {
  if (language === 'go') return /^[a-z_]/.test(fn.name);
  if (language === 'python') return /^_(?!_)/.test(fn.name);
  if (!isJsLanguage(language)) return false;
  if (fn.owner !== undefined) {
    if (fn.name.startsWith('#')) return true;
    const method = fn.node.type === 'method_definition' ? fn.node : fn.node.parent;
    return (method?.namedChildren ?? []).some(
      (child) =>
        child?.type === 'accessibility_modifier' &&
        text.slice(child.startIndex, child.endIndex) === 'private',
    );
  }
  return !isExported(fn.node, fn.name, text);
}

// A module-level JS function: exported where declared, in an export list, or through CommonJS.
function isExported(fn: Node, name: string, text: string): boolean {
  for (let current: Node | null = fn; current !== null; current = current.parent) {
    if (current.type === 'export_statement') return true;
  }
  const escaped = name.replace(/\$/g, '\\$');
  return new RegExp(
    `\\bexport\\s*(?:default\\s+${escaped}\\b|\\{[^}]*\\b${escaped}\\b)|\\bexports\\.${escaped}\\b|module\\.exports\\b`,
  ).test(text);
}

/**
 * Drops the calls inside private wrappers whose every call site is reported (see above). Reads the
 * facts each file's last scan left: the calls inside wrappers, the call sites that reported
 * nothing, and those that passed their parameters on.
 */
export function dropCoveredInnerCalls(results: Map<string, ScanResult>): void {
  const covered = coveredWrappers(results.values());
  for (const [file, result] of results) {
    const dropped = coveredOffsets(result.facts?.innerCalls, covered);
    if (dropped.size === 0) continue;
    results.set(file, {
      ...result,
      calls: result.calls.filter((call) => !dropped.has(call.location.start.offset)),
    });
  }
}

/**
 * Which wrappers' inner calls say nothing more (see above), from every file's calls and facts: the
 * answer for a wrapper key (`wrapperKey`). The workspace index keeps it between edits and asks it
 * again only when a file's call sites or wrappers change.
 */
export function coveredWrappers(
  results: Iterable<Pick<ScanResult, 'calls' | 'facts'>>,
): (key: string) => boolean {
  const reported = new Map<string, number>();
  const silent = new Set<string>();
  const passing = new Map<string, Array<string | null>>();
  const privates = new Set<string>();
  for (const result of results) {
    for (const key of reportedVia(result.calls)) reported.set(key, (reported.get(key) ?? 0) + 1);
    const facts = result.facts;
    if (facts === undefined) continue;
    for (const key of privateWrappers(facts)) privates.add(key);
    for (const key of facts.silentSites ?? []) silent.add(key);
    for (const [key, into] of facts.passingSites ?? []) passing.set(key, [...(passing.get(key) ?? []), into]);
  }
  const verdicts = new Map<string, boolean>();
  const covered = (key: string): boolean => {
    const known = verdicts.get(key);
    if (known !== undefined) return known;
    // A cycle of wrappers passing to each other is not known to reach a reported call site.
    verdicts.set(key, false);
    const passes = passing.get(key) ?? [];
    const verdict =
      privates.has(key) &&
      !silent.has(key) &&
      (reported.get(key) ?? 0) + passes.length > 0 &&
      passes.every((into) => into !== null && covered(into));
    verdicts.set(key, verdict);
    return verdict;
  };
  return covered;
}

/**
 * What `coveredWrappers` reads of one file, as one string: two scans of a file that give the same
 * leave every verdict as it was (the workspace index then keeps its verdicts across an edit).
 */
export function reportSitesOf(result: Pick<ScanResult, 'calls' | 'facts'>): string {
  const facts = result.facts;
  return JSON.stringify([
    reportedVia(result.calls),
    facts === undefined ? [] : privateWrappers(facts),
    facts?.silentSites ?? [],
    facts?.passingSites ?? [],
  ]);
}

// The keys of the wrappers the calls were reported through (a key once per call).
function reportedVia(calls: ScanResult['calls']): string[] {
  return calls.flatMap((call) => (call.via === undefined ? [] : [wrapperKey(call.via, call.via.name)]));
}

// The keys of the file's wrappers that only the project calls.
function privateWrappers(facts: NonNullable<ScanResult['facts']>): string[] {
  return facts.definitions.flatMap((d) =>
    d.private === true ? [wrapperKey(d.site, d.owner === undefined ? d.name : `${d.owner}.${d.name}`)] : [],
  );
}

/**
 * The start offsets of the calls inside covered wrappers, of the scan that gave `innerCalls` (a
 * call's start offset and its wrapper's key): the calls the post-pass drops from that file.
 */
export function coveredOffsets(
  innerCalls: ReadonlyArray<readonly [number, string]> | undefined,
  covered: (key: string) => boolean,
): Set<number> {
  return new Set((innerCalls ?? []).filter(([, key]) => covered(key)).map(([offset]) => offset));
}
