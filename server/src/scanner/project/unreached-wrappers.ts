/**
 * One report per request, and at least one: a call inside a wrapper that only forwards the
 * wrapper's parameters is reported at the wrapper's call sites, not where it stands. When none of
 * those call sites is found anywhere in the project (a wrapper called through an object whose
 * class is not known, or called by nothing the project holds), the request would be reported
 * nowhere, so the call inside is reported where it stands after all.
 */

import type { ScanResult } from '../types';

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
  // Wrappers whose own call is left out: a call site of one is the only report of its request.
  const forwarders = new Set<string>();
  for (const [file, result] of results)
    for (const { wrapperLine } of result.forwarded ?? []) forwarders.add(`${file}:${wrapperLine}`);
  for (const [file, result] of results) {
    const unreached = (result.forwarded ?? []).filter(
      ({ call, wrapperLine }) =>
        !reached.has(`${file}:${wrapperLine}`) &&
        // A call site that only passes an id to a wrapper writing its own URL is reported there.
        (call.via === undefined || forwarders.has(`${call.via.file}:${call.via.line}`)),
    );
    if (unreached.length === 0) continue;
    result.calls.push(...unreached.map(({ call }) => call));
    result.calls.sort((a, b) => a.location.start.offset - b.location.start.offset);
  }
}
