/**
 * The default mapping from JWT claims to the `input.user` document policies see. Identity providers
 * disagree on where roles live (`roles`, `groups`) and how they are written (array, space- or
 * comma-separated string), so all of those are accepted.
 */
import type { InputUser } from './types';

/** Maps claims to the policy user: `id` from `sub`; undefined when there is no usable `sub`. */
export function toInputUser(claims: Record<string, unknown>): InputUser | undefined {
  const id = readString(claims, 'sub');
  if (id === undefined) return undefined;
  const fromRoles = readRoles(claims, 'roles');
  const roles = fromRoles.length > 0 ? fromRoles : readRoles(claims, 'groups');
  const user: InputUser = { id, roles };
  const email = readString(claims, 'email');
  if (email !== undefined) user.email = email;
  const name = readString(claims, 'name');
  if (name !== undefined) user.name = name;
  const role = readString(claims, 'role') ?? roles[0];
  if (role !== undefined) user.role = role;
  return user;
}

/** Reads a claim that must be a non-empty string (after trimming); own properties only. */
export function readString(claims: Record<string, unknown>, name: string): string | undefined {
  if (!Object.hasOwn(claims, name)) return undefined;
  const value = claims[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Reads a claim that must be a finite number, such as `exp`. */
export function readNumber(claims: Record<string, unknown>, name: string): number | undefined {
  if (!Object.hasOwn(claims, name)) return undefined;
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function readRoles(claims: Record<string, unknown>, name: string): string[] {
  if (!Object.hasOwn(claims, name)) return [];
  const value = claims[name];
  const items = typeof value === 'string' ? value.split(/[\s,]+/) : Array.isArray(value) ? value : [];
  const roles: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') continue;
    const role = item.trim();
    if (role !== '' && !roles.includes(role)) roles.push(role);
  }
  return roles;
}
