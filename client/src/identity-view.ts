/**
 * What the language server says about the identity (`clearance/identity`), and the token-free JSON
 * the editor shows and copies. Fields after `expiresAt` come from servers that send them; older ones
 * leave them out, and everything here works without them.
 */

import { redactTokensInText } from '../../server/src/identity/display';

/** The server's identity notification. */
export interface IdentityView {
  text: string;
  tooltip: string;
  status: 'verified' | 'unverified' | 'expired' | 'invalid' | 'missing';
  expiresAt?: number;
  source?: { kind: string; label: string };
  simulated?: boolean;
  user?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** The identity as JSON for people: status, source, user and claims; never a token. */
export function formatIdentityJson(view: IdentityView | undefined): string {
  if (!view) return `${JSON.stringify({ status: 'missing', note: 'no identity yet' }, null, 2)}\n`;
  const document: Record<string, unknown> = { status: view.status };
  if (view.simulated) document.simulated = true;
  if (view.source) document.source = view.source;
  if (view.user) document.user = view.user;
  if (view.expiresAt !== undefined) document.expiresAt = new Date(view.expiresAt * 1000).toISOString();
  if (view.claims) document.claims = view.claims;
  else document.summary = view.text;
  // The server sends no token; should a claim hold one anyway, it is blanked before it is shown.
  return `${redactTokensInText(JSON.stringify(document, null, 2))}\n`;
}

/** Seconds until the identity expires at `nowMs`, or undefined when it has no expiry. */
export function computeSecondsLeft(view: IdentityView | undefined, nowMs: number): number | undefined {
  return view?.expiresAt === undefined ? undefined : view.expiresAt - nowMs / 1000;
}

/** Under this many seconds left, the identity is about to expire: warning colour and a notice. */
export const EXPIRY_WARNING_SECONDS = 5 * 60;

/**
 * Decides whether to give the expiry notice now, and with how many whole minutes left (rounded down,
 * as the status bar text is, so the two agree): once per token, under 5 minutes left, not for a
 * simulated identity, not when a refresh is due (or under way) before the token expires, and not when
 * the sign-in already holds a token that expires later than the one shown: the server has not
 * described the renewed identity yet, and will.
 */
export function decideExpiryNotice(
  view: IdentityView | undefined,
  nowMs: number,
  context: { refreshAtMs?: number; noticedFor?: number; renewedUntilMs?: number },
): number | undefined {
  if (!view || view.expiresAt === undefined || view.simulated) return undefined;
  if (view.status !== 'verified' && view.status !== 'unverified') return undefined;
  if (context.noticedFor === view.expiresAt) return undefined;
  const secondsLeft = view.expiresAt - nowMs / 1000;
  if (secondsLeft <= 0 || secondsLeft >= EXPIRY_WARNING_SECONDS) return undefined;
  if (context.refreshAtMs !== undefined && context.refreshAtMs < view.expiresAt * 1000) return undefined;
  if (context.renewedUntilMs !== undefined && context.renewedUntilMs > view.expiresAt * 1000)
    return undefined;
  return Math.max(1, Math.floor(secondsLeft / 60));
}
