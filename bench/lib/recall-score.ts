/**
 * How a labelled ground truth scores a project pass's calls, shared by `bench/recall.ts` (public
 * repositories), `bench/zoo.ts` (the shape zoo) and the zoo's regression test. A label matches a
 * found call on the callee's line with the same method and the same URL template (placeholders
 * compared as `{}`, query strings and a leading base expression dropped); a label listing
 * alternatives (`a | b`) matches one found call per alternative (a call reported once for each URL
 * a conditional picks), and counts once for recall. Precision counts the calls found in the
 * labelled files, less the transport calls the ground truth lists as unscored.
 */

import type { OpenApiSource } from '../../server/src/config/openapi-operations';
import type { HttpCall, ScanResult } from '../../server/src/scanner';

/** One labelled call site. */
export interface Label {
  file: string;
  line: number;
  method: string;
  /** `{}` for placeholders; alternatives separated by ` | `; null when the URL is computed at run time. */
  url: string | null;
}

/** A labelled repository (bench/recall-data/*.json) or zoo project (test/fixtures/zoo/*). */
export interface GroundTruth {
  repository: string;
  commit: string;
  style: string;
  rule: string;
  transport: Array<{ file: string; line: number }>;
  calls: Label[];
  /** True for repositories labelled after the inference was written and never tuned on. */
  unseen?: boolean;
  /** For a repository that was unseen and then tuned on: when and what changed for it. */
  tuned?: string;
  /** The repository's OpenAPI documents, as `.clearance.yaml` `openapi:` would list them. */
  openapi?: Array<string | OpenApiSource>;
}

/** A call found in a labelled file. */
export interface FoundCall {
  file: string;
  call: HttpCall;
}

/** What one ground truth scores: labels matched, found calls, and which of them matched a label. */
export interface Score {
  hits: number;
  found: FoundCall[];
  used: Set<number>;
}

/** Normalises a URL template for comparison: no origin, query, base expression or edge slashes. */
export function normaliseTemplate(url: string): string {
  let value = url.replace(/\{[^{}]*\}/g, '{}');
  value = value.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  value = value.replace(/[?#].*$/, '');
  // A URL that starts with a base expression (`${env.API_URL}/x`) compares by its path.
  // So does one whose base ends in the slash (`${base}api/x`, the base `/` or `https://host/`).
  if (value.startsWith('{}/') || /^\{\}[A-Za-z]/.test(value)) value = value.slice(2);
  return value.replace(/^\/+|\/+$/g, '');
}

/** A found call's URL as a template, every expression as `{}`. */
export function templateOf(call: HttpCall): string {
  return call.url.segments.map((segment) => (segment.kind === 'literal' ? segment.text : '{}')).join('');
}

/** Scores the project pass's results against a ground truth. */
export function scoreTruth(truth: GroundTruth, results: Map<string, ScanResult>): Score {
  const labelledFiles = new Set(truth.calls.map((label) => label.file));
  const transport = new Set(truth.transport.map((site) => `${site.file}:${site.line}`));
  const found = [...results]
    .filter(([file]) => labelledFiles.has(file))
    .flatMap(([file, result]) => result.calls.map((call) => ({ file, call })))
    .filter(({ file, call }) => !transport.has(`${file}:${call.calleeLocation.start.line}`));
  const used = new Set<number>();
  let hits = 0;
  for (const label of truth.calls) {
    const urls = label.url?.split(' | ').map(normaliseTemplate);
    const matches = (i: number, url?: string) => {
      const site = found[i];
      return (
        site !== undefined &&
        !used.has(i) &&
        site.file === label.file &&
        site.call.calleeLocation.start.line === label.line &&
        site.call.method === label.method &&
        (url === undefined || normaliseTemplate(templateOf(site.call)) === url)
      );
    };
    // A label's alternatives are the URLs its call may request: a call reported once per
    // alternative (a conditional URL) is right for each, but the label counts once for recall.
    const picked = new Set<number>();
    for (const url of urls === undefined ? [undefined] : [...new Set(urls)]) {
      const index = found.findIndex((_, i) => !picked.has(i) && matches(i, url));
      if (index >= 0) picked.add(index);
      if (urls === undefined && index >= 0) break;
    }
    for (const index of picked) used.add(index);
    if (picked.size > 0) hits++;
  }
  return { hits, found, used };
}

/** The lines `--misses` prints: labels with no call of their method on their line, and wrong reports. */
export function missLines(truth: GroundTruth, score: Score): string[] {
  const lines: string[] = [];
  for (const label of truth.calls) {
    const near = score.found.filter(
      ({ file, call }) => file === label.file && call.calleeLocation.start.line === label.line,
    );
    if (near.length === 0 || !near.some(({ call }) => call.method === label.method)) {
      lines.push(
        `  miss ${label.file}:${label.line} ${label.method} ${label.url} ${near.map(({ call }) => `[${call.method} ${templateOf(call)}]`).join(' ')}`,
      );
    }
  }
  score.found.forEach(({ file, call }, i) => {
    if (!score.used.has(i))
      lines.push(`  wrong ${file}:${call.calleeLocation.start.line} ${call.method} ${templateOf(call)}`);
  });
  return lines;
}
