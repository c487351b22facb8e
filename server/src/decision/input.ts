/**
 * Builds the input document `{user, action, resource, context}` for one call, and says which parts of
 * it are unknown while editing (a template variable in the URL, the resource's owner): those are
 * evaluated as unknowns, so a decision never rests on a guess. See docs/input.md.
 */
import type { Identity } from '../identity';
import type { JsonValue } from '../rego';
import { actionForMethod, type HttpCall, resourceForUrl } from '../scanner';

/** The input document for a call and the input paths whose values are not known. */
export interface CallInput {
  input: { [key: string]: JsonValue };
  /** Ref prefixes such as `input.resource`: missing values under them are unknown, not absent. */
  unknowns: string[];
  /** One line describing the call, e.g. `DELETE /api/orders/{id}`. */
  summary: string;
}

/** Builds the input for `call` as made by `identity` at `now`. */
export function buildCallInput(call: HttpCall, identity: Identity, now: Date): CallInput {
  const unknowns: string[] = [];
  const action = actionForMethod(call.method);
  if (action === undefined) unknowns.push('input.action');
  const resource = resourceForUrl(call.url);
  // Every attribute of a resource that the code does not show (its owner, its id when it is a
  // variable) is unknown: the same line of code touches many resources.
  unknowns.push('input.resource');
  const path = resource?.path ?? (call.url.known ? call.url.source : undefined);
  const input: { [key: string]: JsonValue } = {
    user: trustedUser(identity),
    resource: resource
      ? {
          type: resource.type,
          path: resource.path,
          ...(resource.idKnown && resource.id !== undefined ? { id: resource.id } : {}),
        }
      : {},
    context: {
      time: now.toISOString(),
      request: { method: call.method ?? null, path: path ?? null },
      identity: { status: identity.status, ...(identity.issuer ? { issuer: identity.issuer } : {}) },
    },
  };
  if (action !== undefined) input.action = action;
  return { input, unknowns, summary: `${call.method ?? '(method unknown)'} ${path ?? call.url.source}` };
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
