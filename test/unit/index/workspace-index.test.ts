/** The workspace index: incremental re-parsing, deletions, overlays, size limits, multi-root, bad input. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { WorkspaceIndex } from '../../../server/src/index/workspace-index';
import { createScanner, type Scanner } from '../../../server/src/scanner';

const scanner = createScanner();
const folders: string[] = [];

function makeFolder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'clearance-index-'));
  folders.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function makeIndex(
  roots: string[],
  options: { maxFiles?: number; maxFileBytes?: number; scanner?: Scanner } = {},
) {
  const index = new WorkspaceIndex({
    scanner: options.scanner ?? scanner,
    maxFiles: options.maxFiles ?? 1000,
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
  });
  index.setRoots(roots);
  return index;
}

const get = (n: number) => `export const f${n} = () => fetch('/api/orders/${n}');\n`;
const del = "export const d = () => fetch('/api/orders/1', { method: 'DELETE' });\n";

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the workspace index', () => {
  it('does not keep a scan by a scanner replaced while it ran (a new client mapping)', async () => {
    const root = makeFolder({ 'src/a.ts': del });
    const file = join(root, 'src/a.ts');
    // The old scanner finds nothing and answers only when told; the new one is the real scanner.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const scanning = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const old: Scanner = {
      ...scanner,
      scanText: async () => {
        entered();
        await held;
        return { calls: [], errors: [] };
      },
    };
    const index = makeIndex([root], { scanner: old });
    const running = index.updateFile(file);
    await scanning;
    index.setScanner(scanner);
    release();
    assert.equal(await running, 'unchanged');
    await index.indexAll();
    assert.equal(index.files.get(file)?.calls[0]?.method, 'DELETE');
  });

  it('scans a file again after its parse timed out, on disk and in an open editor', async () => {
    const root = makeFolder({ 'src/a.ts': del });
    const file = join(root, 'src/a.ts');
    let timeouts = 2;
    // The real scanner, except that its first two parses stop at the time limit (as on a loaded machine).
    const slowFirst: Scanner = {
      ...scanner,
      scanText: async (...args: Parameters<Scanner['scanText']>) => {
        if (timeouts-- <= 0) return scanner.scanText(...args);
        const start = { line: 1, column: 1, offset: 0 };
        const location = { file: args[0], start, end: start };
        return {
          calls: [],
          errors: [{ code: 'scan_timeout', message: 'skipped: parsing took longer', location }],
        };
      },
    };
    const index = makeIndex([root], { scanner: slowFirst });
    await index.indexAll();
    assert.equal(index.files.get(file)?.calls.length, 0);
    assert.equal(await index.updateFile(file), 'parsed');
    assert.equal(index.files.get(file)?.calls.length, 0);
    assert.equal(await index.setOverlay(file, del), 'parsed');
    assert.equal(index.files.get(file)?.calls.length, 1);
    assert.equal(await index.updateFile(file), 'unchanged');
  });

  it('leaves out what .gitignore and .clearance.yaml exclude name, in the walk and for opened files', async () => {
    const root = makeFolder({
      'src/a.ts': get(1),
      'src/generated/api.ts': get(2),
      'scratch/try.ts': get(3),
      '.gitignore': 'scratch/\n',
      '.clearance.yaml': 'exclude: [src/generated/]\n',
    });
    const index = makeIndex([root]);
    await index.indexAll();
    assert.deepEqual([...index.files.keys()], [join(root, 'src/a.ts')]);
    assert.equal(index.isIndexable(join(root, 'scratch/new.ts')), false);
    assert.equal(index.isIndexable(join(root, 'src/b.ts')), true);
  });

  it('indexes every folder of a multi-root workspace and skips dependency and build folders', async () => {
    const a = makeFolder({
      'src/a.ts': get(1),
      'node_modules/lib/index.js': get(2),
      'dist/out.js': get(3),
      '.git/hooks/x.js': get(4),
      'README.md': 'fetch("/api/x")',
    });
    const b = makeFolder({ 'web/b.jsx': get(5), 'web/c.tsx': get(6) });
    const index = makeIndex([a, b]);
    const result = await index.indexAll();
    assert.deepEqual(
      [...index.files.keys()].sort(),
      [join(a, 'src/a.ts'), join(b, 'web/b.jsx'), join(b, 'web/c.tsx')].sort(),
    );
    assert.equal(result.parsed, 3);
    assert.equal(index.listCalls().length, 3);
    assert.equal(index.isIndexable(join(a, 'node_modules/lib/y.ts')), false);
    assert.equal(index.isIndexable(join(a, '..', 'elsewhere.ts')), false);
  });

  it('re-parses only the files whose content changed', async () => {
    const root = makeFolder({ 'a.ts': get(1), 'b.ts': get(2), 'c.ts': get(3) });
    const index = makeIndex([root]);
    await index.indexAll();
    assert.equal(index.parseCount, 3);
    await index.indexAll();
    assert.equal(index.parseCount, 3, 'an unchanged workspace is not re-parsed');
    writeFileSync(join(root, 'b.ts'), get(2) + del);
    await index.indexAll();
    assert.equal(index.parseCount, 4, 'only the edited file is re-parsed');
    assert.equal(index.files.get(join(root, 'b.ts'))?.calls.length, 2);
    // Touched with the same content (a save without edits): its hash is unchanged, so no parse.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, 'c.ts'), later, later);
    assert.equal(await index.updateFile(join(root, 'c.ts')), 'unchanged');
    assert.equal(index.parseCount, 4);
  });

  it('drops deleted files, and every file under a deleted folder from its one event', async () => {
    const root = makeFolder({ 'a.ts': get(1), 'api/b.ts': get(2), 'api/deep/c.ts': get(3) });
    const index = makeIndex([root]);
    await index.indexAll();
    unlinkSync(join(root, 'a.ts'));
    assert.equal(await index.updateFile(join(root, 'a.ts')), 'removed');
    rmSync(join(root, 'api'), { recursive: true });
    assert.equal(index.removePath(join(root, 'api')), true);
    assert.equal(index.files.size, 0);
    writeFileSync(join(root, 'new.ts'), get(4));
    await index.indexAll();
    assert.deepEqual([...index.files.keys()], [join(root, 'new.ts')]);
  });

  it('scans an open document from its text, and goes back to the disk when it closes', async () => {
    const root = makeFolder({ 'a.ts': get(1) });
    const path = join(root, 'a.ts');
    const index = makeIndex([root]);
    await index.indexAll();
    assert.equal(await index.setOverlay(path, get(1) + del), 'parsed');
    assert.equal(index.files.get(path)?.calls.length, 2);
    assert.equal(await index.setOverlay(path, get(1) + del), 'unchanged');
    await index.indexAll();
    assert.equal(index.files.get(path)?.calls.length, 2, 'a full run keeps the open text');
    assert.equal(await index.clearOverlay(path), 'parsed');
    assert.equal(index.files.get(path)?.calls.length, 1);
    assert.equal(index.parseCount, 3);
  });

  it('drops the calls of a file that grows past the size limit, without reading it', async () => {
    const root = makeFolder({ 'a.ts': get(1) });
    const path = join(root, 'a.ts');
    const index = makeIndex([root], { maxFileBytes: 4096 });
    await index.indexAll();
    assert.equal(index.files.get(path)?.calls.length, 1);
    writeFileSync(path, `${get(1)}// ${'x'.repeat(5000)}\n`);
    await index.indexAll();
    const entry = index.files.get(path);
    assert.deepEqual(entry?.calls, []);
    assert.equal(entry?.errors[0]?.code, 'file_too_large');
    assert.equal(index.parseCount, 1, 'the large file was not scanned');
  });

  it('stops at the file limit and says so', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`f${String(i).padStart(2, '0')}.ts`] = get(i);
    const index = makeIndex([makeFolder(files)], { maxFiles: 5 });
    const result = await index.indexAll();
    assert.equal(result.truncated, true);
    assert.equal(index.files.size, 5);
  });

  it('survives a file deleted while the scan runs, a folder named like a source file, and a stopped run', async () => {
    const files: Record<string, string> = { 'c.ts/inner.ts': get(3) };
    for (let i = 0; i < 10; i++) files[`f${i}.ts`] = get(i);
    const root = makeFolder(files);
    let deleted = false;
    const deleting: Scanner = {
      scanText: async (file, text, language) => {
        if (!deleted) {
          deleted = true;
          unlinkSync(join(root, 'f9.ts'));
        }
        return scanner.scanText(file, text, language);
      },
    };
    const index = makeIndex([root], { scanner: deleting });
    await index.indexAll();
    assert.equal(index.files.has(join(root, 'f9.ts')), false, 'the file deleted mid-scan is not indexed');
    assert.equal(index.files.size, 10);
    assert.ok(index.files.has(join(root, 'c.ts/inner.ts')));
    assert.equal(await index.updateFile(join(root, 'c.ts')), 'unchanged');
    let calls = 0;
    const stopped = await makeIndex([root]).indexAll(undefined, () => ++calls > 1);
    assert.equal(stopped.cancelled, true);
  });
});
