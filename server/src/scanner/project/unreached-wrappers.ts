/**
 * One report per request, and at least one: a call inside a wrapper that only forwards the
 * wrapper's parameters is reported at the wrapper's call sites, not where it stands. When none of
 * those call sites is found anywhere in the project (a wrapper called through an object whose
 * class is not known, or called by nothing the project holds), the request would be reported
 * nowhere, so the call inside is reported where it stands after all.
 */

import type { HttpCall, ScanResult } from '../types';

/** Puts back the forwarding calls of wrappers that no call found in the project goes through. */
export function reportUnreachedWrappers(results: Map<string, ScanResult>): void {
  const reached = new Set<string>();
  for (const result of results.values()) {
    // A forwarding call reaches the wrapper it calls too: the request is reported further out.
    for (const call of result.calls)
      if (call.via !== undefined) reached.add(`${call.via.file}:${call.via.line}`);
    for (const { call } of result.forwarded ?? [])
      if (call.via !== undefined) reached.add(`${call.via.file}:${call.via.line}`);
  }
  // Wrappers whose call sites are the only report of a request: those leaving out a recognised
  // call, and, in turn, those leaving out a call of such a wrapper. A call site that only passes an
  // id to a wrapper writing its own URL (reported inside it) is not the only report.
  const sole = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [file, result] of results)
      for (const { call, wrapperLine } of result.forwarded ?? []) {
        const site = `${file}:${wrapperLine}`;
        if (sole.has(site) || !isSole(call, sole)) continue;
        sole.add(site);
        grew = true;
      }
  }
  for (const [file, result] of results) {
    const unreached = (result.forwarded ?? []).filter(
      ({ call, wrapperLine }) => !reached.has(`${file}:${wrapperLine}`) && isSole(call, sole),
    );
    if (unreached.length === 0) continue;
    result.calls.push(...unreached.map(({ call }) => call));
    result.calls.sort((a, b) => a.location.start.offset - b.location.start.offset);
  }
}

function isSole(call: HttpCall, sole: ReadonlySet<string>): boolean {
  return call.via === undefined || sole.has(`${call.via.file}:${call.via.line}`);
}
