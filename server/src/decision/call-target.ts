/**
 * Works out what a call acts on, in the policy's vocabulary: its action and resource. In order of
 * precedence: what an annotation or client mapping fixed on the call, the first `.clearance.yaml`
 * route template matching its method and path (after stripping a configured base URL), and the
 * defaults (the method -> action table, which `.clearance.yaml` `actions` may override, and the
 * path -> resource reading of resource.ts).
 */
import type { ProjectConfig, RouteTemplate } from '../config/clearance-yaml';
import {
  actionForMethod,
  type CallResource,
  type HttpCall,
  resourceForUrl,
  type UrlTemplate,
} from '../scanner';
import { resolveDestination } from '../scanner/services';
import { resolveGraphqlTarget } from './graphql-target';

/** A call's action and resource, as the input will state them. */
export interface CallTarget {
  action?: string;
  resource?: {
    type: string;
    /** The id when the code shows it. */
    id?: string;
    /** The path as written, `{name}` for computed parts. */
    path?: string;
    /** Path parameters of a matched route whose values the code shows. */
    params: Record<string, string>;
  };
  /** The route template that matched, if any. */
  route?: string;
  /** The host the URL names, when the code shows it (`api.stripe.com`). */
  host?: string;
  /** The `.clearance.yaml` service that host (and path) is. */
  service?: string;
  /** True when services are listed and the call goes to a host that none of them is. */
  ungoverned?: boolean;
}

/** Computes the action and resource of `call` under `project` (see the module comment). */
export function resolveCallTarget(call: HttpCall, project: ProjectConfig | undefined): CallTarget {
  const services = project?.services ?? [];
  const destination = resolveDestination(call.url, services);
  const url = stripBaseUrl(call.url, project?.baseUrls ?? []);
  const match = project === undefined ? undefined : matchRoute(call.method, url, project.routes);
  const methodAction =
    call.method === undefined
      ? undefined
      : (project?.actions.get(call.method.toUpperCase()) ?? actionForMethod(call.method));
  // An RPC verb in the last segment (`/invite/new`) says more than the method; a route or an
  // annotation says more than both.
  const verbAction = match === undefined ? resourceForUrl(url)?.action : undefined;
  // `.clearance.yaml` `graphql:` completes and maps a GraphQL call's operation.
  const graphql = resolveGraphqlTarget(call, project?.graphql);
  const action = graphql?.action ?? call.action ?? match?.route.action ?? verbAction ?? methodAction;
  const params = match?.params ?? {};
  const known = Object.fromEntries(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const fixed = graphql?.resource ?? call.resource ?? match?.route.resource;
  const target: CallTarget = {
    ...(action === undefined ? {} : { action }),
    ...(match ? { route: match.route.pattern } : {}),
    ...destination,
    ...(services.length > 0 && destination.host !== undefined && destination.service === undefined
      ? { ungoverned: true }
      : {}),
  };
  if (fixed !== undefined) {
    const id = resolveId(fixed, params);
    const path = resourceForUrl(url)?.path;
    target.resource = {
      type: fixed.type,
      ...(id === undefined ? {} : { id }),
      ...(path === undefined ? {} : { path }),
      params: withoutIdParam(known, fixed),
    };
    return target;
  }
  const read = resourceForUrl(url);
  if (read !== undefined) {
    target.resource = {
      type: read.type,
      ...(read.idKnown && read.id !== undefined ? { id: read.id } : {}),
      path: read.path,
      params: known,
    };
  }
  return target;
}

/** Removes the longest configured base URL that fits from the front of a URL. */
export function stripBaseUrl(url: UrlTemplate, baseUrls: readonly string[]): UrlTemplate {
  const first = url.segments[0];
  if (!url.known || first?.kind !== 'literal') return url;
  // The longest base that fits wins: `https://api.example.com/v2` before `https://api.example.com`.
  for (const base of [...baseUrls].sort((a, b) => b.length - a.length)) {
    const prefix = base.replace(/\/+$/, '');
    if (first.text === prefix || first.text.startsWith(`${prefix}/`) || first.text.startsWith(`${prefix}?`)) {
      const rest = first.text.slice(prefix.length);
      const segments = [
        ...(rest === '' ? [] : [{ kind: 'literal' as const, text: rest }]),
        ...url.segments.slice(1),
      ];
      return {
        source: url.source.startsWith(prefix) ? url.source.slice(prefix.length) : url.source,
        segments,
        known: true,
      };
    }
  }
  return url;
}

/** Matches a path against the route templates; a param is undefined when the code computes it. */
function matchRoute(
  method: string | undefined,
  url: UrlTemplate,
  routes: readonly RouteTemplate[],
): { route: RouteTemplate; params: Record<string, string | undefined> } | undefined {
  const path = readPathSegments(url);
  if (path === undefined) return undefined;
  for (const route of routes) {
    if (route.method !== undefined && route.method !== method?.toUpperCase()) continue;
    if (route.segments.length !== path.length) continue;
    const params: Record<string, string | undefined> = {};
    const matches = route.segments.every((segment, index) => {
      const actual = path[index];
      if (actual === undefined) return false;
      if (segment.kind === 'param') {
        params[segment.name] = actual.computed ? undefined : actual.text;
        return true;
      }
      return !actual.computed && actual.text === segment.text;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

/** The URL's path segments, each literal or computed; undefined when the URL is not known. */
function readPathSegments(url: UrlTemplate): Array<{ text: string; computed: boolean }> | undefined {
  if (!url.known) return undefined;
  let flat = '';
  for (const segment of url.segments) flat += segment.kind === 'literal' ? segment.text : '\uE000';
  flat = flat.replace(/^\uE000/, '').replace(/^(?:[a-z][a-z0-9+.-]*:)?\/\/[^/?#]*/i, '');
  flat = flat.replace(/[?#][\s\S]*$/, '');
  return flat
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => ({ text: segment, computed: segment.includes('\uE000') }));
}

// `{name}` takes a matched route's parameter of that name; `$arg` was resolved by the scanner.
function resolveId(resource: CallResource, params: Record<string, string | undefined>): string | undefined {
  const id = resource.id;
  if (id === undefined) return undefined;
  if (id.known) return id.value;
  const placeholder = /^\{(\w+)\}$/.exec(id.source)?.[1];
  return placeholder === undefined ? undefined : params[placeholder];
}

function withoutIdParam(params: Record<string, string>, resource: CallResource): Record<string, string> {
  const placeholder = resource.id?.known === false ? /^\{(\w+)\}$/.exec(resource.id.source)?.[1] : undefined;
  if (placeholder === undefined) return params;
  const { [placeholder]: _id, ...rest } = params;
  return rest;
}
