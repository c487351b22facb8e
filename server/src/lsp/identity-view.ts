/** The status bar's token-free view of the identity: the `clearance/identity` notification. */
import { describeIdentity, type Identity, type InputUser, toDisplayClaims } from '../identity';

/** What the status bar shows about the identity (the `clearance/identity` notification); token-free. */
export interface IdentityView {
  text: string;
  tooltip: string;
  status: Identity['status'];
  expiresAt?: number;
  source: { kind: Identity['source']['kind']; label: string };
  /** True for evaluate-as claims: never the real identity. */
  simulated: boolean;
  /** The `input.user` document policies see; null without a trusted identity. */
  user: InputUser | null;
  /** The token's claims (or the simulated ones), token-like values blanked out. */
  claims: Record<string, unknown> | null;
}

/** The status bar's view of `identity` at `nowMs`. */
export function describeIdentityView(identity: Identity, nowMs: number): IdentityView {
  const lines = [
    `Source: ${identity.source.label}`,
    `State: ${identity.status}${identity.reason ? ` (${identity.reason})` : ''}`,
  ];
  if (identity.issuer && identity.status !== 'invalid')
    lines.push(`Issuer: ${identity.issuer.slice(0, 200)}`);
  if (identity.expiresAt) lines.push(`Expires: ${new Date(identity.expiresAt * 1000).toISOString()}`);
  if (identity.simulated) lines.unshift('Simulated identity (evaluate as): not your verified identity');
  const trusted = identity.status !== 'invalid' && identity.status !== 'missing';
  return {
    text: describeIdentity(identity, nowMs),
    tooltip: lines.join('\n'),
    status: identity.status,
    ...(identity.expiresAt ? { expiresAt: identity.expiresAt } : {}),
    source: { kind: identity.source.kind, label: identity.source.label },
    simulated: identity.simulated === true,
    // Claims are attacker-chosen text: a token placed in `name` must not ride out in the user either.
    user: trusted && identity.user ? (toDisplayClaims({ ...identity.user }) as unknown as InputUser) : null,
    claims: trusted && identity.claims ? toDisplayClaims(identity.claims) : null,
  };
}
