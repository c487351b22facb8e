/**
 * Table-driven tests of the pure mappings: method to action, URL to resource, plural to singular,
 * path to language. The tables live in test/fixtures/scanner/mapping.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  actionForMethod,
  languageForPath,
  resourceForUrl,
  type UrlSegment,
  type UrlTemplate,
} from '../../../server/src/scanner';
import { isPluralWord, singularize } from '../../../server/src/scanner/singular';

const TABLES = path.join(__dirname, '..', '..', 'fixtures', 'scanner', 'mapping');

function readTable<T>(name: string): T {
  return parse(readFileSync(path.join(TABLES, name), 'utf8')) as T;
}

// Test data writes URLs like template literal text; `${...}` (without nested braces) interpolates.
function buildTemplate(text: string, unknown: boolean): UrlTemplate {
  if (unknown) return { source: text, segments: [{ kind: 'expr', source: text }], known: false };
  const segments: UrlSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (match.index > last) segments.push({ kind: 'literal', text: text.slice(last, match.index) });
    segments.push({ kind: 'expr', source: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'literal', text: text.slice(last) });
  return { source: text, segments, known: true };
}

test('actionForMethod follows the method table', () => {
  const table = readTable<Record<string, string | null>>('actions.yaml');
  for (const [method, action] of Object.entries(table)) {
    assert.equal(actionForMethod(method), action ?? undefined, `method ${JSON.stringify(method)}`);
  }
  assert.equal(actionForMethod(undefined), undefined);
});

for (const entry of readTable<Array<{ url: string; unknown?: boolean; resource: unknown }>>(
  'resources.yaml',
)) {
  test(`resourceForUrl ${JSON.stringify(entry.url)}${entry.unknown ? ' (unknown)' : ''}`, () => {
    const resource = resourceForUrl(buildTemplate(entry.url, entry.unknown === true));
    assert.deepEqual(resource ?? null, entry.resource);
  });
}

test('singularize and isPluralWord follow the word table', () => {
  for (const [plural, singular, isPlural] of readTable<Array<[string, string, boolean]>>('singulars.yaml')) {
    assert.equal(singularize(plural), singular, `singular of ${plural}`);
    assert.equal(isPluralWord(plural), isPlural, `is ${plural} plural`);
  }
});

test('languageForPath follows the extension table', () => {
  for (const [file, language] of Object.entries(readTable<Record<string, string | null>>('languages.yaml'))) {
    assert.equal(languageForPath(file), language ?? undefined, `language of ${file}`);
  }
});
