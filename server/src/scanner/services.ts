/**
 * Which host a call goes to, and which of the organisation's services (`.clearance.yaml`
 * `services:`) that host is. A host is read only from a literal origin (`https://api.example.com/…`,
 * `//cdn.example.com/…`); a URL that starts with a computed base (`${API_BASE}/orders`) or a bare
 * path goes to a host the code does not show. Pure and synchronous, like resource.ts.
 */

import type { UrlTemplate } from './types';

/** One address of a service: a host (or `*.domain`) and an optional path prefix. */
export interface ServiceAddress {
  /** The service's name as `.clearance.yaml` writes it. */
  service: string;
  /** Lower case, with `:port` when the address has one; `*.example.com` matches any subdomain. */
  host: string;
  /** `/v2` for `https://api.example.com/v2`; empty for the whole host. */
  pathPrefix: string;
}

/** Where a call goes: its host when the code shows it, and the service that host is. */
export interface CallDestination {
  host?: string;
  service?: string;
}

const ADDRESS = /^(?:https?:\/\/)?((?:\*\.)?[A-Za-z0-9.-]+(?::\d+)?)(\/\S*)?$/;
const ORIGIN = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^/?#\s]*)/i;

/** Reads a service address as written (`api.example.com`, `https://api.example.com/v2`); undefined if malformed. */
export function parseServiceAddress(service: string, written: string): ServiceAddress | undefined {
  const match = ADDRESS.exec(written.trim());
  if (match === null) return undefined;
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  return { service, host: (match[1] ?? '').toLowerCase(), pathPrefix: prefix };
}

/** The host a URL names in a literal origin, lower case with any port; undefined when not shown. */
export function hostOfUrl(url: UrlTemplate): string | undefined {
  const first = url.segments[0];
  if (!url.known || first?.kind !== 'literal') return undefined;
  const match = ORIGIN.exec(first.text);
  const authority = match?.[1];
  if (match === null || authority === undefined || authority.length === 0) return undefined;
  // `https://api.${domain}/x`: the host runs on into a computed part, so the code does not show it.
  if (match[0].length === first.text.length && url.segments.length > 1 && /[.:@-]$/.test(authority))
    return undefined;
  return authority.replace(/^[^@]*@/, '').toLowerCase();
}

/** Finds where a call goes: the host, and the service whose address fits it best (longest prefix). */
export function resolveDestination(url: UrlTemplate, services: readonly ServiceAddress[]): CallDestination {
  const host = hostOfUrl(url);
  if (host === undefined) return {};
  const path = pathOf(url);
  let best: ServiceAddress | undefined;
  for (const address of services) {
    if (!hostMatches(address.host, host)) continue;
    if (
      address.pathPrefix !== '' &&
      path !== address.pathPrefix &&
      !path.startsWith(`${address.pathPrefix}/`)
    )
      continue;
    if (best === undefined || score(address, host) > score(best, host)) best = address;
  }
  return best === undefined ? { host } : { host, service: best.service };
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  // A pattern without a port matches the host on any port.
  const bare = host.replace(/:\d+$/, '');
  if (pattern === bare) return true;
  return pattern.startsWith('*.') && bare.endsWith(pattern.slice(1));
}

// An exact host and port beat the host on any port, which beats a wildcard; then the longer path prefix.
function score(address: ServiceAddress, host: string): number {
  const exact = address.host === host ? 20_000 : 0;
  return exact + (address.host.startsWith('*.') ? 0 : 10_000) + address.pathPrefix.length;
}

function pathOf(url: UrlTemplate): string {
  const first = url.segments[0];
  if (first?.kind !== 'literal') return '';
  const rest = first.text.replace(ORIGIN, '');
  return rest.replace(/[?#][\s\S]*$/, '');
}
