import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toInputUser } from '../../../server/src/identity';

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
