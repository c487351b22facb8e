/**
 * The desktop's reads of the documents `.clearance.yaml` names (server/src/files/remembered-files.ts):
 * a second read of the same configuration asks the file system nothing, `forget` makes the next one
 * ask again, what a read looked at is what the editor watches, answers no read uses are dropped, and
 * no more text than the bound is kept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProjectConfigIn } from '../../../server/src/config/clearance-yaml';
import type { FileAccess } from '../../../server/src/files/file-access';
import { MemoryFiles } from '../../../server/src/files/memory-files';
import { RememberedFiles } from '../../../server/src/files/remembered-files';

/** `files`, noting each question asked of it. */
function counted(files: MemoryFiles): FileAccess & { asked: string[] } {
  const asked: string[] = [];
  const note = <T>(question: string, answer: () => T): T => {
    asked.push(question);
    return answer();
  };
  return {
    asked,
    kindOf: (path) => note(`kind ${path}`, () => files.kindOf(path)),
    list: (dir) => note(`list ${dir}`, () => files.list(dir)),
    readText: (path, limit, options) => note(`read ${path}`, () => files.readText(path, limit, options)),
    contains: (root, path) => note(`contains ${path}`, () => files.contains(root, path)),
  };
}

const CONFIG = 'openapi: [api/a.yaml]\ngraphql:\n  documents: [q]\n';

function workspace(): MemoryFiles {
  const files = new MemoryFiles();
  files.set('/ws/api/a.yaml', 'openapi: 3.0.3\npaths:\n  /a: { get: { operationId: getA } }\n');
  files.set('/ws/q/one.graphql', 'query One { one }\n');
  files.set('/ws/q/deep/two.gql', 'query Two { two }\n');
  return files;
}

describe('RememberedFiles', () => {
  it('answers a second read of the same documents from memory, and asks again once forgotten', () => {
    const base = counted(workspace());
    const files = new RememberedFiles(base, 1_000_000);
    files.begin();
    const first = parseProjectConfigIn('/ws', CONFIG, files);
    const looked = files.end();
    assert.deepEqual(first.errors, []);
    assert.deepEqual([...looked.files].sort(), ['/ws/api/a.yaml', '/ws/q/deep/two.gql', '/ws/q/one.graphql']);
    assert.deepEqual(looked.folders, ['/ws/q', '/ws/q/deep']);
    const asked = base.asked.length;
    files.begin();
    const again = parseProjectConfigIn('/ws', `${CONFIG}# typed\n`, files);
    assert.deepEqual(again, first);
    assert.equal(base.asked.length, asked, 'nothing asked again');
    files.forget();
    files.begin();
    parseProjectConfigIn('/ws', CONFIG, files);
    assert.equal(base.asked.length, 2 * asked);
  });

  it('drops the answers a read did not use when pruned', () => {
    const base = counted(workspace());
    const files = new RememberedFiles(base, 1_000_000);
    files.begin();
    parseProjectConfigIn('/ws', CONFIG, files);
    files.begin();
    parseProjectConfigIn('/ws', 'openapi: [api/a.yaml]\n', files);
    assert.deepEqual(files.end(), { files: new Set(['/ws/api/a.yaml']), folders: [] });
    files.prune();
    const asked = base.asked.length;
    files.begin();
    parseProjectConfigIn('/ws', CONFIG, files);
    // The GraphQL folder is asked again; the OpenAPI document is not.
    const since = base.asked.slice(asked);
    assert.ok(since.includes('list /ws/q'), since.join(', '));
    assert.ok(!since.includes('read /ws/api/a.yaml'), since.join(', '));
  });

  it('keeps no more text than its bound: past it, a document is read each time', () => {
    const base = counted(workspace());
    // The GraphQL documents, read first (18 bytes each), fit in 40; a.yaml (59 bytes) does not, after them.
    const files = new RememberedFiles(base, 40);
    for (let round = 0; round < 2; round++) {
      files.begin();
      parseProjectConfigIn('/ws', CONFIG, files);
    }
    const reads = (path: string) => base.asked.filter((asked) => asked === `read ${path}`).length;
    assert.equal(reads('/ws/q/one.graphql'), 1);
    assert.equal(reads('/ws/api/a.yaml'), 2);
  });
});
