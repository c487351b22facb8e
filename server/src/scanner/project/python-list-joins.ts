/**
 * Python URLs joined from a list of segments: `"/".join([self.endpoint, "buckets", bucket])` (a
 * list or tuple written in the call, `*parts` splatted in as one run-time part) and
 * `posixpath.join(base, "buckets", name)`. Each item is read as the project pass reads any URL part
 * (a field, a constant, a local), with `/` between items as `str.join` puts it (`posixpath.join`
 * adds none after a part already ending in `/`).
 */

import type { Node } from 'web-tree-sitter';
import { readPythonString } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';

const PATH_JOIN = /^posixpath\.join$/;
// A list this long is data, not a URL's segments.
const MAX_ITEMS = 16;

/** The URL a `"/".join([...])` or `posixpath.join(...)` call builds, or undefined for other nodes. */
export function readPythonListJoin(
  node: Node,
  text: string,
  read: (part: Node) => UrlSegment[],
): UrlSegment[] | undefined {
  if (node.type !== 'call') return undefined;
  const callee = node.childForFieldName('function');
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== 'comment',
  );
  if (callee?.type !== 'attribute') return undefined;
  const name = sliceNode(text, callee);
  // `posixpath.join(a, b)`: a path join (not `os.path`, which is a file path on Windows).
  if (PATH_JOIN.test(name)) {
    if (args.length < 2 || args.some((a) => a.type === 'keyword_argument')) return undefined;
    return joinItems(args, read, true);
  }
  const object = callee.childForFieldName('object');
  if (
    sliceNode(text, callee.childForFieldName('attribute') ?? callee) !== 'join' ||
    object?.type !== 'string'
  )
    return undefined;
  if (readPythonString(object, text) !== '/' || args.length !== 1) return undefined;
  const list = args[0];
  if (list?.type !== 'list' && list?.type !== 'tuple') return undefined;
  const items = list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (items.length === 0 || items.length > MAX_ITEMS) return undefined;
  return joinItems(items, read, false);
}

function joinItems(items: readonly Node[], read: (part: Node) => UrlSegment[], path: boolean): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const [index, item] of items.entries()) {
    // `*parts`, `*map(str, parts)`: the rest of the path, given at run time.
    const part: UrlSegment[] =
      item.type === 'list_splat' ? [{ kind: 'expr', source: item.text.replace(/^\*/, '') }] : read(item);
    const last = out[out.length - 1];
    if (index > 0 && !(path && last?.kind === 'literal' && last.text.endsWith('/')))
      push(out, { kind: 'literal', text: '/' });
    for (const segment of part) push(out, segment);
  }
  return out;
}

function push(out: UrlSegment[], segment: UrlSegment): void {
  const last = out[out.length - 1];
  if (segment.kind === 'literal' && last?.kind === 'literal') last.text += segment.text;
  else out.push({ ...segment });
}
