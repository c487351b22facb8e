/**
 * Builds a URL template out of parts read from several places (an options object's host and path,
 * a connection's host and a request's path), as the language writes an expression in a template.
 */

import type { UrlSegment, UrlTemplate } from '../types';

/**
 * A template of the parts, adjacent literals merged; known when any part is written. `spell` writes
 * an expression part in the source (`${host}` in JavaScript, `{host}` in Python).
 */
export function buildTemplate(parts: readonly UrlSegment[], spell: (source: string) => string): UrlTemplate {
  const segments: UrlSegment[] = [];
  for (const part of parts) {
    const last = segments.at(-1);
    if (part.kind === 'literal' && last?.kind === 'literal') last.text += part.text;
    else segments.push({ ...part });
  }
  const only = segments.length === 1 ? segments[0] : undefined;
  if (only?.kind === 'expr') return { source: only.source, segments, known: false };
  const source = segments.map((s) => (s.kind === 'literal' ? s.text : spell(s.source))).join('');
  return { source, segments, known: segments.some((s) => s.kind === 'literal') };
}
