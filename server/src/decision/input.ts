/**
 * Builds the input document `{user, action, resource, context}` for one call, and says which parts of
 * it are unknown while editing (a template variable in the URL, the resource's owner): those are
 * evaluated as unknowns, so a decision never rests on a guess. See docs/input.md.
 */
import type { ProjectConfig } from '../config/clearance-yaml';
import type { Identity } from '../identity';
import { buildIdentityContext } from '../identity/context';
import type { JsonValue } from '../rego';
import type { HttpCall } from '../scanner';
import { resolveCallTarget } from './call-target';

/** The input document for a call and the input paths whose values are not known. */
export interface CallInput {
  input: { [key: string]: JsonValue };
  /** Ref prefixes such as `input.resource`: missing values under them are unknown, not absent. */
  unknowns: string[];
  /** One line describing the call, e.g. `DELETE /api/orders/{id}`. */
  summary: string;
  /** The call's path as written, with `{name}` for each part the code computes, for display only. */
  route?: string;
  /** The host, when `.clearance.yaml` lists services and none of them is this call's host. */
  ungoverned?: string;
}

/**
 * Builds the input for `call` as made by `identity` at `now`; `project` is the workspace's
 * `.clearance.yaml` (route templates, base URLs, the method -> action table).
 */
export function buildCallInput(
  call: HttpCall,
  identity: Identity,
  now: Date,
  project?: ProjectConfig,
): CallInput {
  const target = resolveCallTarget(call, project);
  const action = target.action;
  const resource = target.resource;
  // Only a URL with no computed part names one path; `/api/orders/${id}` names many, so its path is
  // unknown like everything else the code does not show (the id, the owner, ...).
  const literal = call.url.known && call.url.segments.every((s) => s.kind === 'literal');
  const route = resource?.path ?? (call.url.known ? call.url.source : undefined);
  const request: { [key: string]: JsonValue } = {};
  if (call.method !== undefined) request.method = call.method;
  if (literal && route !== undefined) request.path = route;
  const destination = {
    ...(target.host === undefined ? {} : { host: target.host }),
    ...(target.service === undefined ? {} : { service: target.service }),
  };
  const input: { [key: string]: JsonValue } = {
    user: trustedUser(identity),
    resource: resource
      ? {
          ...resource.params,
          type: resource.type,
          ...(literal && resource.path !== undefined ? { path: resource.path } : {}),
          ...(resource.id !== undefined ? { id: resource.id } : {}),
          ...destination,
        }
      : destination,
    context: {
      ...buildIdentityContext(identity, now),
      time: now.toISOString(),
      request,
      identity: {
        status: identity.status,
        simulated: identity.simulated === true,
        source: identity.source.kind,
        ...(identity.issuer ? { issuer: identity.issuer } : {}),
      },
    },
  };
  if (action !== undefined) input.action = action;
  // What is missing under these prefixes is unknown, not absent: every attribute of the resource
  // that the code does not show, the action when the method is computed, and the request's
  // method and path when the code computes them.
  const unknowns = ['input.resource', 'input.context.request'];
  if (action === undefined) unknowns.push('input.action');
  return {
    input,
    unknowns,
    summary:
      call.origin === 'mapping' || (call.origin === 'annotation' && call.client === 'custom')
        ? `${action ?? '(action unknown)'} ${resource?.type ?? '(resource unknown)'} via ${call.url.source}`
        : `${call.method ?? '(method unknown)'} ${route ?? call.url.source}`,
    ...(route !== undefined ? { route } : {}),
    ...(target.ungoverned === true && target.host !== undefined ? { ungoverned: target.host } : {}),
  };
}

/**
 * The user part of the input. An invalid token's claims are not trusted at all; an unverified or
 * expired token's claims are used, and every decision made with them says so.
 */
function trustedUser(identity: Identity): JsonValue {
  if (identity.status === 'invalid' || identity.status === 'missing' || !identity.user) return null;
  const { id, email, name, role, roles } = identity.user;
  return {
    id,
    ...(email !== undefined ? { email } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(role !== undefined ? { role } : {}),
    roles,
  };
}
