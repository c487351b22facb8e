/**
 * Building a recognised call out of its parts: a URL template from parts read in several places (an
 * options object's host and path, a connection's host and a request's path), and the call itself.
 * Shared by the recognisers of the platforms' own transports (Node, the browser, Python's stdlib).
 */

import type { Node } from 'web-tree-sitter';
import type { HttpCall, HttpClient, UrlSegment, UrlTemplate } from '../types';
import type { ScanContext } from './context';

/** What a recogniser read of one call. */
export interface CallParts {
  client: HttpClient;
  call: Node;
  callee: Node;
  method: string | undefined;
  /** The method as written, when it is computed (`verb`): the project pass reads it. */
  methodSource?: string | undefined;
  url: UrlTemplate;
}

/** The recognised call of the parts, located in the file. */
export function buildRecognisedCall(context: ScanContext, parts: CallParts): HttpCall {
  const { client, call, callee, method, methodSource, url } = parts;
  return {
    kind: 'http',
    client,
    method,
    ...(methodSource === undefined ? {} : { methodSource }),
    url,
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'recognised',
  };
}

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
