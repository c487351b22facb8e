import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DEMO_AUDIENCE,
  DEMO_ISSUER,
  mintDemoIdentity,
  parseMintArgs,
  parseTtl,
} from '../../../scripts/mint-demo-identity';
import { resolveIdentity } from '../../../server/src/identity';
import { makeTempDir, type TempDir } from './fixtures';

const demoSettings = { jwksFile: 'jwks.json', issuer: 'https://id.example.com', audience: 'clearance-demo' };

describe('mintDemoIdentity', () => {
  let dir: TempDir;
  const nowMs = Date.UTC(2030, 0, 1);
  before(async () => {
    dir = await makeTempDir();
    await mintDemoIdentity({
      outDir: dir.path,
      ttlSeconds: 15 * 60,
      nowMs,
      users: [
        { sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' },
        { sub: 'bob', email: 'bob@example.com', role: 'admin' },
      ],
    });
  });
  after(() => dir.remove());

  it('writes jwks.json and one token per user, and nothing else', async () => {
    assert.deepEqual((await readdir(dir.path)).sort(), ['alice.jwt', 'bob.jwt', 'jwks.json']);
  });

  it('publishes only the public key, with a kid', async () => {
    const jwks = JSON.parse(await readFile(join(dir.path, 'jwks.json'), 'utf8'));
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.equal(key.kty, 'RSA');
    assert.equal(key.alg, 'RS256');
    assert.equal(typeof key.kid, 'string');
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
      assert.equal(key[privateMember], undefined);
  });

  it('mints tokens that verify against the jwks with the demo issuer and audience', async () => {
    const alice = await resolveIdentity(
      { ...demoSettings, tokenFile: 'alice.jwt' },
      { baseDir: dir.path, now: () => nowMs + 60_000 },
    );
    assert.equal(alice.status, 'verified');
    assert.deepEqual(alice.user, {
      id: 'alice',
      email: 'alice@example.com',
      name: 'Alice Example',
      role: 'developer',
      roles: ['developer'],
    });
    assert.equal(alice.claims?.demo, true);
    assert.equal(alice.claims?.iss, DEMO_ISSUER);
    assert.equal(alice.claims?.aud, DEMO_AUDIENCE);
    assert.equal(alice.issuedAt, nowMs / 1000);
    assert.equal(alice.expiresAt, nowMs / 1000 + 15 * 60);

    const bob = await resolveIdentity(
      { ...demoSettings, tokenFile: 'bob.jwt' },
      { baseDir: dir.path, now: () => nowMs + 60_000 },
    );
    assert.equal(bob.status, 'verified');
    assert.equal(bob.user?.role, 'admin');
    assert.deepEqual(bob.user?.roles, ['admin']);
  });

  it('mints tokens that expire after the ttl', async () => {
    const later = await resolveIdentity(
      { ...demoSettings, tokenFile: 'alice.jwt' },
      { baseDir: dir.path, now: () => nowMs + 20 * 60_000 },
    );
    assert.equal(later.status, 'expired');
    assert.equal(later.reason, 'token expired 5 minutes ago');
  });

  it('returns tokens without writing when no outDir is given', async () => {
    const { jwks, tokens } = await mintDemoIdentity({ users: [{ sub: 'carol' }] });
    assert.equal(jwks.keys.length, 1);
    assert.deepEqual(Object.keys(tokens), ['carol']);
    assert.equal(tokens.carol?.split('.').length, 3);
  });

  it('refuses a sub that is not a plain file name', async () => {
    await assert.rejects(
      mintDemoIdentity({ users: [{ sub: '../evil' }], outDir: dir.path }),
      /sub "..\/evil"/,
    );
    assert.deepEqual((await readdir(dir.path)).sort(), ['alice.jwt', 'bob.jwt', 'jwks.json']);
  });
});

describe('mint-demo-identity command line', () => {
  it('parses lifetimes', () => {
    assert.equal(parseTtl('15m'), 900);
    assert.equal(parseTtl('12h'), 43_200);
    assert.equal(parseTtl('30d'), 2_592_000);
    assert.equal(parseTtl('10y'), 315_576_000);
    assert.equal(parseTtl('3600'), 3600);
    assert.equal(parseTtl('soon'), undefined);
    assert.equal(parseTtl('0m'), undefined);
  });

  it('groups --email, --name and --role under the preceding --sub', () => {
    const parsed = parseMintArgs([
      '--out',
      '/tmp/x',
      '--ttl',
      '1h',
      '--sub',
      'alice',
      '--role',
      'developer',
      '--sub',
      'bob',
      '--email',
      'bob@example.com',
      '--role',
      'admin',
    ]);
    assert.ok('options' in parsed);
    assert.equal(parsed.options.outDir, '/tmp/x');
    assert.equal(parsed.options.ttlSeconds, 3600);
    assert.deepEqual(parsed.options.users, [
      { sub: 'alice', role: 'developer' },
      { sub: 'bob', email: 'bob@example.com', role: 'admin' },
    ]);
  });

  it('defaults to alice and bob for ten years', () => {
    const parsed = parseMintArgs([]);
    assert.ok('options' in parsed);
    assert.deepEqual(
      parsed.options.users.map((user) => [user.sub, user.role]),
      [
        ['alice', 'developer'],
        ['bob', 'admin'],
      ],
    );
    assert.equal(parsed.options.ttlSeconds, 315_576_000);
  });

  it('reports bad arguments', () => {
    assert.deepEqual(parseMintArgs(['--role', 'admin']), { error: '--role must follow a --sub' });
    assert.deepEqual(parseMintArgs(['--ttl', 'forever']), {
      error: '--ttl must look like 15m, 12h, 30d or 10y',
    });
    assert.ok('error' in parseMintArgs(['--bogus']));
  });
});

describe('the committed demo identity in examples/shop/identity', () => {
  const baseDir = join(__dirname, '../../../examples/shop/identity');

  for (const [sub, email, role] of [
    ['alice', 'alice@example.com', 'developer'],
    ['bob', 'bob@example.com', 'admin'],
  ] as const) {
    it(`verifies ${sub} against the committed jwks.json`, async () => {
      const identity = await resolveIdentity({ ...demoSettings, tokenFile: `${sub}.jwt` }, { baseDir });
      assert.equal(identity.status, 'verified', identity.reason);
      assert.equal(identity.user?.email, email);
      assert.equal(identity.user?.role, role);
      assert.equal(identity.claims?.demo, true);
    });
  }

  it('is explained by a README that calls it a demo', async () => {
    const readme = await readFile(join(baseDir, 'README.md'), 'utf8');
    assert.match(readme, /demo token/i);
    assert.match(readme, /mint-demo-identity/);
  });
});
