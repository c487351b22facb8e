/**
 * `http.send` and `net.lookup_ip_addr` in the browser (replaces `sync-fetch.ts` in the web build):
 * the evaluator is synchronous and a web worker cannot wait on a network call synchronously without
 * cross-origin isolation, so both builtins answer with an error that says why.
 */
import type { SyncLookup, SyncRequest, SyncResponse } from './sync-fetch';

export type { SyncLookup, SyncRequest, SyncResponse } from './sync-fetch';

const unavailable = 'is not available in the web build of Clearance (vscode.dev, github.dev)';

/** Answers every request with an error: no synchronous network in a web worker. */
export function fetchSync(_request: SyncRequest): SyncResponse {
  return { ok: false, message: `http.send ${unavailable}`, timedOut: false };
}

/** Answers every lookup with an error: no resolver in a web worker. */
export function lookupSync(_name: string, _timeoutMs: number): SyncLookup {
  return { ok: false, message: `net.lookup_ip_addr ${unavailable}`, timedOut: false };
}
