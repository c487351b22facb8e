/** The one-line status-bar text for an identity. */
import { sanitizeText } from './display';
import { formatShortDuration } from './durations';
import { DEFAULT_CLOCK_SKEW_SECONDS, type Identity, type InputUser } from './types';

/** Time left beyond which a token is shown as long-lived rather than counted down (30 days). */
export const LONG_LIVED_SECONDS = 30 * 24 * 3600;

/**
 * Describes an identity for the status bar, e.g. 'alice@example.com · developer · 12m'.
 *
 * The text never contradicts the status: verification accepts a token until `exp` plus the clock
 * skew, so a verified (or unverified) identity whose `exp` has just passed reads as 'expiring', and
 * reads as expired only once `exp + skew` has passed since it was resolved. The skew is
 * `clockSkewSeconds` when given, else the one the identity was resolved with, else the default 60.
 */
export function describeIdentity(identity: Identity, nowMs: number, clockSkewSeconds?: number): string {
  const user = identity.user;
  const secondsLeft = identity.expiresAt === undefined ? undefined : identity.expiresAt - nowMs / 1000;
  const skew =
    pickSkew(clockSkewSeconds) ?? pickSkew(identity.clockSkewSeconds) ?? DEFAULT_CLOCK_SKEW_SECONDS;
  switch (identity.status) {
    case 'missing':
      return 'no identity';
    case 'invalid':
      return 'identity invalid';
    case 'expired':
      return describeExpired(user, secondsLeft);
    case 'simulated': {
      // Evaluate-as claims are not a token: no time left, and never a verified look.
      if (user === undefined) return '⚠ identity (simulated)';
      const parts = [pickDisplayName(user)];
      if (user.role !== undefined) parts.push(sanitizeText(user.role, 32));
      return `⚠ ${parts.join(' · ')} (simulated)`;
    }
    case 'verified':
    case 'unverified': {
      if (user === undefined)
        return identity.status === 'verified' ? 'identity verified' : '⚠ identity (unverified)';
      // Same rule as verification: expired when exp <= now - skew.
      if (secondsLeft !== undefined && secondsLeft <= -skew) return describeExpired(user, secondsLeft);
      const parts = [pickDisplayName(user)];
      if (user.role !== undefined) parts.push(sanitizeText(user.role, 32));
      // A token valid for months is a demo or service token, not a session: say so, not "3638d 21h".
      if (secondsLeft !== undefined)
        parts.push(
          secondsLeft <= 0
            ? 'expiring'
            : secondsLeft > LONG_LIVED_SECONDS
              ? identity.claims?.demo === true
                ? 'demo token'
                : 'long-lived token'
              : formatShortDuration(secondsLeft),
        );
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

function pickSkew(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
