/**
 * The workspace index's first run on two scan workers (the background analysis worker and a scan
 * worker beside it, `CLEARANCE_SCAN_WORKERS=1`), through the real server over stdio: both workers
 * scan files, calls through the project's own wrapper are found across them, and two files too
 * large to scan within the scan deadline (`CLEARANCE_SCAN_DEADLINE_MS`) are stopped there and
 * reported, while every other file of the workspace is still indexed by the replaced workers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { PermissionsResponse } from '../../server/src/lsp/clearance-protocol';
import { shopIdentitySettings, waitFor } from './lsp-client';
import { useShopServer } from './shop-server';

/** Small files with one call each: enough that both workers get a share. */
const SMALL_FILES = 60;
/** The scan deadline the server runs with: far above a small file's scan, far below a large one's. */
const SCAN_DEADLINE_MS = 1000;

/** The project's own client: one function around `fetch` that takes the verb and the route. */
const apiTs = `const API_ROOT = '/api';

export function apiRequest(verb: string, route: string) {
  return fetch(API_ROOT + route, { method: verb });
}
`;

/** A caller of the wrapper in a folder of its own: the DELETE of an order, on line 3 (0-based). */
function caller(i: number): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's text holds a template literal.
  const call = "apiRequest('DELETE', `/orders/${id}`)";
  return `import { apiRequest } from '../lib/api';\n\nexport function removeOrder${i}(id: string) {\n  return ${call};\n}\n`;
}

/** Just under the 2 MB file limit of calls, each a statement of its own: seconds to scan. */
function largeFile(): string {
  const line = "  await fetch('/api/orders/' + id);\n";
  return `export async function many(id: string) {\n${line.repeat(Math.floor(1_900_000 / line.length))}}\n`;
}

/** Where each decided call of the report is, as `file:line` (0-based), relative to the root. */
function locations(report: PermissionsResponse, root: string): string[] {
  const prefix = pathToFileURL(root).href.length + 1;
  return report.resources
    .flatMap((r) => r.actions.flatMap((a) => a.decisions.flatMap((d) => d.locations)))
    .map((l) => `${l.uri.slice(prefix)}:${l.range.start.line}`)
    .sort();
}

describe('the first index on two scan workers', () => {
  const files: Record<string, string> = { 'src/lib/api.ts': apiTs };
  // Breadth-first, the large files come first: the workers that are stopped on them must go on.
  files['big/a-many.ts'] = largeFile();
  files['big/b-many.ts'] = largeFile();
  for (let i = 0; i < SMALL_FILES; i++)
    files[`src/area${i % 5}/file${i}.ts`] = `export const get${i} = () => fetch('/api/orders/${i}');\n`;
  for (let i = 0; i < 4; i++) files[`src/callers${i}/remove.ts`] = caller(i);
  // The shop's policy and identity; its own source is left out, so these files are the only ones.
  const suite = useShopServer({
    prefix: 'clearance-scan-workers-',
    files,
    withSource: false,
    settings: shopIdentitySettings,
    env: { CLEARANCE_SCAN_WORKERS: '1', CLEARANCE_SCAN_DEADLINE_MS: String(SCAN_DEADLINE_MS) },
  });

  it('shares the scans between both workers, stops the large files at the deadline and indexes the rest', async () => {
    const line = await waitFor(
      'the first index',
      () => suite.server.transcript.find((entry) => entry.startsWith('indexed ')),
      120_000,
    );
    const shares = /scans per worker: (\d+)\/(\d+)/.exec(line);
    assert.ok(shares, line);
    assert.ok(Number(shares[1]) > 0 && Number(shares[2]) > 0, `one worker scanned nothing: ${line}`);
    for (const name of ['a-many.ts', 'b-many.ts'])
      assert.ok(
        suite.server.transcript.some((entry) =>
          new RegExp(`parsing .*${name} took longer than 1 s; its worker was stopped`).test(entry),
        ),
        `${name} was not stopped at the deadline:\n${suite.server.transcript.join('\n')}`,
      );
    const report = (await suite.server.connection.sendRequest(
      'clearance/permissions',
    )) as PermissionsResponse;
    assert.equal(report.state, 'ready');
    assert.equal(report.files, Object.keys(files).length);
    const expected = [
      ...Array.from({ length: SMALL_FILES }, (_, i) => `src/area${i % 5}/file${i}.ts:0`),
      ...Array.from({ length: 4 }, (_, i) => `src/callers${i}/remove.ts:3`),
    ].sort();
    assert.deepEqual(locations(report, suite.root), expected);
  });
});
