/**
 * Python: a session or client made once at a module's top level (`client = httpx.Client(base_url=
 * ...)`, `session = requests.Session()`) and used by other modules: `from app.http import client`
 * then `client.get("/users")`, or `from app import http` then `http.client.post("/plans")`. The
 * importing module's `get`/`post`/.../`request(method, url)` calls on it are calls of the library,
 * as they are in the module that made it. Only an import naming the instance's own module (its file
 * name, the last part of the dotted path) counts: another module's `client` is another object.
 */

import { basename, extname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { InstanceDefinition } from '../project/types';
import { readUrlValue } from '../project/values';
import { readPythonArguments, readPythonString } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { HttpCall, HttpClient } from '../types';
import type { ScanContext } from './context';
import { instanceCall } from './instance-calls';
import { PYTHON_VERB_METHODS } from './python-http';

// The library classes whose instances send requests, by how a module writes their construction.
const SESSION_CLASSES: ReadonlyArray<[RegExp, HttpClient]> = [
  [/^requests\.(?:Session|session)$/, 'requests'],
  [/^httpx\.(?:Client|AsyncClient)$/, 'httpx'],
  [/^aiohttp\.ClientSession$/, 'aiohttp'],
];

/** The sessions a Python module makes at its top level, as instances other modules may import. */
export function findPythonInstances(context: ScanContext): InstanceDefinition[] {
  if (context.language !== 'python') return [];
  const found: InstanceDefinition[] = [];
  for (const statement of context.root.namedChildren) {
    const assignment = statement?.type === 'expression_statement' ? statement.firstNamedChild : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier' || right?.type !== 'call') continue;
    const callee = sliceNode(context.text, right.childForFieldName('function') ?? right);
    const client = SESSION_CLASSES.find(([pattern]) => pattern.test(callee))?.[1];
    if (client === undefined) continue;
    found.push({
      kind: 'instance',
      language: 'python',
      name: sliceNode(context.text, left),
      client,
      site: { file: context.file, line: assignment.startPosition.row + 1 },
    });
  }
  return found;
}

/** The calls one Python module makes on a session another module made (see above). */
export function findPythonInstanceCalls(context: ScanContext, instance: InstanceDefinition): HttpCall[] {
  const moduleName = basename(instance.site.file, extname(instance.site.file));
  // Receivers as written: the instance imported by name (`client`), or through its module (`http.client`).
  const receivers = new Set<string>();
  for (const statement of context.root.namedChildren) {
    if (statement?.type !== 'import_from_statement') continue;
    const source = sliceNode(context.text, statement.childForFieldName('module_name') ?? statement);
    const last = source.replace(/^\.+/, '').split('.').at(-1) ?? '';
    for (const name of statement.childrenForFieldName('name')) {
      if (name === null) continue;
      const imported = sliceNode(
        context.text,
        name.type === 'aliased_import' ? (name.childForFieldName('name') ?? name) : name,
      );
      const local = sliceNode(
        context.text,
        name.type === 'aliased_import' ? (name.childForFieldName('alias') ?? name) : name,
      );
      if (last === moduleName && imported === instance.name) receivers.add(local);
      else if (imported === moduleName) receivers.add(`${local}.${instance.name}`);
    }
  }
  if (receivers.size === 0) return [];
  const calls: HttpCall[] = [];
  for (const node of context.root.descendantsOfType('call')) {
    const callee = node?.childForFieldName('function');
    const object = callee?.childForFieldName('object');
    const attribute = callee?.childForFieldName('attribute');
    if (node == null || callee?.type !== 'attribute' || object == null || attribute == null) continue;
    if (!receivers.has(sliceNode(context.text, object))) continue;
    if (shadowed(context, node, sliceNode(context.text, object).split('.')[0] ?? '')) continue;
    const call = readUse(context, instance, node, callee, sliceNode(context.text, attribute));
    if (call !== undefined) calls.push(call);
  }
  return calls;
}

// A function around the use that takes or assigns the receiver's name itself: not the import.
function shadowed(context: ScanContext, use: Node, name: string): boolean {
  const word = new RegExp(`(?<![\\w.])${name}\\s*(?:=[^=]|,|\\)|:)`);
  for (let fn = use.parent; fn !== null; fn = fn.parent) {
    if (fn.type !== 'function_definition') continue;
    const params = fn.childForFieldName('parameters');
    if (params !== null && word.test(sliceNode(context.text, params))) return true;
  }
  return false;
}

function readUse(
  context: ScanContext,
  instance: InstanceDefinition,
  call: Node,
  callee: Node,
  name: string,
): HttpCall | undefined {
  const { positional, keywords } = readPythonArguments(call);
  let method = PYTHON_VERB_METHODS.get(name);
  let urlNode: Node | undefined;
  if (method !== undefined) urlNode = positional[0] ?? keywords.get('url');
  else if (name === 'request' || name === 'stream') {
    method = readPythonString(positional[0] ?? keywords.get('method'), context.text)?.toUpperCase();
    urlNode = positional[1] ?? keywords.get('url');
  } else return undefined;
  if (urlNode === undefined) return undefined;
  const segments = readUrlValue(urlNode, 'python', context.text, context.root, context.project.shared);
  return instanceCall(context, call, callee, instance, method, segments, instance.name);
}
