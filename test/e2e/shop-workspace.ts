// The shop example as the end-to-end tests open it: a temp copy with a fresh token for Alice.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { repoRoot } from './harness';

/** Copies examples/shop to a temp folder with a fresh 15-minute token for Alice, and points its settings at it. */
export async function prepareWorkspace(): Promise<string> {
  const workspace = mkdtempSync(join(tmpdir(), 'clearance-shop-'));
  cpSync(join(repoRoot, 'examples', 'shop'), workspace, { recursive: true });
  await mintDemoIdentity({
    users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    outDir: join(workspace, 'minted'),
    ttlSeconds: 15 * 60,
  });
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  settings['clearance.identity.tokenFile'] = 'minted/alice.jwt';
  settings['clearance.identity.jwksFile'] = 'minted/jwks.json';
  writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  return workspace;
}
