/**
 * A parameter that supplies only the host or base of a URL whose path the function writes itself
 * (`func f(host string) { u := fmt.Sprintf("%suser/keys", apiRoot(host)); http.NewRequest("GET",
 * u, nil) }`): the request is the function's own, with its written path; the callers hand in where
 * the API lives, not which endpoint is called. Read where the URL is a local of the function (a
 * URL written at the call is reported there already); a transport whose whole URL is a parameter
 * (`request(method, url)`) has no written path and stays a wrapper.
 *
 * The same holds for an object parameter that names where and what (`repo ghrepo.Interface` read as
 * `fmt.Sprintf("%srepos/%s/%s", apiRoot(repo.Host()), repo.Owner(), repo.Name())`): the host comes
 * from one of its methods or fields, and the path's names only from its methods or fields or from
 * helpers it is handed to (`FullName(repo)`). Its callers hand in an object, never a URL. A field
 * named for a URL or a path (`opts.Path`, `req.URL`) is the caller's URL, so such a parameter is not
 * taken.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { joinRelativeToBase } from '../recognizers/go-http';
import { sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import type { FunctionShape } from './code-shape';
import { mergeSegments } from './values';
import { JOINED_LOCAL, readLocalWholeUrl } from './wrapper-urls';

// Names a host or a base URL, not a path: `host`, `hostname`, `baseURL`, `base_url`, `apiBase`, `origin`.
const BASE_PARAM = /^(?:host(?:name)?|(?:api_?)?base(?:_?ur[li])?|origin|server(?:_?url)?)$/i;
// A member whose value is (part of) a URL the caller chose: `opts.Path`, `req.URL`, `link.Href`.
// Go's integer types: a parameter of one is an id or a count, never a path.
const NUMBER_TYPE = /^u?int(?:8|16|32|64)?$/;
const URL_MEMBER = /(?:ur[li]|path|href|endpoint|route|link|location)s?$/i;

/** What a call's local URL says when its first part is a host/base parameter's and a path follows. */
export interface OwnUrl {
  /** The URL the function writes, the base parameter's part first. */
  url: UrlSegment[];
  /** The indexes of the parameters that only supply the base. */
  baseOnly: Set<number>;
  /** The indexes of Go number parameters the written path holds (an id never states an endpoint). */
  ids: Set<number>;
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
  const url = expandJoinedPath(context, readLocalWholeUrl(context, only, node, fn), node, fn);
  const [base, path, ...rest] = url ?? [];
  if (url === undefined || base?.kind !== 'expr' || path?.kind !== 'literal') return undefined;
  // The path is written: text past the separators and before any query.
  if (!/^\/?[A-Za-z]/.test(path.text)) return undefined;
  const baseOnly = new Set<number>();
  fn.params.forEach((param, index) => {
    if (!mentions(base.source, param)) return;
    const later = rest.some((segment) => segment.kind === 'expr' && mentions(segment.source, param));
    // The object form was read in Go code only (a member call per name: `repo.RepoOwner()`).
    const object = context.language === 'go' && isObjectOnly(param, base.source, url);
    if (BASE_PARAM.test(param) ? !later : object) baseOnly.add(index);
  });
  if (baseOnly.size === 0) return undefined;
  const ids = new Set<number>();
  fn.params.forEach((param, index) => {
    if (!rest.some((segment) => segment.kind === 'expr' && segment.source === param)) return;
    if (NUMBER_TYPE.test(readGoParamType(fn, param, context.text) ?? '')) ids.add(index);
  });
  return { url, baseOnly, ids };
}

// A Go parameter's declared type as written (`int64`, `*Board`), from the function's declaration.
function readGoParamType(fn: FunctionShape, name: string, text: string): string | undefined {
  for (const declaration of fn.node.childForFieldName('parameters')?.namedChildren ?? []) {
    if (declaration?.type !== 'parameter_declaration') continue;
    if (!declaration.childrenForFieldName('name').some((id) => id !== null && sliceNode(text, id) === name))
      continue;
    const type = declaration.childForFieldName('type');
    return type === null ? undefined : sliceNode(text, type);
  }
  return undefined;
}

// Go's `url := apiRoot(repo.Host()) + path` after `path := fmt.Sprintf("repos/%s", ...)`: the one
// expression the local reads as is the base then the path local's own URL.
function expandJoinedPath(
  context: ScanContext,
  url: UrlSegment[] | undefined,
  node: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  const [only, ...others] = url ?? [];
  if (context.language !== 'go' || only?.kind !== 'expr' || others.length > 0) return url;
  const joined = JOINED_LOCAL.exec(only.source);
  if (joined === null) return url;
  const [, base = '', name = ''] = joined;
  const path = readLocalWholeUrl(context, { kind: 'expr', source: name }, node, fn);
  if (path === undefined || path[0]?.kind !== 'literal') return url;
  return joinRelativeToBase(mergeSegments([{ kind: 'expr', source: base }, ...path]));
}

// A parameter the URL reads only through its members (`repo.Host()`, `repo.Owner`) or hands whole
// to a helper (`FullName(repo)`), its base through a member: an object naming the resource.
function isObjectOnly(param: string, base: string, url: readonly UrlSegment[]): boolean {
  const name = param.replace(/\$/g, '\\$');
  if (!new RegExp(`(?<![\\w$.])${name}\\.\\w`).test(base)) return false;
  const use = new RegExp(`(?<![\\w$.])${name}(?![\\w$])(\\.(\\w+))?`, 'g');
  return url.every((segment) => {
    if (segment.kind !== 'expr') return true;
    for (const match of segment.source.matchAll(use)) {
      const member = match[2];
      if (member !== undefined) {
        if (URL_MEMBER.test(member)) return false;
        continue;
      }
      // Handed to a helper: an argument of a call, not the segment itself.
      const before = segment.source.slice(0, match.index).trimEnd();
      if (segment.source === param || !/[(,]$/.test(before)) return false;
    }
    return true;
  });
}

// Whether an expression's source names the identifier (`apiRoot(host)`, `host`, `self.base`: no).
function mentions(source: string, name: string): boolean {
  return new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(source);
}
