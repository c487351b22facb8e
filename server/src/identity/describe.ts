/** The one-line status-bar text for an identity. */
import { sanitizeText } from './display';
import { formatShortDuration } from './durations';
import type { Identity, InputUser } from './types';

/**
 * Describes an identity for the status bar, e.g. 'alice@example.com · developer · 12m'; an identity
 * whose `exp` has passed since it was resolved reads as expired.
 */
export function describeIdentity(identity: Identity, nowMs: number): string {
  const user = identity.user;
  const secondsLeft = identity.expiresAt === undefined ? undefined : identity.expiresAt - nowMs / 1000;
  switch (identity.status) {
    case 'missing':
      return 'no identity';
    case 'invalid':
      return 'identity invalid';
    case 'expired':
      return describeExpired(user, secondsLeft);
    case 'verified':
    case 'unverified': {
      if (user === undefined)
        return identity.status === 'verified' ? 'identity verified' : '⚠ identity (unverified)';
      if (secondsLeft !== undefined && secondsLeft <= 0) return describeExpired(user, secondsLeft);
      const parts = [pickDisplayName(user)];
      if (user.role !== undefined) parts.push(sanitizeText(user.role, 32));
      if (secondsLeft !== undefined) parts.push(formatShortDuration(secondsLeft));
      const text = parts.join(' · ');
      return identity.status === 'verified' ? text : `⚠ ${text} (unverified)`;
    }
  }
}

function describeExpired(user: InputUser | undefined, secondsLeft: number | undefined): string {
  const ago = secondsLeft === undefined ? 'expired' : `expired ${formatShortDuration(-secondsLeft)} ago`;
  return user === undefined ? `identity ${ago}` : `${pickDisplayName(user)} · ${ago}`;
}

function pickDisplayName(user: InputUser): string {
  return sanitizeText(user.email ?? user.name ?? user.id, 64);
}
