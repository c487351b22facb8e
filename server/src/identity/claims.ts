/**
 * The mapping from JWT claims to the `input.user` document policies see. Identity providers
 * disagree on where roles live (`roles`, `groups`, `realm_access.roles`) and how they are written
 * (array, space- or comma-separated string), so the claim names are configurable and all of those
 * forms are accepted.
 */
import { redactTokens } from './display';
import type { ClaimMapping, InputUser } from './types';

/** The defaults, which fit common providers: Entra ID, Okta, Keycloak, Auth0 with plain claims. */
export const DEFAULT_CLAIM_MAPPING: ClaimMapping = {
  id: 'sub',
  email: 'email',
  name: 'name',
  roles: ['roles', 'groups'],
  role: 'role',
};

/** Completes a partial mapping with the defaults, ignoring values of the wrong type. */
export function completeClaimMapping(partial: unknown): ClaimMapping {
  const mapping = { ...DEFAULT_CLAIM_MAPPING };
  if (typeof partial !== 'object' || partial === null) return mapping;
  const given = partial as Record<string, unknown>;
  for (const field of ['id', 'email', 'name', 'role'] as const) {
    const value = given[field];
    if (typeof value === 'string' && value.trim() !== '') mapping[field] = value.trim();
  }
  const roles = given.roles;
  if (typeof roles === 'string' && roles.trim() !== '') mapping.roles = [roles.trim()];
  else if (Array.isArray(roles)) {
    const names = roles.filter((r): r is string => typeof r === 'string' && r.trim() !== '');
    if (names.length > 0) mapping.roles = names.map((r) => r.trim());
  }
  return mapping;
}

/**
 * Maps claims to the policy user: `id` from the mapped id claim (`sub`), undefined when it is not
 * a usable string. `roles` comes from the first roles claim that holds any; `role` from the role
 * claim, else the first role.
 */
export function toInputUser(
  claims: Record<string, unknown>,
  mapping: ClaimMapping = DEFAULT_CLAIM_MAPPING,
): InputUser | undefined {
  const id = readUserField(claims, mapping.id);
  if (id === undefined) return undefined;
  let roles: string[] = [];
  for (const name of mapping.roles) {
    roles = readRoles(lookupClaim(claims, name));
    if (roles.length > 0) break;
  }
  const user: InputUser = { id, roles };
  const email = readUserField(claims, mapping.email);
  if (email !== undefined) user.email = email;
  const name = readUserField(claims, mapping.name);
  if (name !== undefined) user.name = name;
  const role = readUserField(claims, mapping.role) ?? roles[0];
  if (role !== undefined) user.role = role;
  return user;
}

/**
 * Finds a claim by name: the claim with exactly that name (Auth0's `https://example.com/roles`
 * has dots in it), else a dotted path into nested objects (Keycloak's `realm_access.roles`).
 */
export function lookupClaim(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let node: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, part))
      return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Reads a claim that must be a non-empty string (after trimming); own properties only. */
export function readString(claims: Record<string, unknown>, name: string): string | undefined {
  if (!Object.hasOwn(claims, name)) return undefined;
  return trimString(claims[name]);
}

/** Reads a claim that must be a finite number, such as `exp`. */
export function readNumber(claims: Record<string, unknown>, name: string): number | undefined {
  if (!Object.hasOwn(claims, name)) return undefined;
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function trimString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A user field is shown in hovers, JSON reports and logs: a token placed in a claim stays out of them. */
function readUserField(claims: Record<string, unknown>, name: string): string | undefined {
  const value = trimString(lookupClaim(claims, name));
  return value === undefined ? undefined : redactTokens(value);
}

function readRoles(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(/[\s,]+/) : Array.isArray(value) ? value : [];
  const roles: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') continue;
    const role = item.trim();
    if (role !== '' && !roles.includes(role)) roles.push(redactTokens(role));
  }
  return roles;
}
