/**
 * No token leaves Clearance: the language server (driven over stdio) and the built CLI go through
 * every identity scenario, hostile ones included, and every line they write (log messages, the
 * output channel, notifications, diagnostics, hovers, standard output and error) and every file
 * that appears in the workspace is searched for each token and for any 12-character run of it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  encodePart,
  makeAliceClaims,
  makeHs256WithPublicKey,
  makeJwks,
  makeKey,
  makeUnsignedToken,
  signToken,
  tamperPayload,
} from '../unit/identity/fixtures';
import { openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');
const cli = join(__dirname, '..', '..', 'bin', 'clearance.js');
const FRAGMENT = 12;

/** One scenario: the editor's identity settings, the CLI's flags, and the tokens it involves. */
interface Scenario {
  name: string;
  settings: Record<string, unknown>;
  flags: string[];
  tokens: string[];
}

/** Every file under `dir` with its modification time. */
function listFiles(dir: string): Map<string, number> {
  const files = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path, statSync(path).mtimeMs);
  }
  return files;
}

function findLeak(text: string, token: string): string | undefined {
  if (text.includes(token)) return 'the whole token';
  for (const part of token.split('.')) {
    for (let start = 0; start + FRAGMENT <= part.length; start += 3) {
      const fragment = part.slice(start, start + FRAGMENT);
      // Runs of one repeated letter (the padding of the 1 MB token) are not the token's own text.
      if (/^(.)\1+$/.test(fragment)) continue;
      if (text.includes(fragment)) return `the fragment ${fragment}`;
    }
  }
  return undefined;
}

function runCli(cwd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (_e, out, err) => resolve(`${out}\n${err}`),
    );
  });
}

describe('no token in any log line, output line, notification or file', () => {
  let root: string;
  let server: TestServer;
  const scenarios: Scenario[] = [];
  const cliOutput: string[] = [];
  let filesBefore: Map<string, number>;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-no-leak-'));
    cpSync(example, root, { recursive: true });
    const key = await makeKey('leak-key');
    writeFileSync(join(root, 'keys.json'), JSON.stringify(makeJwks(key)));
    const iss = 'https://id.test.example';
    const keys = { jwksFile: 'keys.json', issuer: iss, audience: 'clearance-test' };
    // Real time, not the fixtures' fixed 2030 clock: the server and the CLI read the system clock.
    const nowSeconds = Math.floor(Date.now() / 1000);
    const live = (overrides: Record<string, unknown> = {}) =>
      makeAliceClaims({ iat: nowSeconds - 600, exp: nowSeconds + 3600, ...overrides });
    const good = await signToken(live(), key);
    const write = (name: string, text: string) => {
      writeFileSync(join(root, name), text);
      return name;
    };
    const script = (name: string, body: string) => write(name, body);
    const add = (name: string, settings: Record<string, unknown>, flags: string[], tokens: string[]) =>
      scenarios.push({ name, settings: { ...keys, ...settings }, flags, tokens });
    const fromFile = async (name: string, token: string) =>
      add(
        name,
        { tokenFile: write(`${name.replace(/\W+/g, '-')}.jwt`, token) },
        ['--token-file', `${name.replace(/\W+/g, '-')}.jwt`],
        [token],
      );

    await fromFile('verified', good);
    await fromFile('expired', await signToken(live({ exp: nowSeconds - 7200 }), key));
    await fromFile('alg none', makeUnsignedToken(live(), 'leak-key'));
    await fromFile('HS256 with the public key', await makeHs256WithPublicKey(live(), key));
    await fromFile('wrong issuer', await signToken(live({ iss: 'https://evil.example' }), key));
    await fromFile('tampered', tamperPayload(good, live({ role: 'admin' })));
    await fromFile('unknown kid', await signToken(live(), await makeKey('other')));
    await fromFile('garbage', `${good.slice(0, 20)}!!!.${good.slice(30)}`);
    await fromFile('1 MB', `${good}${'A'.repeat(1024 * 1024)}`);
    await fromFile('a token as name', await signToken(live({ name: good }), key));
    const outer = `${encodePart({ alg: 'ES256' })}.${encodePart({ sub: 'alice', email: good })}.c2lnbmF0dXJl`;
    add(
      'a token inside an unverified token',
      { jwksFile: '', issuer: '', tokenFile: write('outer.jwt', outer) },
      ['--token-file', 'outer.jwt', '--issuer', ''],
      [outer, good],
    );
    add('a token pasted as the token file path', { tokenFile: good }, ['--token-file', good], [good]);
    add(
      'a token pasted as the environment variable name',
      { tokenEnv: good, tokenFile: '' },
      ['--token-env', good],
      [good],
    );
    const printer = script(
      'print-token.js',
      `process.stdout.write(JSON.stringify({ token: ${JSON.stringify(good)}, expires_at: 4102444800 }))`,
    );
    add(
      'token command',
      { tokenCommand: [process.execPath, join(root, printer)] },
      ['--token-command', `${process.execPath} ${join(root, printer)}`],
      [good],
    );
    const failer = script(
      'fail-token.js',
      `process.stderr.write('could not refresh ' + ${JSON.stringify(good)} + '\\n'); process.stdout.write(${JSON.stringify(good)}); process.exit(1)`,
    );
    add(
      'a failing token command that prints the token',
      { tokenCommand: [process.execPath, join(root, failer)] },
      ['--token-command', `${process.execPath} ${join(root, failer)}`],
      [good],
    );
    const wordy = script('wordy-token.js', `process.stdout.write('token: ' + ${JSON.stringify(good)})`);
    add(
      'a token command that prints the token among words',
      { tokenCommand: [process.execPath, join(root, wordy)] },
      ['--token-command', `${process.execPath} ${join(root, wordy)}`],
      [good],
    );
    write('claims-with-token.yaml', `sub: sam\nname: ${good}\nroles: [support]\n`);
    add(
      'evaluate-as claims holding a token',
      { claimsFile: 'claims-with-token.yaml' },
      ['--claims-file', 'claims-with-token.yaml'],
      [good],
    );

    filesBefore = listFiles(root);
    server = await startServer(root, { identity: { tokenFile: 'verified.jwt', ...keys } });
    const ordersText = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    await openDocument(server, join(root, 'src/api/orders.ts'), ordersText, 'typescript');
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('drives the language server through every scenario', async () => {
    const statuses = new Set<string>();
    for (const scenario of scenarios) {
      const seen = server.identities.length;
      server.settings = { identity: scenario.settings };
      await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      const view = await waitFor(`identity for ${scenario.name}`, () => server.identities[seen]);
      statuses.add(view.status);
      await server.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: `file://${join(root, 'src/api/orders.ts')}` },
        position: { line: 12, character: 26 },
      });
    }
    assert.deepEqual([...statuses].sort(), [
      'expired',
      'invalid',
      'missing',
      'simulated',
      'unverified',
      'verified',
    ]);
  });

  it('runs the CLI through every scenario, as text and as JSON', async () => {
    for (const scenario of scenarios) {
      for (const command of [['whoami'], ['whoami', '--json'], ['scan', '.', '--format', 'json']]) {
        cliOutput.push(
          `${scenario.name} ${command.join(' ')}:\n${await runCli(root, [...command, ...scenario.flags], {})}`,
        );
      }
    }
    assert.equal(cliOutput.length, scenarios.length * 3);
  });

  it('finds no token in the server transcript, the CLI output or any file written', () => {
    const written = [...listFiles(root)].filter(([path, mtime]) => filesBefore.get(path) !== mtime);
    const texts: Array<[string, string]> = [
      ['the server transcript', server.transcript.join('\n')],
      ['the CLI output', cliOutput.join('\n')],
      ...written.map(([path]): [string, string] => [relative(root, path), readFileSync(path, 'utf8')]),
    ];
    assert.ok(server.transcript.length > scenarios.length);
    for (const scenario of scenarios) {
      for (const token of scenario.tokens) {
        for (const [where, text] of texts) {
          const leak = findLeak(text, token);
          assert.equal(leak, undefined, `${scenario.name}: ${leak} appears in ${where}`);
        }
      }
    }
  });
});
