import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  describeIdentity,
  type Identity,
  type IdentitySettings,
  resolveIdentity,
} from '../../../server/src/identity';
import {
  JWKS_FILE_SETTINGS,
  makeAliceClaims,
  makeJwksDir,
  makeKey,
  NOW_SECONDS,
  signToken,
  type TempDir,
  type TestKey,
} from './fixtures';

const NOW_MS = 1_900_000_000_000;
const NOW_S = NOW_MS / 1000;
const alice = {
  id: 'alice',
  email: 'alice@example.com',
  name: 'Alice Example',
  role: 'developer',
  roles: ['developer'],
};
const fileSource = { kind: 'file', label: 'token file identity/alice.jwt' } as const;

function makeIdentity(status: Identity['status'], secondsLeft?: number): Identity {
  const result: Identity = { status, source: fileSource, user: alice };
  if (secondsLeft !== undefined) result.expiresAt = NOW_S + secondsLeft;
  return result;
}

describe('describeIdentity', () => {
  it('shows who, role and time left for a verified identity', () => {
    assert.equal(
      describeIdentity(makeIdentity('verified', 12 * 60), NOW_MS),
      'alice@example.com · developer · 12m',
    );
  });

  it('marks an unverified identity', () => {
    assert.equal(
      describeIdentity(makeIdentity('unverified', 12 * 60), NOW_MS),
      '⚠ alice@example.com · developer · 12m (unverified)',
    );
  });

  it('shows how long ago an identity expired', () => {
    assert.equal(
      describeIdentity(makeIdentity('expired', -3 * 60), NOW_MS),
      'alice@example.com · expired 3m ago',
    );
  });

  it('reads a verified identity as expired once its exp has passed', () => {
    assert.equal(
      describeIdentity(makeIdentity('verified', -90), NOW_MS),
      'alice@example.com · expired 1m ago',
    );
  });

  it('agrees with verification inside the clock-skew window (default 60s)', () => {
    // Verification accepts a token until exp + skew: just past exp, a verified identity is expiring.
    for (const secondsLeft of [0, -3, -59, -59.999]) {
      assert.equal(
        describeIdentity(makeIdentity('verified', secondsLeft), NOW_MS),
        'alice@example.com · developer · expiring',
        `${secondsLeft}s`,
      );
      assert.equal(
        describeIdentity(makeIdentity('unverified', secondsLeft), NOW_MS),
        '⚠ alice@example.com · developer · expiring (unverified)',
        `${secondsLeft}s`,
      );
    }
    // From exp + skew on, verification would say expired, and so does the text.
    assert.equal(
      describeIdentity(makeIdentity('verified', -60), NOW_MS),
      'alice@example.com · expired 1m ago',
    );
    assert.equal(describeIdentity(makeIdentity('verified', 1), NOW_MS), 'alice@example.com · developer · 1s');
  });

  it('uses the skew stored on the identity, and an explicit skew over it', () => {
    const stored = { ...makeIdentity('verified', -5), clockSkewSeconds: 10 };
    assert.equal(describeIdentity(stored, NOW_MS), 'alice@example.com · developer · expiring');
    assert.equal(describeIdentity(stored, NOW_MS + 4_999), 'alice@example.com · developer · expiring');
    assert.equal(describeIdentity(stored, NOW_MS + 5_000), 'alice@example.com · expired 10s ago');
    assert.equal(describeIdentity(stored, NOW_MS, 5), 'alice@example.com · expired 5s ago');
    assert.equal(describeIdentity(stored, NOW_MS, 6), 'alice@example.com · developer · expiring');
    const noSkew = { ...makeIdentity('verified', 0), clockSkewSeconds: 0 };
    assert.equal(describeIdentity(noSkew, NOW_MS), 'alice@example.com · expired 0s ago');
    assert.equal(describeIdentity(noSkew, NOW_MS - 1_000), 'alice@example.com · developer · 1s');
  });

  it('says identity invalid and no identity', () => {
    assert.equal(
      describeIdentity({ status: 'invalid', source: fileSource, reason: 'x' }, NOW_MS),
      'identity invalid',
    );
    assert.equal(
      describeIdentity({ status: 'missing', source: { kind: 'none', label: 'no token source' } }, NOW_MS),
      'no identity',
    );
  });

  it('formats time left as 45s, 12m, 3h 5m and 2d 4h', () => {
    const cases: Array<[number, string]> = [
      [45, '45s'],
      [12 * 60 + 59, '12m'],
      [3 * 3600 + 5 * 60, '3h 5m'],
      [2 * 86400 + 4 * 3600 + 120, '2d 4h'],
      [3 * 3600, '3h'],
      [2 * 86400, '2d'],
    ];
    for (const [seconds, text] of cases) {
      assert.equal(
        describeIdentity(makeIdentity('verified', seconds), NOW_MS),
        `alice@example.com · developer · ${text}`,
      );
    }
  });

  it('leaves out what the token does not say', () => {
    const user = { id: 'svc-build', roles: [] };
    assert.equal(describeIdentity({ status: 'verified', source: fileSource, user }, NOW_MS), 'svc-build');
    const named = { id: 'bob', name: 'Bob', roles: [] };
    assert.equal(
      describeIdentity({ status: 'expired', source: fileSource, user: named }, NOW_MS),
      'Bob · expired',
    );
  });

  it('strips control characters from claim text', () => {
    const user = { id: 'a', email: 'evil\n\u202eexample.com', roles: [] };
    const text = describeIdentity({ status: 'verified', source: fileSource, user }, NOW_MS);
    assert.doesNotMatch(text, /[\n\u202e]/);
  });
});

describe('describeIdentity agrees with the status resolveIdentity gives', () => {
  const resolvedAtMs = NOW_SECONDS * 1000;
  let dir: TempDir;
  let key: TestKey;
  const resolveWithExp = async (exp: number, extra: IdentitySettings = {}) =>
    resolveIdentity(
      { tokenEnv: 'T', ...JWKS_FILE_SETTINGS, ...extra },
      {
        baseDir: dir.path,
        env: { T: await signToken(makeAliceClaims({ exp }), key) },
        now: () => resolvedAtMs,
      },
    );

  before(async () => {
    key = await makeKey('k1');
    dir = await makeJwksDir(key);
  });
  after(() => dir.remove());

  it('reads a verified identity 3s past exp (inside the default skew) as expiring, not expired', async () => {
    const identity = await resolveWithExp(NOW_SECONDS - 3);
    assert.equal(identity.status, 'verified');
    assert.equal(identity.clockSkewSeconds, 60);
    assert.equal(describeIdentity(identity, resolvedAtMs), 'alice@example.com · developer · expiring');
    assert.doesNotMatch(describeIdentity(identity, resolvedAtMs), /expired/);
  });

  it('reads 59s past exp as verified and expiring, 60s past exp as expired, on both sides', async () => {
    const inside = await resolveWithExp(NOW_SECONDS - 59);
    assert.equal(inside.status, 'verified');
    assert.equal(describeIdentity(inside, resolvedAtMs), 'alice@example.com · developer · expiring');
    const outside = await resolveWithExp(NOW_SECONDS - 60);
    assert.equal(outside.status, 'expired');
    assert.equal(describeIdentity(outside, resolvedAtMs), 'alice@example.com · expired 1m ago');
    // The identity resolved inside the window turns expired in the text exactly when it would on re-resolving.
    assert.equal(describeIdentity(inside, resolvedAtMs + 999), 'alice@example.com · developer · expiring');
    assert.equal(describeIdentity(inside, resolvedAtMs + 1_000), 'alice@example.com · expired 1m ago');
  });

  it('follows a configured clockSkewSeconds', async () => {
    const inside = await resolveWithExp(NOW_SECONDS - 9, { clockSkewSeconds: 10 });
    assert.equal(inside.status, 'verified');
    assert.equal(inside.clockSkewSeconds, 10);
    assert.equal(describeIdentity(inside, resolvedAtMs), 'alice@example.com · developer · expiring');
    assert.equal(describeIdentity(inside, resolvedAtMs + 1_000), 'alice@example.com · expired 10s ago');
    const outside = await resolveWithExp(NOW_SECONDS - 10, { clockSkewSeconds: 10 });
    assert.equal(outside.status, 'expired');
    const unverified = await resolveIdentity(
      { tokenEnv: 'T', clockSkewSeconds: 10 },
      {
        env: { T: await signToken(makeAliceClaims({ exp: NOW_SECONDS - 9 }), key) },
        now: () => resolvedAtMs,
      },
    );
    assert.equal(unverified.status, 'unverified');
    assert.equal(
      describeIdentity(unverified, resolvedAtMs),
      '⚠ alice@example.com · developer · expiring (unverified)',
    );
  });
});
