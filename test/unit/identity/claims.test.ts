import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveIdentity, toInputUser } from '../../../server/src/identity';
import { completeClaimMapping } from '../../../server/src/identity/claims';
import { encodePart, makeAliceClaims, NOW_MS } from './fixtures';

describe('toInputUser', () => {
  it('maps sub, email, name, role and roles', () => {
    const user = toInputUser({
      sub: 'alice',
      email: 'alice@example.com',
      name: 'Alice Example',
      role: 'developer',
      roles: ['developer', 'oncall'],
    });
    assert.deepEqual(user, {
      id: 'alice',
      email: 'alice@example.com',
      name: 'Alice Example',
      role: 'developer',
      roles: ['developer', 'oncall'],
    });
  });

  it('returns undefined without a sub', () => {
    assert.equal(toInputUser({ email: 'alice@example.com' }), undefined);
    assert.equal(toInputUser({ sub: '' }), undefined);
    assert.equal(toInputUser({ sub: 42 }), undefined);
  });

  it('gives only id and empty roles when nothing else is present', () => {
    assert.deepEqual(toInputUser({ sub: 'svc' }), { id: 'svc', roles: [] });
  });

  it('takes roles from groups when roles is absent', () => {
    assert.deepEqual(toInputUser({ sub: 'a', groups: ['eng', 'ops'] })?.roles, ['eng', 'ops']);
  });

  it('prefers roles over groups', () => {
    assert.deepEqual(toInputUser({ sub: 'a', roles: ['admin'], groups: ['eng'] })?.roles, ['admin']);
  });

  it('splits a space- or comma-separated string of roles', () => {
    assert.deepEqual(toInputUser({ sub: 'a', roles: 'admin developer' })?.roles, ['admin', 'developer']);
    assert.deepEqual(toInputUser({ sub: 'a', roles: 'admin,developer' })?.roles, ['admin', 'developer']);
    assert.deepEqual(toInputUser({ sub: 'a', groups: ' eng , ops  qa ' })?.roles, ['eng', 'ops', 'qa']);
  });

  it('ignores non-string entries in a roles array', () => {
    assert.deepEqual(toInputUser({ sub: 'a', roles: ['admin', 7, null, { x: 1 }, 'dev'] })?.roles, [
      'admin',
      'dev',
    ]);
  });

  it('takes role from the role claim, else the first role', () => {
    assert.equal(toInputUser({ sub: 'a', role: 'owner', roles: ['admin'] })?.role, 'owner');
    assert.equal(toInputUser({ sub: 'a', roles: ['admin', 'dev'] })?.role, 'admin');
    assert.equal(toInputUser({ sub: 'a', groups: 'eng ops' })?.role, 'eng');
    assert.equal(toInputUser({ sub: 'a' })?.role, undefined);
  });

  it('ignores email and name that are not strings', () => {
    const user = toInputUser({ sub: 'a', email: ['x@example.com'], name: 12 });
    assert.equal(user?.email, undefined);
    assert.equal(user?.name, undefined);
  });

  it('reads only own claims, not inherited properties', () => {
    const claims = Object.create({ sub: 'inherited', role: 'admin' }) as Record<string, unknown>;
    assert.equal(toInputUser(claims), undefined);
    const parsed = JSON.parse('{"sub":"a","__proto__":{"role":"admin"}}') as Record<string, unknown>;
    assert.equal(toInputUser(parsed)?.role, undefined);
  });
});

describe('a configured claim mapping', () => {
  const cases: Array<{ name: string; mapping: unknown; claims: Record<string, unknown>; user: unknown }> = [
    {
      name: 'Keycloak: roles from the nested realm_access.roles, id from preferred_username',
      mapping: { id: 'preferred_username', roles: 'realm_access.roles' },
      claims: { sub: 'f1e2', preferred_username: 'alice', realm_access: { roles: ['admin', 'dev'] } },
      user: { id: 'alice', roles: ['admin', 'dev'], role: 'admin' },
    },
    {
      name: 'Auth0: a namespaced claim whose name holds dots is read whole',
      mapping: { roles: ['https://example.com/roles'] },
      claims: { sub: 'auth0|1', 'https://example.com/roles': ['viewer'] },
      user: { id: 'auth0|1', roles: ['viewer'], role: 'viewer' },
    },
    {
      name: 'Entra ID: groups when roles is empty, role from its own claim',
      mapping: {},
      claims: { sub: 'oid-1', roles: [], groups: ['g1', 'g2'], role: 'owner' },
      user: { id: 'oid-1', roles: ['g1', 'g2'], role: 'owner' },
    },
    {
      name: 'a mapping with values of the wrong type keeps the defaults',
      mapping: { id: 42, roles: [7] },
      claims: { sub: 'bob', roles: 'a b' },
      user: { id: 'bob', roles: ['a', 'b'], role: 'a' },
    },
  ];
  for (const row of cases) {
    it(row.name, () => {
      assert.deepEqual(toInputUser(row.claims, completeClaimMapping(row.mapping)), row.user);
    });
  }

  it('names the mapped id claim when a token lacks it', async () => {
    const identity = await resolveIdentity(
      { tokenEnv: 'T', claimMapping: { id: 'preferred_username' } },
      {
        env: { T: `${encodePart({ alg: 'RS256' })}.${encodePart(makeAliceClaims())}.c2ln` },
        now: () => NOW_MS,
      },
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'token has no "preferred_username" claim, so it names no user');
  });
});
