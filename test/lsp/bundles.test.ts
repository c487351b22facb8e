/**
 * Bundles in the editor: the language server (over stdio, real LSP client) decides with the OPA
 * bundle its settings name, shows the bundle's revision in hovers, and picks up a new revision
 * served by a real nginx while the editor is open.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { writeTarGz } from '../../server/src/bundle/tar';
import type { PermissionsResponse } from '../../server/src/lsp/clearance-protocol';
import { type Nginx, startNginx } from '../unit/bundle/nginx';
import { hoverText, openDocument, startServer, type TestServer, until, untilAnswer } from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');
const GET_MARKER = `const response = await fetch(\`/api/orders/${['$', '{id}'].join('')}\`);`;

describe('language server: OPA bundles', () => {
  let root: string;
  let nginx: Nginx;
  const servers: TestServer[] = [];
  const policy = () => readFileSync(join(example, 'policy', 'authz.rego'));
  const identity = {
    tokenFile: 'identity/alice.jwt',
    jwksFile: 'identity/jwks.json',
    issuer: 'https://id.example.com',
    audience: 'clearance-demo',
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-bundles-'));
    cpSync(example, root, { recursive: true });
    await mintDemoIdentity({
      outDir: join(root, 'identity'),
      ttlSeconds: 15 * 60,
      users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    });
    nginx = await startNginx('unused-token-0123');
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await nginx.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function hoverOverGet(server: TestServer, expect: RegExp): Promise<string> {
    const text = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    const uri = await openDocument(server, join(root, 'src/api/orders.ts'), text, 'typescript');
    const line = text.split('\n').findIndex((l) => l.includes(GET_MARKER));
    const character = (text.split('\n')[line] as string).indexOf('fetch');
    let last = '';
    // Hovers are requests: asked again after each thing the server says (the bundle loads in the
    // background, and its load, log and re-decisions are news), until the expected version shows.
    return untilAnswer(
      server,
      `a hover matching ${expect}`,
      async () => {
        last = (await hoverText(server, uri, line, character)) ?? '';
        return expect.test(last) ? last : undefined;
      },
      undefined,
      () => `last hover:\n${last}`,
    );
  }

  it('decides with a bundle folder and shows its revision and hash in the hover', async () => {
    mkdirSync(join(root, 'bundle', 'api', 'authz'), { recursive: true });
    writeFileSync(join(root, 'bundle', '.manifest'), JSON.stringify({ revision: 'r42', roots: ['api'] }));
    writeFileSync(join(root, 'bundle', 'api', 'authz', 'authz.rego'), policy());
    const server = await startServer(root, { identity, policy: { bundles: ['bundle'] } });
    servers.push(server);
    const hover = await hoverOverGet(server, /version `r42 \(sha256:[0-9a-f]{12}\)`/);
    assert.match(hover, /\*\*Policy:\*\*/);
  });

  it('picks up a new revision from a bundle server while the editor is open', async () => {
    const publish = (revision: string, mtime: number, extra = '') => {
      const files = new Map([
        ['.manifest', Buffer.from(JSON.stringify({ revision, roots: ['api'] }))],
        ['api/authz/authz.rego', Buffer.concat([policy(), Buffer.from(extra)])],
      ]);
      const file = join(nginx.www, 'shop.tar.gz');
      writeFileSync(file, writeTarGz(files));
      utimesSync(file, mtime, mtime);
    };
    publish('100', 1_700_000_000);
    const server = await startServer(root, {
      identity,
      policy: {
        bundles: [`${nginx.origin}/shop.tar.gz`],
        bundleOrigins: [nginx.origin],
        bundlePollingSeconds: 5,
      },
    });
    servers.push(server);
    const impacts: Array<{ message: string; fromVersion: string; toVersion: string }> = [];
    server.connection.onNotification('clearance/impact', (p: (typeof impacts)[number]) => {
      impacts.push(p);
    });
    await hoverOverGet(server, /version `100 \(sha256:/);
    // The workspace index records the verdicts under revision 100 before the next one arrives: the
    // permissions are answered once its re-decision is done, and name the version they are of.
    await untilAnswer(server, 'the index decided with revision 100', async () => {
      const report = (await server.connection.sendRequest('clearance/permissions')) as PermissionsResponse;
      return report.state === 'ready' && /^100 \(sha256:/.test(report.policyVersion ?? '') ? true : undefined;
    });
    publish('101', 1_700_000_100, '\nallow if input.action == "delete"\n');
    await hoverOverGet(server, /version `101 \(sha256:/);
    await until(server, 'the impact of revision 101', () => (impacts.length > 0 ? true : undefined));
    assert.equal(impacts[0]?.message, '1 call newly allowed');
    assert.match(impacts[0]?.fromVersion ?? '', /^100 \(sha256:/);
    assert.match(impacts[0]?.toVersion ?? '', /^101 \(sha256:/);
  });
});
