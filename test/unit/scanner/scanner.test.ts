/**
 * The scanner as a whole: runtime initialisation, limits, failure paths, line endings, speed and
 * robustness on arbitrary input. Call recognition itself is covered by scan-fixtures.test.ts.
 */

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { createScanner, type HttpCall, type ScanResult } from '../../../server/src/scanner';

const scanner = createScanner();

function countCalls(result: ScanResult): number {
  assert.deepEqual(result.errors, []);
  return result.calls.length;
}

// Runs first in this file, so the three languages' first scans race to initialise the runtime.
test('concurrent first scans share one initialisation', async () => {
  const fresh = createScanner();
  const results = await Promise.all([
    fresh.scanText('a.ts', "fetch('/a');"),
    fresh.scanText('b.tsx', "const x = <div onClick={() => fetch('/b')} />;"),
    fresh.scanText('c.js', "fetch('/c');"),
    fresh.scanText('d.ts', "fetch('/d');"),
  ]);
  assert.deepEqual(
    results.map((result) => result.calls.map((call) => call.url.source)),
    [['/a'], ['/b'], ['/c'], ['/d']],
  );
});

test('a file over the size limit is skipped with one error, before any parse', async () => {
  const text = `fetch('/api/orders');\n${'x'.repeat(10_000_000 - 22)}\n`;
  // A scanner whose grammars are nowhere: a parse (even a started one) would report scanner_unavailable.
  const noGrammars = createScanner({ wasmDir: mkdtempSync(join(tmpdir(), 'clearance-no-wasm-')) });
  const result = await noGrammars.scanText('/src/huge.ts', text);
  assert.deepEqual(result, {
    calls: [],
    errors: [
      {
        code: 'file_too_large',
        message: 'skipped: 10.0 MB is over the 2.0 MB scan limit',
        location: {
          file: '/src/huge.ts',
          start: { line: 1, column: 1, offset: 0 },
          end: { line: 1, column: 1, offset: 0 },
        },
      },
    ],
  });
});

test('the size limit counts UTF-8 bytes and can be changed', async () => {
  // 600k ☕ is 1.8 MB of UTF-8; 700k is 2.1 MB although only 700k UTF-16 code units.
  assert.equal(countCalls(await scanner.scanText('a.ts', `fetch('/a'); // ${'☕'.repeat(600_000)}`)), 1);
  const over = await scanner.scanText('a.ts', `fetch('/a'); // ${'☕'.repeat(700_000)}`);
  assert.equal(over.calls.length, 0);
  assert.equal(over.errors[0]?.code, 'file_too_large');
  const small = createScanner({ maxFileBytes: 10 });
  const result = await small.scanText('a.ts', "fetch('/api/orders');");
  assert.deepEqual(
    result.errors.map((error) => [error.code, error.message]),
    [['file_too_large', 'skipped: 21 bytes is over the 10 bytes scan limit']],
  );
});

// Speed is measured by `npm run bench -- scan-project` (a file of 100,000 calls against parse-only);
// these tests keep what must be found. The parse timeout is raised so that a busy machine cannot
// turn a slow parse into a `scan_timeout` and fail them.
const patient = createScanner({ parseTimeoutMs: 600_000, maxFileBytes: 10_000_000 });

test('a 1.9 MB file with thousands of calls: every call found, none from comments', async () => {
  const { text, expected } = generateClient(1_900_000);
  const quiet = generateClient(1_900_000, false).text;
  const result = await patient.scanText('big.ts', text);
  assert.deepEqual(result.errors, []);
  assert.equal(countCalls(result), expected);
  assert.ok(result.calls.every((call) => call.method === 'PATCH' && call.url.known));
  assert.equal(countCalls(await patient.scanText('quiet.ts', quiet)), 0);
});

// Regression: each word hit used to restart its tree search from the first statement of the file,
// so 10,000 top-level calls took 18 s (the bench's 100,000-call file measures it now).
test('a file of 40,000 top-level calls: every call found', async () => {
  const count = 40_000;
  const lines = Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? `fetch('/api/orders/${i}');` : `axios.get('/api/items/' + id${i});`,
  );
  const result = await patient.scanText('flat.ts', `import axios from 'axios';\n${lines.join('\n')}\n`);
  assert.deepEqual(result.errors, []);
  assert.equal(countCalls(result), count);
});

test('calls survive when an early syntax error makes the rest of the file one ERROR node', async () => {
  const { text, expected } = generateClient(200_000);
  const broken = `class Broken {\n  render( {\n${text}`;
  const result = await patient.scanText('broken.ts', broken);
  assert.equal(countCalls(result), expected);
});

test('files in a language the scanner does not parse are refused as data', async () => {
  const result = await scanner.scanText('/src/App.java', "fetch('/a')");
  assert.deepEqual(
    result.errors.map((error) => error.code),
    ['unsupported_language'],
  );
  assert.deepEqual(result.calls, []);
  const bogus = await scanner.scanText('a.ts', "fetch('/a')", 'cobol' as never);
  assert.deepEqual(
    bogus.errors.map((error) => error.code),
    ['unsupported_language'],
  );
  const notText = await scanner.scanText('a.ts', 42 as never);
  assert.deepEqual(
    notText.errors.map((error) => error.code),
    ['invalid_input'],
  );
});

test('an explicit language overrides the file name', async () => {
  const result = await scanner.scanText(
    'untitled:Untitled-1',
    "fetch('/a', { method: 'put' })",
    'javascript',
  );
  assert.deepEqual(
    result.calls.map((call) => call.method),
    ['PUT'],
  );
});

test('missing wasm files give an error, not an exception', async () => {
  const broken = createScanner({ wasmDir: '/nonexistent/wasm' });
  const result = await broken.scanText('a.ts', "fetch('/a')");
  assert.deepEqual(result.calls, []);
  assert.deepEqual(
    result.errors.map((error) => error.code),
    ['scanner_unavailable'],
  );
  assert.match(result.errors[0]?.message ?? '', /nonexistent/);
});

test('an explicit wasm folder holding the files works', async () => {
  const folder = require('node:path').dirname(require.resolve('tree-sitter-wasms/package.json'));
  const explicit = createScanner({ wasmDir: require('node:path').join(folder, 'out') });
  assert.equal(countCalls(await explicit.scanText('a.js', "fetch('/a')")), 1);
});

test('a parse that overruns its time gives scan_timeout, and the scanner still works after', async () => {
  const { text } = generateClient(1_500_000);
  const hurried = createScanner({ parseTimeoutMs: 1 });
  const result = await hurried.scanText('slow.ts', text);
  assert.deepEqual(
    result.errors.map((error) => error.code),
    ['scan_timeout'],
  );
  assert.equal(countCalls(await scanner.scanText('a.ts', "fetch('/a')")), 1);
});

test('lines break at \\r\\n, \\n and a lone \\r, as in VS Code', async () => {
  const text = "const a = 1;\r\nconst b = 2;\rconst c = 3;\n  fetch('/x');\r\n\r\n    window.fetch('/y');";
  const result = await scanner.scanText('a.js', text);
  assert.deepEqual(
    result.calls.map((call) => [call.calleeLocation.start.line, call.calleeLocation.start.column]),
    [
      [4, 3],
      [6, 12],
    ],
  );
  assert.deepEqual(
    result.calls.map((call) => text.slice(call.calleeLocation.start.offset, call.calleeLocation.end.offset)),
    ['fetch', 'fetch'],
  );
});

test('a long call keeps 200 characters of its text', async () => {
  const body = 'x'.repeat(300);
  const result = await scanner.scanText('a.ts', `fetch('/api/items', { method: 'POST', body: '${body}' });`);
  const text = result.calls[0]?.text ?? '';
  assert.equal(text.length, 200);
  assert.ok(text.startsWith("fetch('/api/items', { method: 'POST', body: 'xxx"));
  assert.ok(text.endsWith('…'));
});

// Arbitrary mixes of code-like tokens: the scanner must never throw, hang or report nonsense.
test('arbitrary input never breaks the scanner', async () => {
  const token = fc.constantFrom(
    'fetch',
    'fetch(',
    "fetch('/api/orders/1')",
    'window.',
    'cache.',
    '(',
    ')',
    '{',
    '}',
    "'",
    '"',
    '`',
    '${',
    '//',
    '/*',
    '*/',
    '\n',
    '\r',
    '\r\n',
    ' ',
    ',',
    ';',
    'method:',
    "'DELETE'",
    'const fetch = 1;',
    'function',
    '=>',
    '<div>',
    '</div>',
    'é',
    '𝄞',
    '☕',
    '\u2028',
    '\\',
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(token, { maxLength: 60 }).map((tokens) => tokens.join('')),
      fc.constantFrom('a.ts', 'a.tsx', 'a.js'),
      async (text, file) => {
        const result = await scanner.scanText(file, text);
        assert.deepEqual(result.errors, []);
        for (const call of result.calls) checkCall(call, text);
      },
    ),
    { numRuns: 300 },
  );
});

function checkCall(call: HttpCall, text: string): void {
  assert.equal(text.slice(call.calleeLocation.start.offset, call.calleeLocation.end.offset), 'fetch');
  assert.ok(call.location.start.offset <= call.calleeLocation.start.offset);
  assert.ok(call.location.end.offset <= text.length);
  assert.ok(call.method === undefined || call.method === call.method.toUpperCase());
}

// A client module of about `size` characters; with `withCalls` false the fetch calls become calls of
// another function, so the file costs the same to parse but holds no calls.
function generateClient(size: number, withCalls = true): { text: string; expected: number } {
  const parts: string[] = ["import type { Item } from './types';\n\n"];
  let length = parts[0]?.length ?? 0;
  let expected = 0;
  const callee = withCalls ? 'fetch' : 'fetcH';
  while (length < size - 400) {
    const i = expected;
    const part =
      `/** Updates item ${i}; fetch('/api/ignored/${i}') in a comment is not a call. */\n` +
      `export async function updateItem${i}(id: string, patch: Partial<Item>): Promise<Item> {\n` +
      `  const response = await ${callee}(\`/api/orders/\${id}/items/${i}\`, {\n` +
      `    method: 'PATCH',\n` +
      `    headers: { 'Content-Type': 'application/json' },\n` +
      `    body: JSON.stringify(patch),\n` +
      `  });\n` +
      `  return (cache.fetch('item-${i}') as Item | undefined) ?? ((await response.json()) as Item);\n` +
      `}\n\n`;
    parts.push(part);
    length += part.length;
    expected++;
  }
  return { text: parts.join(''), expected: withCalls ? expected : 0 };
}
