/**
 * The workspace index's project pass: call sites of the project's own clients become calls after a
 * full run, an edit that changes a wrapper re-scans only the files that name it, and the scanner
 * applies the view to later scans of open documents.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkspaceIndex } from '../../../server/src/index/workspace-index';
import { createScanner } from '../../../server/src/scanner';

const root = mkdtempSync(join(tmpdir(), 'clearance-project-'));
after(() => rmSync(root, { recursive: true, force: true }));

const files: Record<string, string> = {
  'lib/http.ts': `export function send(path: string) {\n  return fetch(\`/api\${path}\`, { method: "POST" });\n}\n`,
  'features/orders.ts': "import { send } from '../lib/http';\nexport const submit = () => send('/orders');\n",
  'features/other.ts': "export const ping = () => fetch('/health');\n",
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

const urls = (index: WorkspaceIndex, file: string) =>
  index.files
    .get(join(root, file))
    ?.calls.map((call) => `${call.method} ${call.url.source} ${call.via?.name ?? '-'}`);

describe('the project pass in the workspace index', () => {
  const scanner = createScanner();
  const index = new WorkspaceIndex({ scanner, maxFiles: 100 });
  index.setRoots([root]);

  it('reports the call sites of a wrapper after a full run', async () => {
    await index.indexAll();
    assert.deepEqual(urls(index, 'features/orders.ts'), ['POST /api/orders send']);
    // The fetch inside the wrapper writes part of the URL itself, so it stays a call of its own.
    assert.deepEqual(urls(index, 'lib/http.ts'), [`POST /api\${path} -`]);
    assert.deepEqual(urls(index, 'features/other.ts'), ['GET /health -']);
  });

  it('re-scans only the files naming a wrapper an edit changed', async () => {
    const before = index.parseCount;
    await index.setOverlay(
      join(root, 'lib/http.ts'),
      `export function send(path: string) {\n  return fetch(\`/v2\${path}\`, { method: "PUT" });\n}\n`,
    );
    assert.deepEqual(urls(index, 'features/orders.ts'), ['PUT /v2/orders send']);
    // The edited file once and the one file that calls `send`: lib/http.ts only defines it, so the
    // project pass does not parse it again, and features/other.ts is not read again either.
    assert.equal(index.parseCount - before, 2);
  });

  it('applies the view to a later scan of an open document', async () => {
    const result = await scanner.scanText(
      join(root, 'features/new.ts'),
      "import { send } from '../lib/http';\nsend('/carts');\n",
    );
    assert.deepEqual(
      result.calls.map((call) => `${call.method} ${call.url.source}`),
      ['PUT /v2/carts'],
    );
  });
});
