/**
 * Path parameters written the router's way in a URL a caller hands to the project's own client
 * (`this.get('users/:id/likes', query, { params })`): the client fills them at request time.
 */

import type { UrlSegment } from '../types';

// A path segment written `:name` (`users/:id/likes`) is a parameter the client fills at request
// time from the caller's values, as a router's pattern is: it is a placeholder, not text sent.
const PATH_PARAMETER = /(^|\/):([A-Za-z_]\w*)(?=$|[/?#.])/g;

/** Splits the `:name` path segments of a URL's literal parts into placeholders. */
export function splitPathParameters(segments: UrlSegment[]): UrlSegment[] {
  if (!segments.some((s) => s.kind === 'literal' && s.text.includes(':'))) return segments;
  const out: UrlSegment[] = [];
  segments.forEach((segment, i) => {
    if (segment.kind !== 'literal') {
      out.push(segment);
      return;
    }
    let at = 0;
    for (const match of segment.text.matchAll(PATH_PARAMETER)) {
      const start = (match.index ?? 0) + (match[1] ?? '').length;
      // After an expression (`${host}:port`) the colon is not a path segment's.
      if (start === 0 && i > 0) continue;
      if (start > at) out.push({ kind: 'literal', text: segment.text.slice(at, start) });
      out.push({ kind: 'expr', source: match[2] ?? '' });
      at = start + 1 + (match[2] ?? '').length;
    }
    if (at < segment.text.length) out.push({ kind: 'literal', text: segment.text.slice(at) });
  });
  return out;
}
