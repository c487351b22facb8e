/**
 * The hostile-repository suite, CLI half: each finding of issue 10 as a repository built by the test
 * (a copy of examples/shop plus what an attacker adds), scanned by the built `clearance` in a child
 * process. Each case asserts a clear message, the exit code, that it ends (a run still going after
 * `HANG_MS` is stopped and fails its case), and that nothing from outside the repository (a "runner
 * secret") or any token piece is printed.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_AUDIENCE, DEMO_ISSUER, mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { runCli as runCliInProcess } from '../../server/src/cli/main';

const repoRoot = join(__dirname, '..', '..');
const cli = join(repoRoot, 'bin', 'clearance.js');
const shop = join(repoRoot, 'examples', 'shop');
/**
 * A run still going after this is stopped and fails its case: a hang guard, not a speed check. What
 * the cases guard is a read that never ends (a FIFO, /dev/zero); a 15 s cap on the whole run, start
 * included, failed right runs on a loaded machine (CI's is slower still), and a read bounded or not
 * is told apart by ending at all, and by the message.
 */
const HANG_MS = 120_000;
const SECRET = 'REGISTRY-SECRET-7f3a9c2e41';

interface Run {
  code: number;
  out: string;
  err: string;
  /** The run was stopped at `HANG_MS`. */
  hung?: boolean;
}

/** Runs the built CLI with only PATH and `env` in its environment, and a hard timeout. */
function runCli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', CLEARANCE_AUDIT_FILE: join(cwd, '..', 'audit.jsonl'), ...env },
        timeout: HANG_MS,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, out, err) =>
        resolve({
          code: error ? Number(error.code ?? 99) : 0,
          out,
          err,
          ...(error?.killed ? { hung: true } : {}),
        }),
    );
  });
}

/**
 * Runs the CLI in this process (the machine is shared: a child costs a second of start-up), for
 * cases whose failure cannot take the test process down with it (nor hang it: they read no file an
 * attacker chose); `env` is set for the run only.
 */
async function runInProcess(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const saved = { ...process.env };
  const savedCwd = process.cwd();
  Object.assign(process.env, { CLEARANCE_AUDIT_FILE: join(cwd, '..', 'audit.jsonl'), ...env });
  process.chdir(cwd);
  let out = '';
  let err = '';
  try {
    const code = await runCliInProcess(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('hostile repository: clearance scan, whoami and policy eval', () => {
  let base: string;
  let runner: string;
  let aliceToken: string;
  let bobToken: string;
  let jwksFile: string;
  let hits = 0;
  let attacker: Server;
  let attackerUrl: string;
  /** Identity as the CI job gives it: the token in the environment, keys and issuer as flags. */
  let ci: { args: string[]; env: Record<string, string> };

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'clearance-hostile-cli-'));
    runner = join(base, 'runner');
    mkdirSync(runner);
    writeFileSync(join(runner, 'config.json'), JSON.stringify({ auths: { registry: { auth: SECRET } } }));
    const ids = join(base, 'ids');
    mkdirSync(ids);
    await mintDemoIdentity({
      outDir: ids,
      users: [
        { sub: 'alice', email: 'alice@example.com', role: 'developer' },
        { sub: 'bob', email: 'bob@example.com', role: 'admin' },
      ],
    });
    aliceToken = readFileSync(join(ids, 'alice.jwt'), 'utf8').trim();
    bobToken = readFileSync(join(ids, 'bob.jwt'), 'utf8').trim();
    jwksFile = join(ids, 'jwks.json');
    ci = {
      args: [
        '--token-env',
        'CI_TOKEN',
        '--jwks-file',
        jwksFile,
        '--issuer',
        DEMO_ISSUER,
        '--audience',
        DEMO_AUDIENCE,
      ],
      env: { CI_TOKEN: aliceToken },
    };
    attacker = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const address = attacker.address();
    attackerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => {
    attacker.close();
    rmSync(base, { recursive: true, force: true });
  });

  /** A fresh copy of examples/shop with `settings` as its .vscode/settings.json. */
  function makeRepo(name: string, settings?: Record<string, unknown>): string {
    const dir = join(base, name);
    cpSync(shop, dir, { recursive: true });
    rmSync(join(dir, 'identity'), { recursive: true, force: true });
    if (settings) writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify(settings));
    else rmSync(join(dir, '.vscode', 'settings.json'), { force: true });
    return dir;
  }

  /** Asserts the run ended by itself and printed no secret and no piece of either token. */
  function assertClean(run: Run): void {
    assert.ok(!run.hung, `still running after ${HANG_MS / 1000} s: stopped`);
    for (const text of [run.out, run.err]) {
      assert.ok(!text.includes(SECRET), 'a file of the runner was printed');
      for (const token of [aliceToken, bobToken])
        for (const part of token.split('.')) assert.ok(!text.includes(part), 'a token piece was printed');
    }
  }

  it('finding 4: a repository claimsFile does not override the CI token (exit 1 as alice, not 0 as an admin)', async () => {
    const dir = makeRepo('claims', { 'clearance.identity.claimsFile': 'admin.yaml' });
    writeFileSync(join(dir, 'admin.yaml'), 'sub: root\nrole: admin\n');
    const run = await runCli(dir, ['scan', '.', ...ci.args], ci.env);
    assertClean(run);
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /clearance\.identity\.claimsFile in .* ignored/);
    assert.doesNotMatch(run.out, /simulated/);
  });

  it('finding 4: policy.paths naming a runner file, directly or through a link, is refused (exit 2)', async () => {
    const direct = makeRepo('paths-direct', {
      'clearance.policy.paths': ['policy', join(runner, 'config.json')],
    });
    const linked = makeRepo('paths-link', { 'clearance.policy.paths': ['policy', 'vendor/config.json'] });
    mkdirSync(join(linked, 'vendor'));
    symlinkSync(join(runner, 'config.json'), join(linked, 'vendor', 'config.json'));
    writeFileSync(
      join(linked, 'policy', 'leak.rego'),
      'package api.authz\n\nallow if {\n  print(data.auths)\n  false\n}\n',
    );
    for (const dir of [direct, linked]) {
      const run = await runCli(dir, ['scan', '.', '--format', 'sarif', ...ci.args], ci.env);
      assertClean(run);
      assert.equal(run.code, 2);
      assert.match(run.err, /outside the repository/);
    }
  });

  it('finding 4: repository jwksUrl, issuer and jwksFile are never contacted or read', async () => {
    const dir = makeRepo('keys', {
      'clearance.identity.jwksUrl': `${attackerUrl}/jwks`,
      'clearance.identity.issuer': attackerUrl,
      'clearance.identity.jwksFile': 'forged-jwks.json',
      'clearance.identity.tokenFile': 'forged.jwt',
    });
    writeFileSync(join(dir, 'forged-jwks.json'), '{"keys": []}');
    writeFileSync(join(dir, 'forged.jwt'), `${b64({ alg: 'none' })}.${b64({ sub: 'root', role: 'admin' })}.`);
    const before = hits;
    const run = await runCli(dir, ['scan', '.', ...ci.args], ci.env);
    assertClean(run);
    assert.equal(hits, before, 'the attacker host was contacted');
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /jwksUrl.*issuer.*ignored|issuer.*jwksUrl.*ignored/);
  });

  it('finding 4: alg "none" is refused even with no keys; an unverified token needs --allow-unverified', async () => {
    const dir = makeRepo('unsigned');
    const none = `${b64({ alg: 'none' })}.${b64({ sub: 'root', role: 'admin' })}.`;
    const unsigned = await runInProcess(dir, ['scan', '.', '--token-env', 'T', '--allow-unverified'], {
      T: none,
    });
    assertClean(unsigned);
    assert.equal(unsigned.code, 2);
    assert.match(unsigned.err, /unsigned \(alg "none"\)/);
    const unverified = await runInProcess(dir, ['scan', '.', '--token-env', 'T'], { T: aliceToken });
    assertClean(unverified);
    assert.equal(unverified.code, 2);
    assert.match(unverified.err, /not verified.*--allow-unverified/);
    const allowed = await runInProcess(dir, ['scan', '.', '--token-env', 'T', '--allow-unverified'], {
      T: aliceToken,
    });
    assert.equal(allowed.code, 1, allowed.err);
  });

  it('finding 5: settings and .clearance.yaml that are links to /dev/zero, or a FIFO, give a clear error, not an endless read', async () => {
    const zero = makeRepo('zero');
    symlinkSync('/dev/zero', join(zero, '.vscode', 'settings.json'));
    const zeroYaml = makeRepo('zero-yaml');
    symlinkSync('/dev/zero', join(zeroYaml, '.clearance.yaml'));
    const fifo = makeRepo('fifo');
    execFileSync('mkfifo', [join(fifo, '.vscode', 'settings.json')]);
    const big = makeRepo('big');
    writeFileSync(join(big, '.vscode', 'settings.json'), `{"x": "${'a'.repeat(2 * 1024 * 1024)}"}`);
    for (const [dir, pattern] of [
      [zero, /settings\.json.*outside/],
      [zeroYaml, /\.clearance\.yaml.*outside/],
      [fifo, /settings\.json.*not a regular file/],
      [big, /settings\.json.*larger than 1 MB/],
    ] as const) {
      const run = await runCli(dir, ['scan', '.', ...ci.args], ci.env);
      assertClean(run);
      assert.equal(run.code, 2, run.err);
      assert.match(run.err, pattern);
    }
  });

  it('finding 7: whoami never prints a token held in iss or amr', async () => {
    const dir = makeRepo('whoami');
    const claims = {
      sub: 'mallory',
      iss: aliceToken,
      amr: [bobToken],
      exp: Math.floor(Date.now() / 1000) + 3600,
    };
    const token = `${b64({ alg: 'RS256' })}.${b64(claims)}.c2ln`;
    for (const flags of [[], ['--json']]) {
      const run = await runInProcess(dir, ['whoami', '--token-env', 'T', ...flags], { T: token });
      assertClean(run);
      assert.match(run.out, /mallory/);
    }
  });

  it('finding 7: policy eval never echoes a token given as a path, an input or a query', async () => {
    const dir = makeRepo('eval');
    for (const args of [
      ['policy', 'eval', '--input', aliceToken, 'data'],
      ['policy', 'eval', '--input', `/tmp/${aliceToken}`, 'data'],
      ['policy', 'eval', '-d', aliceToken, 'data'],
      ['policy', 'eval', aliceToken],
      ['policy', 'eval', '--format', 'pretty', aliceToken],
    ]) {
      const run = await runInProcess(dir, args);
      assertClean(run);
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.err}`);
    }
  });

  it('finding 8: exp 1e13, claims nested 20,000 deep and an unknown crit header each say what is wrong (exit 2)', async () => {
    const dir = makeRepo('silent');
    const now = Math.floor(Date.now() / 1000);
    const deep = `${b64({ alg: 'RS256' })}.${Buffer.from(`{"sub":"a","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`).toString('base64url')}.c2ln`;
    const cases: Array<[string, RegExp]> = [
      [`${b64({ alg: 'RS256' })}.${b64({ sub: 'a', exp: 1e13 })}.c2ln`, /"exp" is not a date/],
      [deep, /nests objects or lists deeper than 32/],
      [
        `${b64({ alg: 'RS256', crit: ['x-corp'], 'x-corp': 1 })}.${b64({ sub: 'a', exp: now + 60 })}.c2ln`,
        /"x-corp".*critical.*does not understand/,
      ],
    ];
    for (const [token, pattern] of cases) {
      for (const args of [
        ['scan', '.', '--token-env', 'T', '--jwks-file', jwksFile],
        ['whoami', '--token-env', 'T', '--jwks-file', jwksFile],
      ]) {
        const run = await runInProcess(dir, args, { T: token });
        assertClean(run);
        assert.equal(run.code, 2, `${args[0]}: ${run.err}`);
        assert.match(`${run.out}${run.err}`, pattern);
        assert.doesNotMatch(`${run.out}${run.err}`, /not supported/);
      }
    }
  });

  it("finding 8: an audit file that is a link is refused and its target's mode is unchanged", async () => {
    const dir = makeRepo('audit');
    const target = join(runner, 'shared.log');
    writeFileSync(target, 'x\n');
    chmodSync(target, 0o644);
    const link = join(base, 'audit-link.jsonl');
    symlinkSync(target, link);
    const run = await runCli(dir, ['scan', '.', '--audit-file', link, ...ci.args], ci.env);
    assertClean(run);
    assert.equal(statSync(target).mode & 0o777, 0o644);
    assert.equal(readFileSync(target, 'utf8'), 'x\n');
    assert.match(run.err, /symbolic link/);
  });
});
