// The shop example as the end-to-end tests open it: a temp copy with a fresh token for Alice.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { mergeWorkspaceSettings, repoRoot } from './harness';

/** Copies examples/shop to a temp folder with a fresh 15-minute token for Alice, and points its settings at it. */
export async function prepareWorkspace(): Promise<string> {
  const workspace = mkdtempSync(join(tmpdir(), 'clearance-shop-'));
  cpSync(join(repoRoot, 'examples', 'shop'), workspace, { recursive: true });
  await mintDemoIdentity({
    users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    outDir: join(workspace, 'minted'),
    ttlSeconds: 15 * 60,
  });
  mergeWorkspaceSettings(workspace, {
    'clearance.identity.tokenFile': 'minted/alice.jwt',
    'clearance.identity.jwksFile': 'minted/jwks.json',
  });
  return workspace;
}
