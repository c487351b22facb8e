/**
 * Guards the readings the scanner takes from a clean tree's text or offsets instead of asking the
 * tree, against the tree's own answer, on every JavaScript/TypeScript file under
 * test/fixtures/scanner and on templates written to catch a wrong cut (escaped `${`, runs of
 * backslashes, spaced and non-word substitutions, nested templates, a tree with errors):
 * - `readLiteral` of every template literal gives the segments its children give (literal text
 *   between substitutions, each substitution's first named child);
 * - `isFirstFieldChild` of each child of every call and member expression answers as comparing the
 *   child with `childForFieldName('function' | 'object')`.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { listSourceFiles } from '../../../server/src/decision/scan';
import { languageForPath } from '../../../server/src/scanner/languages';
import { loadParser } from '../../../server/src/scanner/runtime';
import {
  decodeEscapes,
  isFirstFieldChild,
  isSameNode,
  readLiteral,
  sliceNode,
} from '../../../server/src/scanner/syntax';
import type { ScanLanguage, UrlSegment } from '../../../server/src/scanner/types';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'scanner');
const FIRST_FIELDS: Readonly<Record<string, string>> = {
  call_expression: 'function',
  member_expression: 'object',
};

// Templates whose text reading could go wrong, as URLs are written (one file each, parsed whole).
const TEMPLATES = [
  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: TypeScript sources that hold templates.
  'fetch(`/v1/things/${id}/parts/${partId}`);',
  'fetch(`/v1/things/${ id }?page=${page}`);',
  'fetch(`/v1/price/$${amount}`);',
  'fetch(`/v1/literal/\\${notSubstituted}/${id}`);',
  'fetch(`/v1/backslash\\\\${id}`);',
  'fetch(`/v1/three\\\\\\${kept}`);',
  'fetch(`/v1/items/${item.id}/${id}`);',
  'fetch(`/v1/calls/${encodeURIComponent(name)}`);',
  'fetch(`/v1/nested/${`inner/${id}`}/${other}`);',
  'fetch(`/v1/comment/${/* the id */ id}`);',
  'fetch(`/v1/brace/${"}"}/${id}`);',
  'fetch(`/v1/tab/${\tid\t}/\\u0041${this}`);',
  'fetch(`/v1/broken/${id}`, { method: );',
  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: TypeScript sources that hold templates.
];

// The tree's reading of a template (its children), as the scanner read every template before.
function treeTemplate(node: Node, text: string): UrlSegment[] {
  const segments: UrlSegment[] = [];
  const push = (raw: string) => {
    if (raw.length > 0) segments.push({ kind: 'literal', text: decodeEscapes(raw) });
  };
  const closed = node.endIndex - node.startIndex >= 2 && text[node.endIndex - 1] === '`';
  const contentEnd = closed ? node.endIndex - 1 : node.endIndex;
  let literalStart = node.startIndex + 1;
  for (const child of node.namedChildren) {
    if (child === null || child.type !== 'template_substitution') continue;
    push(text.slice(literalStart, child.startIndex));
    const expression = child.firstNamedChild;
    segments.push({ kind: 'expr', source: expression === null ? '' : sliceNode(text, expression) });
    literalStart = child.endIndex;
  }
  push(text.slice(literalStart, contentEnd));
  return segments;
}

async function checkReadings(text: string, language: ScanLanguage): Promise<number> {
  const tree = (await loadParser(language, undefined)).parse(text);
  assert.ok(tree);
  let templates = 0;
  try {
    const pending: Node[] = [tree.rootNode];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      for (const child of node.children) if (child !== null) pending.push(child);
      if (node.type === 'template_string') {
        templates++;
        assert.deepEqual(
          readLiteral(node, text)?.segments,
          treeTemplate(node, text),
          `template at ${node.startIndex}: ${sliceNode(text, node)}`,
        );
      }
      const field = FIRST_FIELDS[node.type];
      if (field === undefined) continue;
      for (const child of node.children) {
        if (child === null) continue;
        assert.equal(
          isFirstFieldChild(node, child, field),
          isSameNode(node.childForFieldName(field), child),
          `${child.type} at ${child.startIndex} as the ${field} of ${node.type} at ${node.startIndex}`,
        );
      }
    }
  } finally {
    tree.delete();
  }
  return templates;
}

for (const [index, source] of TEMPLATES.entries()) {
  test(`template read from its text equals the tree's reading: case ${index + 1}`, async () => {
    assert.ok((await checkReadings(source, 'typescript')) > 0, 'the case holds a template');
  });
}

for (const file of listSourceFiles(FIXTURES)) {
  const language = languageForPath(file);
  if (language === undefined || language === 'python' || language === 'go') continue;
  if (file.endsWith('.vue') || file.endsWith('.svelte')) continue;
  test(`text readings equal the tree's: ${path.relative(FIXTURES, file)}`, async () => {
    await checkReadings(readFileSync(file, 'utf8'), language);
  });
}
