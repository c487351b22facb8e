/**
 * Python path tables: a dictionary of path templates written once, at the top of a module
 * (`ENDPOINTS = {"cart": "v2/carts/{cart}/", ...}`), and read by key where a URL is built
 * (`ENDPOINTS["cart"].format(cart=cart_id)`, or handed on as it is). Each entry whose key and value
 * are plain text is shared with the project as a constant named `ENDPOINTS[cart]`, so a module that
 * imports the table reads the entry's text where it names it; a table of this module, or of the
 * function around the use, is read from its dictionary directly.
 */

import type { Node } from 'web-tree-sitter';
import { readPythonString } from '../python-syntax';
import { sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';

const TABLE_NAME = /^[A-Za-z_]\w*$/;
// A dictionary of more entries than this is data, not an API's paths: it is not read.
const MAX_ENTRIES = 2_000;

/** The shared name of a table's entry: `ENDPOINTS[cart]` (no identifier holds a `[`). */
export function pathTableEntryName(table: string, key: string): string {
  return `${table}[${key}]`;
}

/**
 * The entries of a module-level dictionary `name = {...}` whose keys are plain strings, each read
 * by `readValue` (which writes the module's constants in); only entries wholly of text are kept.
 */
export function collectPathTable(
  name: string,
  dictionary: Node,
  text: string,
  readValue: (value: Node) => UrlSegment[],
): Array<[string, UrlSegment[]]> {
  const out: Array<[string, UrlSegment[]]> = [];
  if (dictionary.type !== 'dictionary' || !TABLE_NAME.test(name)) return out;
  if (dictionary.namedChildCount > MAX_ENTRIES) return out;
  for (const pair of dictionary.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const key = readKey(pair, text);
    const value = pair.childForFieldName('value');
    if (key === undefined || value === null) continue;
    const segments = readValue(value);
    if (segments.length > 0 && segments.every((s) => s.kind === 'literal'))
      out.push([pathTableEntryName(name, key), segments]);
  }
  return out;
}

/**
 * The dictionary and key a subscript names (`ENDPOINTS["cart"]`, also in parentheses); undefined
 * unless the table is a plain name and the key a plain string.
 */
export function readTableSubscript(
  node: Node,
  text: string,
): { table: string; key: string; tableNode: Node } | undefined {
  const inner = unwrapExpression(node);
  if (inner.type !== 'subscript') return undefined;
  const tableNode = inner.childForFieldName('value');
  const keys = inner.childrenForFieldName('subscript').filter((k): k is Node => k !== null);
  if (tableNode?.type !== 'identifier' || keys.length !== 1) return undefined;
  const key = readPythonString(keys[0], text);
  if (key === undefined) return undefined;
  return { table: sliceNode(text, tableNode), key, tableNode };
}

/** The value node of `key` in a dictionary literal (the last one written, as Python keeps it). */
export function readDictionaryEntry(dictionary: Node, key: string, text: string): Node | undefined {
  if (dictionary.type !== 'dictionary' || dictionary.namedChildCount > MAX_ENTRIES) return undefined;
  let found: Node | undefined;
  for (const pair of dictionary.namedChildren) {
    if (pair?.type !== 'pair' || readKey(pair, text) !== key) continue;
    found = pair.childForFieldName('value') ?? undefined;
  }
  return found;
}

function readKey(pair: Node, text: string): string | undefined {
  const key = pair.childForFieldName('key');
  return key === null || key.type !== 'string' ? undefined : readPythonString(key, text);
}
