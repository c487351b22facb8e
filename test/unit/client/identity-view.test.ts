// The editor's view of the identity: when the expiry notice is due, and the JSON it shows and copies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideExpiryNotice, formatIdentityJson, type IdentityView } from '../../../client/src/identity-view';

const NOW = 1_800_000_000_000;
const view = (secondsLeft: number, extra: Partial<IdentityView> = {}): IdentityView => ({
  text: 'alice@example.com · developer · 4m',
  tooltip: 'Source: Clearance sign-in',
  status: 'verified',
  expiresAt: NOW / 1000 + secondsLeft,
  ...extra,
});

describe('expiry notice', () => {
  it('is given under 5 minutes left, in whole minutes rounded down', () => {
    assert.equal(decideExpiryNotice(view(299), NOW, {}), 4);
    assert.equal(decideExpiryNotice(view(119), NOW, {}), 1);
    assert.equal(decideExpiryNotice(view(20), NOW, {}), 1);
  });

  it('is not given with 5 minutes or more left, nor once expired', () => {
    assert.equal(decideExpiryNotice(view(300), NOW, {}), undefined);
    assert.equal(decideExpiryNotice(view(0), NOW, {}), undefined);
    assert.equal(decideExpiryNotice(view(-10), NOW, {}), undefined);
  });

  it('is given once per token', () => {
    const v = view(200);
    assert.equal(decideExpiryNotice(v, NOW, { noticedFor: v.expiresAt }), undefined);
    assert.equal(decideExpiryNotice(view(200), NOW, { noticedFor: (v.expiresAt ?? 0) - 60 }), 3);
  });

  it('is not given when a refresh is due before the token expires, but is when it would come too late', () => {
    assert.equal(decideExpiryNotice(view(200), NOW, { refreshAtMs: NOW + 100_000 }), undefined);
    assert.equal(decideExpiryNotice(view(200), NOW, { refreshAtMs: NOW + 300_000 }), 3);
  });

  it('is not given while the scheduled refresh is under way (due, not yet answered)', () => {
    assert.equal(decideExpiryNotice(view(18), NOW, { refreshAtMs: NOW - 500 }), undefined);
  });

  it('is not given when the sign-in already holds a later token than the one the server described', () => {
    // Refreshed 18 s before the shown token expires: the next refresh is due after that expiry, and the
    // server's identity for the new token is on its way.
    const refreshed = { refreshAtMs: NOW + 72_000, renewedUntilMs: NOW + 90_000 };
    assert.equal(decideExpiryNotice(view(18), NOW, refreshed), undefined);
    assert.equal(decideExpiryNotice(view(18), NOW, { refreshAtMs: NOW + 72_000 }), 1);
    assert.equal(decideExpiryNotice(view(18), NOW, { ...refreshed, renewedUntilMs: NOW + 18_000 }), 1);
  });

  it('is not given for a simulated, invalid or missing identity', () => {
    assert.equal(decideExpiryNotice(view(200, { simulated: true }), NOW, {}), undefined);
    assert.equal(decideExpiryNotice(view(200, { status: 'invalid' }), NOW, {}), undefined);
    assert.equal(decideExpiryNotice(undefined, NOW, {}), undefined);
  });
});

describe('identity as JSON', () => {
  it('holds the status, source, user, expiry and claims the server sent', () => {
    const json = JSON.parse(
      formatIdentityJson(
        view(200, {
          source: { kind: 'signin', label: 'Clearance sign-in' },
          user: { id: 'alice', roles: ['developer'] },
          claims: { sub: 'alice', email: 'alice@example.com' },
        }),
      ),
    ) as Record<string, unknown>;
    assert.deepEqual(json, {
      status: 'verified',
      source: { kind: 'signin', label: 'Clearance sign-in' },
      user: { id: 'alice', roles: ['developer'] },
      expiresAt: new Date(NOW + 200_000).toISOString(),
      claims: { sub: 'alice', email: 'alice@example.com' },
    });
  });

  it('says simulated when evaluating as a claims file', () => {
    assert.equal(
      (JSON.parse(formatIdentityJson(view(200, { simulated: true }))) as { simulated: boolean }).simulated,
      true,
    );
  });

  it('blanks a token even if a claim holds one', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
    const text = formatIdentityJson(view(200, { claims: { sub: 'alice', leaked: token } }));
    assert.ok(!text.includes(token));
    assert.doesNotThrow(() => JSON.parse(text));
  });
});
