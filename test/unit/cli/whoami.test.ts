/**
 * `clearance whoami`, run as the real built CLI (bin/clearance.js) in a child process. Exit codes are
 * the documented ones: 0 verified, 1 usable but not verified (unverified or simulated), 2 no usable
 * identity. The token must never reach its output.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROVIDER_AUDIENCE, startTestProvider, type TestProvider } from '../../support/token-provider';

const repo = join(__dirname, '..', '..', '..');
const cli = join(repo, 'bin', 'clearance.js');

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the built CLI in `cwd` with only PATH (and `env`) in its environment. */
function runCli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 99) : 0, out, err }),
    );
  });
}

describe('clearance whoami', () => {
  let root: string;
  let shop: string;
  let bobToken: string;
  let provider: TestProvider;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-whoami-'));
    shop = join(root, 'shop');
    cpSync(join(repo, 'examples', 'shop'), shop, { recursive: true });
    bobToken = readFileSync(join(shop, 'identity', 'bob.jwt'), 'utf8').trim();
    writeFileSync(join(root, 'admin.yaml'), 'sub: carol\nemail: carol@example.com\nroles: [admin]\n');
    writeFileSync(
      join(root, 'corp-token.js'),
      `process.stdout.write(JSON.stringify({ token: ${JSON.stringify(bobToken)}, expires_at: 4102444800 }))`,
    );
    provider = await startTestProvider();
  });
  after(async () => {
    await provider.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("never takes the identity from a repository's .vscode/settings.json, and says which keys it ignored", async () => {
    const { code, out, err } = await runCli(shop, ['whoami']);
    assert.equal(code, 2, out);
    assert.match(err, /clearance\.identity\.tokenFile.* ignored: a repository does not choose the identity/);
    assert.match(out, /environment variable CLEARANCE_TOKEN/);
  });

  it('prints the verified identity of the settings the user names, its source, state and time left, and exits 0', async () => {
    const { code, out } = await runCli(shop, ['whoami', '--settings', '.vscode/settings.json']);
    assert.equal(code, 0, out);
    assert.match(out, /^identity {3}alice@example\.com · developer · /m);
    assert.match(out, /^source {5}token file identity\/alice\.jwt$/m);
    assert.match(out, /^state {6}verified /m);
    assert.match(out, /^time left {2}\d+ (days|hours|minutes) \(expires \d{4}-\d\d-\d\dT/m);
    // The demo token has no amr or auth_time and no probe is configured: all three are unknown.
    assert.match(
      out,
      /^context {4}MFA unknown \(no amr\) · sign-in time unknown · device unknown · \w+day \d\dh \S+$/m,
    );
  });

  it('prints JSON for scripts, with the token flag replacing the workspace token', async () => {
    const { code, out } = await runCli(shop, [
      'whoami',
      '--settings',
      '.vscode/settings.json',
      '--json',
      '--token-file',
      'identity/bob.jwt',
    ]);
    assert.equal(code, 0, out);
    const report = JSON.parse(out);
    assert.equal(report.status, 'verified');
    assert.equal(report.verified, true);
    assert.equal(report.simulated, false);
    assert.deepEqual(report.source, {
      kind: 'file',
      label: 'token file identity/bob.jwt',
    });
    assert.equal(report.user.role, 'admin');
    assert.equal(typeof report.secondsLeft, 'number');
    assert.ok(report.secondsLeft > 0);
    assert.equal(report.context.device.managed, null);
  });

  it('labels an evaluate-as identity simulated and exits 1', async () => {
    const { code, out } = await runCli(shop, ['whoami', '--claims-file', join(root, 'admin.yaml')]);
    assert.equal(code, 1, out);
    assert.match(out, /^identity {3}⚠ carol@example\.com · admin \(simulated\)$/m);
    assert.match(out, /^source {5}claims file .*admin\.yaml \(simulated\)$/m);
    assert.match(out, /^state {6}simulated: /m);
    assert.doesNotMatch(out, /verified \(/);
  });

  it('reads the token a --token-command prints and exits 1 when no key is configured', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const { code, out } = await runCli(empty, [
      'whoami',
      '--token-command',
      `${process.execPath} ${join(root, 'corp-token.js')}`,
    ]);
    assert.equal(code, 1, out);
    assert.match(out, /^source {5}token command node \(\+1 argument\)$/m);
    assert.match(out, /^state {6}unverified: no key configured/m);
    assert.ok(!out.includes(bobToken));
  });

  it("verifies against the issuer's discovered keys with --issuer alone", async () => {
    const token = await provider.issueToken({ email: 'ci@example.com' });
    const { code, out } = await runCli(
      join(root, 'empty'),
      [
        'whoami',
        '--issuer',
        provider.issuer,
        '--audience',
        PROVIDER_AUDIENCE,
        '--token-env',
        'CI_TOKEN',
        '--json',
      ],
      { CI_TOKEN: token },
    );
    assert.equal(code, 0, out);
    assert.equal(JSON.parse(out).issuer, provider.issuer);
    assert.ok(!out.includes(token));
  });

  const unusable: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      'a malformed token',
      ['--token-env', 'T'],
      { T: 'not.a-token' },
      /^state {6}invalid: malformed token: /m,
    ],
    ['no token at all', ['--token-env', 'T'], {}, /^state {6}missing: environment variable T is not set$/m],
    [
      'an unreadable token file',
      ['--token-file', 'nope.jwt'],
      {},
      /^state {6}missing: token file .*nope\.jwt does not exist$/m,
    ],
  ];
  for (const [name, flags, env, state] of unusable) {
    it(`exits 2 with a clear state for ${name}`, async () => {
      const { code, out } = await runCli(join(root, 'empty'), ['whoami', ...flags], env);
      assert.equal(code, 2, out);
      assert.match(out, state);
    });
  }

  it("never runs a token command or device probe named in a repository's .vscode/settings.json", async () => {
    const cloned = join(root, 'cloned');
    const marker = join(root, 'ran');
    mkdirSync(join(cloned, '.vscode'), { recursive: true });
    writeFileSync(join(root, 'evil.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`);
    const evil = [process.execPath, join(root, 'evil.js')];
    writeFileSync(
      join(cloned, '.vscode', 'settings.json'),
      JSON.stringify({ 'clearance.identity.tokenCommand': evil, 'clearance.identity.deviceCommand': evil }),
    );
    for (const command of ['whoami', 'scan']) {
      const { err } = await runCli(cloned, [command, ...(command === 'scan' ? ['.'] : [])]);
      assert.ok(!existsSync(marker), `${command} ran the workspace's command`);
      // whoami says the commands are not run; scan ignores every identity setting of a repository.
      assert.match(err, /clearance\.identity\.tokenCommand\b.* (is not run by the CLI|are ignored)/);
      assert.match(err, /clearance\.identity\.deviceCommand\b.* (is not run by the CLI|are ignored)/);
    }
  });

  it('runs a device probe given in the environment', async () => {
    writeFileSync(
      join(root, 'probe.js'),
      'process.stdout.write(JSON.stringify({ managed: true, os: "test" }))',
    );
    const { out } = await runCli(shop, ['whoami', '--json'], {
      CLEARANCE_DEVICE_COMMAND: `${process.execPath} ${join(root, 'probe.js')}`,
    });
    assert.deepEqual(JSON.parse(out).context.device, { os: 'test', managed: true });
  });
});
