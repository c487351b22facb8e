/**
 * A Python URL that ends with a call building its query string, written straight after the path
 * (`f"/queues/{qid}{utils.join_args(args)}"`, `path + urlencode_params(p)`): the helper returns the
 * `?` itself (or nothing), so the path ends where the call starts. The call is marked as the query
 * (a `?` before it), as `?{...}` would read had the `?` been written, so the path compares and is
 * matched without it. Only a call whose name says it builds a query (join/build/make/encode/to
 * followed by args/params/query/qs, or `urlencode`) and that ends the URL after a part that does
 * not end with `/` is taken: `f"/items/{build_path(x)}"` and `f"/{encode_id(x)}"` stay paths.
 */

import type { UrlSegment } from './types';

const QUERY_HELPER =
  /^(?:[A-Za-z_][\w.]*\.)?_?(?:(?:join|build|make|encode|to|format)_?(?:args|arguments|params|parameters|query|query_?string|qs)|urlencode)\s*\([^()]*\)$/i;

/** `segments` with a `?` written before a trailing query-building call; unchanged otherwise. */
export function markQueryHelper(segments: UrlSegment[]): UrlSegment[] {
  const last = segments[segments.length - 1];
  const before = segments[segments.length - 2];
  if (last?.kind !== 'expr' || before === undefined || !QUERY_HELPER.test(last.source)) return segments;
  if (before.kind === 'literal' && /[/?&=]$/.test(before.text)) return segments;
  if (segments.some((s) => s.kind === 'literal' && s.text.includes('?'))) return segments;
  return [...segments.slice(0, -1), { kind: 'literal', text: '?' }, last];
}
