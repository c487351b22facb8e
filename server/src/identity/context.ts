/**
 * `input.context`'s identity-related fields: the time in the developer's time zone, MFA, the age of
 * the authentication, the token's time left and the device. Pure: the clock, the zone and the
 * device answer come in as arguments. See docs/input.md.
 */
import { readNumber } from './claims';
import type { DeviceState, Identity } from './types';

/**
 * The `amr` values (RFC 8176) that count as a multi-factor sign-in: `mfa` itself, and the second
 * factors a provider lists beside a password (one-time codes, hardware or smart-card keys, SMS or
 * phone confirmation, biometrics). `pwd`, `kba`, `swk`, `pin`, `wia`, `user`, `geo` alone do not.
 */
export const MFA_AMR_VALUES: readonly string[] = [
  'mfa',
  'otp',
  'hwk',
  'sc',
  'sms',
  'tel',
  'fpt',
  'face',
  'iris',
  'retina',
  'vbm',
];

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A JSON value, as the input document holds. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The system's IANA time zone, e.g. `Europe/Berlin` (`UTC` when it cannot be told). */
export function findSystemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar fields of `now` in `zone`. */
export function readLocalTime(now: Date, zone: string): { hour: number; weekday: string; iso: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'long',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const wall = Date.UTC(
    Number(get('year')),
    Number(get('month')) - 1,
    Number(get('day')),
    Number(get('hour')),
    Number(get('minute')),
    Number(get('second')),
  );
  const offsetMinutes = Math.round((wall - Math.floor(now.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const iso = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${offset}`;
  return { hour: Number(get('hour')), weekday: WEEKDAYS.includes(get('weekday')) ? get('weekday') : '', iso };
}

/**
 * Builds the identity part of `input.context` for a decision at `now`. Unknown values are `null`
 * (no `amr` claim: `mfa` is null; no `auth_time`: `auth_age_seconds` is null), so a policy can tell
 * "not known" from "false".
 */
export function buildIdentityContext(identity: Identity, now: Date): { [key: string]: Json } {
  const zone =
    identity.timeZone !== undefined && isTimeZone(identity.timeZone)
      ? identity.timeZone
      : findSystemTimeZone();
  const local = readLocalTime(now, zone);
  const nowSeconds = now.getTime() / 1000;
  const trusted = identity.status !== 'invalid' && identity.status !== 'missing';
  const claims = trusted ? (identity.claims ?? {}) : {};
  const amr = readAmr(claims);
  const authTime = readNumber(claims, 'auth_time');
  const expiresAt = trusted ? identity.expiresAt : undefined;
  return {
    time_zone: zone,
    local_time: local.iso,
    hour: local.hour,
    weekday: local.weekday,
    mfa: amr === undefined ? null : amr.some((value) => MFA_AMR_VALUES.includes(value)),
    amr: amr ?? [],
    auth_age_seconds: authTime === undefined ? null : Math.max(0, Math.floor(nowSeconds - authTime)),
    token_expires_at: expiresAt === undefined ? null : new Date(expiresAt * 1000).toISOString(),
    token_seconds_left: expiresAt === undefined ? null : Math.floor(expiresAt - nowSeconds),
    device: describeDevice(identity.device),
  };
}

function describeDevice(device: DeviceState | undefined): { [key: string]: Json } {
  if (device === undefined) return { managed: null };
  return { ...device.facts, managed: device.managed };
}

function readAmr(claims: Record<string, unknown>): string[] | undefined {
  if (!Object.hasOwn(claims, 'amr')) return undefined;
  const value = claims.amr;
  if (!Array.isArray(value)) return typeof value === 'string' ? [value] : undefined;
  return value.filter((v): v is string => typeof v === 'string').slice(0, 32);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
