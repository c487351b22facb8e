import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIdentity, type Identity } from '../../../server/src/identity';

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
