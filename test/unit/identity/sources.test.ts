import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveIdentity } from '../../../server/src/identity';
import { makeAliceClaims, makeKey, makeTempDir, NOW_MS, signToken, type TempDir } from './fixtures';

describe('token sources', () => {
  let dir: TempDir;
  let token: string;
  const makeOptions = () => ({ baseDir: dir.path, env: {}, now: () => NOW_MS });

  before(async () => {
    dir = await makeTempDir();
    token = await signToken(makeAliceClaims(), await makeKey('k1'));
  });
  after(() => dir.remove());

  it('names an absolute token file inside the workspace relative to it, one in the home folder as ~/…', async () => {
    const file = await dir.write('abs.jwt', token);
    const inside = await resolveIdentity({ tokenFile: file }, makeOptions());
    assert.deepEqual(inside.source, { kind: 'file', label: 'token file abs.jwt' });
    await mkdir(join(dir.path, 'home', '.config'), { recursive: true });
    const saved = await dir.write(join('home', '.config', 'id.jwt'), token);
    const workspace = join(dir.path, 'workspace');
    const inHome = await resolveIdentity(
      { tokenFile: saved },
      { ...makeOptions(), baseDir: workspace, env: { HOME: join(dir.path, 'home') } },
    );
    assert.deepEqual(inHome.source, { kind: 'file', label: 'token file ~/.config/id.jwt' });
    // Elsewhere the path stays whole: nothing shorter names it.
    const elsewhere = await resolveIdentity({ tokenFile: saved }, { ...makeOptions(), baseDir: workspace });
    assert.deepEqual(elsewhere.source, { kind: 'file', label: `token file ${saved}` });
  });

  it('reports missing when no source is configured', async () => {
    const identity = await resolveIdentity({}, makeOptions());
    assert.equal(identity.status, 'missing');
    assert.equal(identity.source.kind, 'none');
    assert.match(identity.reason ?? '', /no token source configured/);
  });

  it('reports a token file that does not exist, naming it as configured', async () => {
    const identity = await resolveIdentity({ tokenFile: 'identity/nope.jwt' }, makeOptions());
    assert.equal(identity.status, 'missing');
    assert.deepEqual(identity.source, { kind: 'file', label: 'token file identity/nope.jwt' });
    assert.equal(identity.reason, 'token file identity/nope.jwt does not exist');
  });

  it('reports an empty (whitespace-only) token file as missing', async () => {
    await dir.write('empty.jwt', '  \n\t\n');
    const identity = await resolveIdentity({ tokenFile: 'empty.jwt' }, makeOptions());
    assert.equal(identity.status, 'missing');
    assert.equal(identity.reason, 'token file empty.jwt is empty');
  });

  it('reports a directory given as token file as missing, without crashing', async () => {
    await mkdir(join(dir.path, 'adir.jwt'));
    const identity = await resolveIdentity({ tokenFile: 'adir.jwt' }, makeOptions());
    assert.equal(identity.status, 'missing');
    assert.match(identity.reason ?? '', /^token file adir\.jwt is a directory/);
  });

  it('does not hang on a FIFO given as token file', async (t) => {
    const fifo = join(dir.path, 'pipe.jwt');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      t.skip('mkfifo is not available');
      return;
    }
    const identity = await resolveIdentity({ tokenFile: fifo }, makeOptions());
    assert.equal(identity.status, 'missing');
    assert.match(identity.reason ?? '', /is not a regular file/);
  });

  it('reads a token file relative to baseDir and trims surrounding whitespace', async () => {
    await mkdir(join(dir.path, 'identity'), { recursive: true });
    await dir.write('identity/alice.jwt', `\n  ${token}\r\n\n`);
    const identity = await resolveIdentity({ tokenFile: 'identity/alice.jwt' }, makeOptions());
    assert.equal(identity.status, 'unverified');
    assert.deepEqual(identity.source, { kind: 'file', label: 'token file identity/alice.jwt' });
    assert.equal(identity.user?.id, 'alice');
  });

  it('accepts an absolute token file path', async () => {
    const file = await dir.write('abs.jwt', token);
    const identity = await resolveIdentity(
      { tokenFile: file },
      { ...makeOptions(), baseDir: '/nonexistent' },
    );
    assert.equal(identity.status, 'unverified');
  });

  it('reports an unset environment variable as missing', async () => {
    const identity = await resolveIdentity({ tokenEnv: 'CLEARANCE_TOKEN' }, makeOptions());
    assert.equal(identity.status, 'missing');
    assert.deepEqual(identity.source, { kind: 'env', label: 'environment variable CLEARANCE_TOKEN' });
    assert.equal(identity.reason, 'environment variable CLEARANCE_TOKEN is not set');
  });

  it('reports an empty environment variable as missing', async () => {
    const identity = await resolveIdentity(
      { tokenEnv: 'CLEARANCE_TOKEN' },
      { ...makeOptions(), env: { CLEARANCE_TOKEN: ' \n' } },
    );
    assert.equal(identity.status, 'missing');
    assert.equal(identity.reason, 'environment variable CLEARANCE_TOKEN is empty');
  });

  it('reads the token from the environment variable', async () => {
    const env = { CLEARANCE_TOKEN: `${token}\n` };
    const identity = await resolveIdentity({ tokenEnv: 'CLEARANCE_TOKEN' }, { ...makeOptions(), env });
    assert.equal(identity.status, 'unverified');
    assert.equal(identity.source.kind, 'env');
  });

  it('prefers the token file over the environment variable', async () => {
    await dir.write('first.jwt', token);
    const env = { CLEARANCE_TOKEN: 'not-a-token' };
    const identity = await resolveIdentity(
      { tokenFile: 'first.jwt', tokenEnv: 'CLEARANCE_TOKEN' },
      { ...makeOptions(), env },
    );
    assert.equal(identity.status, 'unverified');
    assert.equal(identity.source.kind, 'file');
  });

  it('falls back to the environment variable when the token file is missing', async () => {
    const env = { CLEARANCE_TOKEN: token };
    const identity = await resolveIdentity(
      { tokenFile: 'gone.jwt', tokenEnv: 'CLEARANCE_TOKEN' },
      { ...makeOptions(), env },
    );
    assert.equal(identity.status, 'unverified');
    assert.equal(identity.source.kind, 'env');
  });

  it('names both sources when neither yields a token', async () => {
    const identity = await resolveIdentity(
      { tokenFile: 'gone.jwt', tokenEnv: 'CLEARANCE_TOKEN' },
      makeOptions(),
    );
    assert.equal(identity.status, 'missing');
    assert.equal(identity.source.kind, 'file');
    assert.match(identity.reason ?? '', /token file gone\.jwt does not exist/);
    assert.match(identity.reason ?? '', /environment variable CLEARANCE_TOKEN is not set/);
  });

  it('rejects a token file over 64 KB as invalid without parsing it', async () => {
    await dir.write('huge.jwt', 'a'.repeat(1024 * 1024));
    const identity = await resolveIdentity({ tokenFile: 'huge.jwt' }, makeOptions());
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /^malformed token: token file huge\.jwt is larger than 64 KB/);
  });

  it('reports a regular file that fails to read (EIO) as missing', async (t) => {
    // /proc/self/mem is a regular file whose first page is unmapped: reading it fails with EIO.
    if (process.platform !== 'linux') {
      t.skip('needs Linux /proc');
      return;
    }
    const identity = await resolveIdentity({ tokenFile: '/proc/self/mem' }, makeOptions());
    assert.equal(identity.status, 'missing');
    assert.equal(identity.reason, 'token file /proc/self/mem could not be read (EIO)');
  });

  it('reports an unreadable token file as missing', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('root can read any file');
      return;
    }
    const file = await dir.write('locked.jwt', token);
    execFileSync('chmod', ['000', file]);
    const identity = await resolveIdentity({ tokenFile: 'locked.jwt' }, makeOptions());
    assert.equal(identity.status, 'missing');
    assert.match(identity.reason ?? '', /could not be read \(EACCES\)/);
  });
});
