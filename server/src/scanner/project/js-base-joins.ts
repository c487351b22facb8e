/**
 * A JS/TS URL written as a base joined straight to a relative path: `${environment.apiBase}logs/`,
 * `apiRoot + 'shelves/' + id`, `${this.root}${this.kind}/${id}/` with `kind = 'tickets'` a field of
 * the class, or `this.baseUrl` set once to `environment.apiBase + 'config/'`. Front-end services
 * write their API base with its trailing slash (`'https://host/api/'`) and every path after it
 * without one, so the template read as written (`{base}logs/`) has no path to compare or match
 * policies on. Where the first part is an expression named for a base (`...Url`, `...Root`,
 * `...Base`, `...Host`, `...Api`, `...Endpoint`) and the text after it starts with a word, the
 * separator the base carries is written as the path's first `/`: `{environment.apiBase}/logs/`.
 * The base stays `{}`, unread; a field naming the resource is read only when the class sets it
 * once to a string constant (`field-constants.ts`); anything else is left as it was.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import type { HttpCall, UrlSegment } from '../types';
import { isJsLanguage } from './code-shape';
import { readFieldConstant } from './field-constants';
import { readJsClassMember } from './js-class-members';
import { mergeSegments, readUrlValue } from './values';

// The last name of an expression that holds an API's base URL.
const BASE_NAME = /(?:url|uri|base|root|host|api|endpoint|origin|server)$/i;
const LAST_NAME = /([A-Za-z_$][\w$]*)$/;
// A resource a field names: a word or a relative path (`tickets`, `admin/users`), no slash first.
const RESOURCE = /^[A-Za-z_][\w.-]*(?:\/[\w.-]+)*\/?$/;
// Text after the base that starts a relative path: a word, then a `/` or the end (`logs/`, `users`).
const RELATIVE = /^[A-Za-z_][\w.-]*(?:\/|$)/;
const THIS_MEMBER = /^this\.[A-Za-z_$][\w$]*$/;

/** Writes the joining `/` of each JS call whose URL is a base joined to a relative path (see above). */
export function joinBaseUrls(context: ScanContext, calls: readonly HttpCall[]): void {
  if (!isJsLanguage(context.language)) return;
  for (const call of calls) {
    const [first] = call.url.segments;
    if (first?.kind !== 'expr') continue;
    const use = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
    if (use === null) continue;
    const joined = joinBase(context, call.url.segments, use);
    if (joined === undefined) continue;
    const source = joined.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
    call.url = { source, segments: joined, known: true };
  }
}

function isBase(segment: UrlSegment | undefined): boolean {
  if (segment?.kind !== 'expr') return false;
  const last = LAST_NAME.exec(segment.source)?.[1];
  return last !== undefined && BASE_NAME.test(last);
}

// The segments with the base's `/` written, or undefined when they are not a base and a relative path.
function joinBase(
  context: ScanContext,
  segments: readonly UrlSegment[],
  use: Node,
): UrlSegment[] | undefined {
  let parts = [...segments];
  // `this.baseUrl` set once to `environment.apiBase + 'config/'`: that base and its path.
  const [first] = parts;
  if (first?.kind === 'expr' && THIS_MEMBER.test(first.source)) {
    const member = readMemberBase(context, first.source, use);
    if (member !== undefined) parts = [...member, ...parts.slice(1)];
  }
  if (!isBase(parts[0])) return undefined;
  const second = parts[1];
  // `${base}${this.kind}/`: the resource the class names, when it sets it once to a constant.
  if (second?.kind === 'expr' && THIS_MEMBER.test(second.source)) {
    const value = readFieldConstant(second.source, use, context.language, context.text);
    const next = parts[2];
    if (value === undefined || !RESOURCE.test(value)) return undefined;
    if (next !== undefined && !(next.kind === 'literal' && next.text.startsWith('/'))) return undefined;
    parts = [parts[0] as UrlSegment, { kind: 'literal', text: value }, ...parts.slice(2)];
  }
  const path = parts[1];
  if (path?.kind !== 'literal' || !RELATIVE.test(path.text)) return undefined;
  parts[1] = { kind: 'literal', text: `/${path.text}` };
  return mergeSegments(parts);
}

// `this.member`'s value when it is a base joined to a relative path (`${env.apiBase}config/`).
function readMemberBase(context: ScanContext, source: string, use: Node): UrlSegment[] | undefined {
  const value = readJsClassMember(source, use, context.text);
  if (value === undefined) return undefined;
  const segments = readUrlValue(value, context.language, context.text, context.root, context.project.shared);
  const [base, path] = segments;
  if (!isBase(base) || base?.kind !== 'expr' || THIS_MEMBER.test(base.source)) return undefined;
  if (segments.length !== 2 || path?.kind !== 'literal' || !RELATIVE.test(path.text)) return undefined;
  return segments;
}
