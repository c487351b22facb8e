/**
 * Guards the project pass against a generated Python client whose every method calls a helper of
 * its own class (`self.conn_N = self.connect(...)`, `self._get(...)`): the class's methods are read
 * once per class and file, not once per call. Before, each call read every method of its class, so
 * a file of 2,500 such methods took 20 s of CPU and one of 10,000 did not finish. The work is
 * counted (class bodies read), not timed: a file of N methods and one of 2N read the same classes.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScanner } from '../../../server/src/scanner';
import { classMethodReads } from '../../../server/src/scanner/project/method-helpers';
import { scanProject } from '../../../server/src/scanner/project/scan-project';

// A client of `methods` endpoint methods in two classes, each calling helpers of its own class.
function generatedClient(methods: number): string {
  const lines = [
    'import requests',
    '',
    '',
    'class Service:',
    '    def __init__(self, base):',
    '        self.base = base',
    '        self.session = requests.Session()',
    '',
    '    def connect(self, name):',
    '        return requests.Session()',
    '',
    '    def _get(self, path):',
    '        return self.session.get(self.base + path)',
  ];
  for (let i = 0; i < methods; i++) {
    lines.push(
      '',
      `    def op_${i}(self, name):`,
      `        self.conn_${i} = self.connect("c${i}")`,
      `        return self._get(f"/v1/items${i}/{name}")`,
    );
  }
  lines.push('', '', 'class Other:', '    def ping(self):', '        return self._get("/ping")', '');
  return lines.join('\n');
}

async function readsFor(methods: number): Promise<{ reads: number; calls: number }> {
  const text = generatedClient(methods);
  const before = classMethodReads.count;
  const results = await scanProject(createScanner(), [{ file: 'client.py', read: () => text }]);
  const calls = [...results.values()].reduce((sum, result) => sum + result.calls.length, 0);
  return { reads: classMethodReads.count - before, calls };
}

test('a class’s helper methods are read once per class, however many calls use them', async () => {
  const small = await readsFor(100);
  const large = await readsFor(200);
  // The helper calls are found (the index changes no found call), one per endpoint method.
  assert.ok(small.calls >= 100, `${small.calls} calls in the 100-method file`);
  assert.ok(large.calls >= 200, `${large.calls} calls in the 200-method file`);
  assert.ok(small.reads > 0, 'the helper index was not used');
  assert.equal(
    large.reads,
    small.reads,
    `class bodies read: ${small.reads} for 100 methods, ${large.reads} for 200`,
  );
});
