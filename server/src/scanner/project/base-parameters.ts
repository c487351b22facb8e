/**
 * A parameter that supplies only the host or base of a URL whose path the function writes itself
 * (`func f(host string) { u := fmt.Sprintf("%suser/keys", apiRoot(host)); http.NewRequest("GET",
 * u, nil) }`): the request is the function's own, with its written path; the callers hand in where
 * the API lives, not which endpoint is called. Read where the URL is a local of the function (a
 * URL written at the call is reported there already); a transport whose whole URL is a parameter
 * (`request(method, url)`) has no written path and stays a wrapper.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import type { HttpCall, UrlSegment } from '../types';
import type { FunctionShape } from './code-shape';
import { readLocalWholeUrl } from './wrapper-urls';

// Names a host or a base URL, not a path: `host`, `hostname`, `baseURL`, `base_url`, `apiBase`, `origin`.
const BASE_PARAM = /^(?:host(?:name)?|(?:api_?)?base(?:_?ur[li])?|origin|server(?:_?url)?)$/i;

/** What a call's local URL says when its first part is a host/base parameter's and a path follows. */
export interface OwnUrl {
  /** The URL the function writes, the base parameter's part first. */
  url: UrlSegment[];
  /** The indexes of the parameters that only supply the base. */
  baseOnly: Set<number>;
}

/** The URL of `call` read from its local, when a base/host parameter only supplies its start. */
export function readOwnUrl(
  context: ScanContext,
  call: HttpCall,
  node: Node,
  fn: FunctionShape,
): OwnUrl | undefined {
  const [only, ...others] = call.url.segments;
  if (only === undefined || others.length > 0 || only.kind !== 'expr') return undefined;
  const url = readLocalWholeUrl(context, only, node, fn);
  const [base, path, ...rest] = url ?? [];
  if (url === undefined || base?.kind !== 'expr' || path?.kind !== 'literal') return undefined;
  // The path is written: text past the separators and before any query.
  if (!/^\/?[A-Za-z]/.test(path.text)) return undefined;
  const baseOnly = new Set<number>();
  fn.params.forEach((param, index) => {
    if (!BASE_PARAM.test(param) || !mentions(base.source, param)) return;
    if (rest.some((segment) => segment.kind === 'expr' && mentions(segment.source, param))) return;
    baseOnly.add(index);
  });
  return baseOnly.size === 0 ? undefined : { url, baseOnly };
}

// Whether an expression's source names the identifier (`apiRoot(host)`, `host`, `self.base`: no).
function mentions(source: string, name: string): boolean {
  return new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(source);
}
