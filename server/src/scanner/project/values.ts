/**
 * What a URL argument holds, looked for a little further than the argument itself: a local variable
 * assigned a few lines above (`api_path = ...`, `path := fmt.Sprintf(...)`), a module constant
 * (`const appsBasePath = "/v2/apps"`), a tagged template (`path\`/files/${id}\``), a string's
 * `.format(...)`, or a simple helper whose first argument is the path
 * (`utils.format_url("/v1/auth/{mount_point}/role", ...)`, `addOptions(basePath, opt)`).
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readPythonUrl } from '../python-syntax';
import { expandFormat, readGoUrl } from '../recognizers/go-http';
import { readLiteral, sliceNode, unwrapExpression } from '../syntax';
import type { ScanLanguage, UrlSegment } from '../types';
import { readUrlTemplate } from '../url-template';
import { isJsLanguage } from './code-shape';
import { readFieldConstant } from './field-constants';
import { readSprintfValue } from './go-sprintf-values';
import { readGoUrlStruct } from './go-url-struct';
import { findDestructuredSource, readJsUrlExpression, substituteParams } from './js-url-values';
import { readMethodHelper } from './method-helpers';
import { readGoListJoin, readPathFunctionCall } from './path-functions';
import { readClassMember } from './python-class-members';
import { readFieldFormat } from './python-format-templates';
import { pathTableEntryName, readDictionaryEntry, readTableSubscript } from './python-path-tables';
import type { SharedValues } from './types';

const MAX_DEPTH = 4;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// `routes.URL_USERS`: a module's name is lower case (PEP 8), which tells `from api import urls`
// (a module) from `from api import Users` (a class, whose attributes are no module constants).
const MODULE_ATTRIBUTE = /^([a-z_][a-z\d_]*)\.([A-Za-z_]\w*)$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;
const URL_JOIN = /^(?:[\w$]+\.)*url-?join$/i;
// Python's `urljoin(base, path)` (`urllib.parse`, `urlparse`) joins its first two arguments (the
// third is a flag); Go's `path.Join(...)` and `url.JoinPath(base, ...)` join them all.
const PYTHON_URL_JOIN = /^(?:[\w]+\.)*urljoin$/;
const GO_URL_JOIN = /^(?:path\.Join|url\.JoinPath)$/;
/** Function and method nodes of every language the project pass reads (they hold parameters). */
export const FUNCTION_TYPES: ReadonlySet<string> = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'function_definition',
  'lambda',
  'method_declaration',
  'func_literal',
]);

const ASSIGNMENT_TYPES: Record<'js' | 'python' | 'go', string[]> = {
  js: ['variable_declarator', 'assignment_expression'],
  python: ['assignment'],
  go: ['short_var_declaration', 'assignment_statement', 'const_spec', 'var_spec'],
};

/** Reads a URL argument into segments, following locals, constants and simple helpers. */
export function readUrlValue(
  node: Node | undefined,
  language: ScanLanguage,
  text: string,
  root: Node,
  shared?: SharedValues,
): UrlSegment[] {
  return resolve(node, language, text, root, 0, shared);
}

/** Reads the value of a name at `use`: its last assignment in the function above, or a module constant. */
export function readNameValue(
  name: string,
  use: Node,
  language: ScanLanguage,
  text: string,
  root: Node,
): Node | undefined {
  const family = isJsLanguage(language) ? 'js' : language === 'python' ? 'python' : 'go';
  const scope = findScope(use, language) ?? root;
  const local = findAssignment(scope, name, family, text, use.startIndex);
  if (local !== undefined || scope.id === root.id) return local;
  return findAssignment(root, name, family, text, Number.POSITIVE_INFINITY, true);
}

function resolve(
  node: Node | undefined,
  language: ScanLanguage,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
): UrlSegment[] {
  if (node === undefined) return [];
  const inner = unwrapExpression(node);
  const read = (next: Node) => resolve(next, language, text, root, depth + 1, shared);
  const same = (next: Node) => resolve(next, language, text, root, depth, shared);
  const js =
    isJsLanguage(language) && depth < MAX_DEPTH ? readJsUrlExpression(inner, text, read, same) : undefined;
  const table =
    language === 'python' && depth < MAX_DEPTH
      ? readPathTableUse(inner, text, root, depth, shared)
      : undefined;
  const helper =
    js ??
    (table === undefined ? undefined : splitPlaceholders(table)) ??
    (language === 'python' && depth < MAX_DEPTH ? readMethodHelper(inner, text, read, shared) : undefined) ??
    (language === 'python' ? readFieldFormat(inner, text, shared) : undefined) ??
    readSharedHelper(inner, language, text, root, depth, shared) ??
    readHelperPath(inner, language, text, root, depth, shared) ??
    (language === 'go' && depth < MAX_DEPTH ? readGoCall(inner, text, root, depth, shared) : undefined);
  const segments = helper ?? readLanguageUrl(inner, language, text);
  const out: UrlSegment[] = [];
  for (const segment of segments) {
    const field =
      segment.kind === 'expr' ? readFieldConstant(segment.source, inner, language, text, shared) : undefined;
    if (field !== undefined) {
      push(out, { kind: 'literal', text: field });
      continue;
    }
    // `self.path` that a base class builds from the subclass's `_path` (python-class-members.ts).
    const member =
      segment.kind === 'expr' && language === 'python'
        ? readClassMember(segment.source, inner, text, shared)
        : undefined;
    if (member !== undefined) {
      for (const r of member) push(out, r);
      continue;
    }
    // `routes.URL_USERS` handed on as it is: the module's path constant, its `{name}` placeholders
    // the run-time parts a helper's `.format(**params)` fills further on.
    const constant =
      segment.kind === 'expr' && language === 'python'
        ? readModuleConstant(inner, segment.source, text, root, shared)
        : undefined;
    if (constant !== undefined) {
      for (const r of splitPlaceholders(constant)) push(out, r);
      continue;
    }
    if (segment.kind === 'expr' && IDENTIFIER.test(segment.source) && depth < MAX_DEPTH) {
      // A parameter of a function around the use is the caller's value: a module constant or
      // another module's constant of the same name is not it (a local assigned to it above is).
      const parameter = isParameterAt(inner, segment.source, text);
      let value = readNameValue(segment.source, inner, language, text, root);
      if (parameter && value !== undefined && findScope(value, language) === undefined) value = undefined;
      if (value !== undefined) {
        const resolved = resolve(value, language, text, root, depth + 1, shared);
        if (resolved.length > 0 && resolved.some((s) => s.kind === 'literal')) {
          for (const r of resolved) push(out, r);
          continue;
        }
      }
      // `const { url } = await this.buildUrl(...)`: what the helper returns under that key.
      const destructured =
        value === undefined && !parameter && isJsLanguage(language)
          ? findDestructuredSource(segment.source, inner, text, root)
          : undefined;
      if (destructured !== undefined) {
        const resolved = substituteParams(read(destructured.value), destructured, read);
        if (resolved.some((s) => s.kind === 'literal')) {
          for (const r of resolved) push(out, r);
          continue;
        }
      }
      // A constant another module shares (imported, so not assigned in this file).
      const constant = value === undefined && !parameter ? shared?.constants.get(segment.source) : undefined;
      if (constant != null) {
        for (const r of constant) push(out, r);
        continue;
      }
    }
    push(out, segment);
  }
  return out;
}

// `get_api_url(f"{TASKS_PATH}/{id}")` where another module defines `get_api_url` as a URL helper:
// its URL with the argument's value in place of its parameter.
function readSharedHelper(
  node: Node,
  language: ScanLanguage,
  text: string,
  root: Node,
  depth: number,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const callType = language === 'python' ? 'call' : 'call_expression';
  if (shared === undefined || node.type !== callType || depth >= MAX_DEPTH) return undefined;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'identifier') return undefined;
  const helper = shared.helpers.get(sliceNode(text, callee));
  const first = node
    .childForFieldName('arguments')
    ?.namedChildren.find((c) => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument');
  if (helper == null || first == null) return undefined;
  const argument = resolve(first, language, text, root, depth + 1, shared);
  if (helper.format === true) {
    const rest = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is Node => c !== null && c.type !== 'comment' && c.id !== first.id,
    );
    // A format helper (`formatAPIPath("users/%s", id)`): its verbs filled in as `fmt.Sprintf`'s.
    const [format, ...more] = argument;
    if (format?.kind !== 'literal' || more.length > 0) return undefined;
    const filled = expandFormat(format.text, rest, text);
    return helper.url.flatMap((segment) =>
      segment.kind === 'expr' && segment.source === helper.param ? filled : [segment],
    );
  }
  const out: UrlSegment[] = [];
  for (const segment of helper.url) {
    if (segment.kind === 'expr' && segment.source === helper.param) for (const a of argument) push(out, a);
    else push(out, segment);
  }
  return out;
}

// Go: `u.String()` on a `url.URL` literal, a join of a slice's items, or a call of a path function
// of the same file.
function readGoCall(
  node: Node,
  text: string,
  root: Node,
  depth: number,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const readName = (name: string, use: Node) => readNameValue(name, use, 'go', text, root);
  const read = (arg: Node) => resolve(arg, 'go', text, root, depth + 1, shared);
  return (
    readGoUrlStruct(node, text, readName, read) ??
    readGoListJoin(node, text, read, readName) ??
    readPathFunctionCall(node, text, root, read, readName)
  );
}

function readLanguageUrl(node: Node, language: ScanLanguage, text: string): UrlSegment[] {
  if (isJsLanguage(language)) {
    // path`/files/${id}`: a tagged template's text is the URL.
    if (node.type === 'call_expression') {
      const args = node.childForFieldName('arguments');
      if (args?.type === 'template_string') return readLiteral(args, text)?.segments ?? [];
    }
    return readUrlTemplate(node, text).segments;
  }
  if (language === 'python') return readPythonUrl(node, text).segments;
  return readGoUrl(node, text).segments;
}

// `fmt("/a/{x}", x=...)`, `"/a/{x}".format(...)`, `addOptions(basePath, opt)`: the path the helper
// fills in, with `{name}` placeholders read as expressions.
function readHelperPath(
  node: Node,
  language: ScanLanguage,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  const callType = language === 'python' ? 'call' : 'call_expression';
  if (node.type !== callType || depth >= MAX_DEPTH) return undefined;
  const callee = node.childForFieldName('function');
  const args = node.childForFieldName('arguments');
  if (callee === null || args === null || args.type === 'template_string') return undefined;
  if (language === 'go' && sliceNode(text, callee) === 'fmt.Sprintf')
    return readSprintfValue(
      node,
      text,
      root,
      (next) => resolve(next, 'go', text, root, depth + 1, shared),
      (name, use) => readNameValue(name, use, 'go', text, root),
    );
  if (
    language === 'python' &&
    callee.type === 'attribute' &&
    sliceNode(text, callee.childForFieldName('attribute') ?? callee) === 'format'
  ) {
    const object = callee.childForFieldName('object');
    if (object?.type === 'string') return splitPlaceholders(readPythonUrl(object, text).segments);
    const template = object == null ? undefined : readTemplateConstant(object, text, root, depth, shared);
    if (template !== undefined) return splitPlaceholders(template);
  }
  // url-join's `urljoin('/v3/domains', domain, 'ips')`, Python's `urljoin(base, path)`, Go's
  // `path.Join(a, b)`: every part, one `/` between each.
  const name = sliceNode(text, callee);
  const joined = isJsLanguage(language)
    ? URL_JOIN.test(name)
    : (language === 'python' ? PYTHON_URL_JOIN : GO_URL_JOIN).test(name);
  if (joined) {
    const parts = args.namedChildren.filter(
      (c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument',
    );
    // `path.Join(segs...)`: a slice's items, read by readGoCall.
    if (parts.at(-1)?.type === 'variadic_argument') return undefined;
    const read = language === 'python' ? parts.slice(0, 2) : parts;
    return joinParts(read.map((part) => resolve(part, language, text, root, depth + 1, shared)));
  }
  const first = args.namedChildren.find(
    (c) => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument',
  );
  if (first === undefined || first === null) return undefined;
  const value = resolve(first, language, text, root, depth + 1, shared);
  const head = value[0];
  if (head?.kind !== 'literal' || !head.text.includes('/')) return undefined;
  return language === 'python' ? splitPlaceholders(value) : value;
}

/**
 * `URL_USER.format(**params)`, `routes.URL_USER.format(id=uid)`: a path template kept in a module
 * constant (this module's, or one another module shares, named alone or on the module imported
 * whole), read as its text; undefined unless it is wholly text and holds a `/`.
 */
function readTemplateConstant(
  object: Node,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  if (object.type === 'attribute')
    return (
      readModuleConstant(object, sliceNode(text, object), text, root, shared) ??
      readClassMember(sliceNode(text, object), object, text, shared)
    );
  if (object.type === 'subscript') return readPathTableUse(object, text, root, depth, shared);
  if (object.type !== 'identifier') return undefined;
  // `url = ENDPOINTS["cart"]` above `url.format(...)`: the entry's template, placeholders and all.
  const name = sliceNode(text, object);
  const assigned = isParameterAt(object, name, text)
    ? undefined
    : readNameValue(name, object, 'python', text, root);
  if (assigned !== undefined && unwrapExpression(assigned).type === 'subscript')
    return readPathTableUse(unwrapExpression(assigned), text, root, depth + 1, shared);
  return pathText(resolve(object, 'python', text, root, depth + 1, shared));
}

/**
 * `routes.URL_USERS` on a module imported whole (`from . import urls as routes`): the path constant
 * another module of the project shares under that name; undefined unless it is wholly text and holds
 * a `/`, or when a parameter or local of the function around `use` hides the module's name.
 */
function readModuleConstant(
  use: Node,
  source: string,
  text: string,
  root: Node,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  const [, module, name] = MODULE_ATTRIBUTE.exec(source) ?? [];
  if (module === undefined || name === undefined || shared === undefined) return undefined;
  if (!importsModule(root, module, text) || isParameterAt(use, module, text)) return undefined;
  const scope = findScope(use, 'python');
  if (scope !== undefined && findAssignment(scope, module, 'python', text, use.startIndex) !== undefined)
    return undefined;
  return pathText(shared.constants.get(name) ?? undefined);
}

/**
 * `ENDPOINTS["cart"]`: the entry of a path table (python-path-tables.ts), read from the dictionary
 * the name is assigned in the function or the module, else from the table another module shares
 * under that name; undefined unless the entry is wholly text and holds a `/`, or when a parameter
 * hides the table's name.
 */
function readPathTableUse(
  node: Node,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  const subscript = readTableSubscript(node, text);
  if (subscript === undefined || isParameterAt(node, subscript.table, text)) return undefined;
  const dictionary = readNameValue(subscript.table, node, 'python', text, root);
  if (dictionary !== undefined) {
    const entry = readDictionaryEntry(unwrapExpression(dictionary), subscript.key, text);
    return entry === undefined
      ? undefined
      : pathText(resolve(entry, 'python', text, root, depth + 1, shared));
  }
  return pathText(shared?.constants.get(pathTableEntryName(subscript.table, subscript.key)) ?? undefined);
}

// A constant's text when it is wholly text and holds a `/` (a path, not a page size or a name).
function pathText(value: readonly UrlSegment[] | undefined): UrlSegment[] | undefined {
  if (value === undefined || !value.every((s) => s.kind === 'literal')) return undefined;
  return value.some((s) => s.kind === 'literal' && s.text.includes('/')) ? [...value] : undefined;
}

// Whether a top-level import of the module binds `name` (`import routes`, `from . import routes`,
// `from api import urls as routes`): a module imported whole, whose attributes are its constants.
function importsModule(root: Node, name: string, text: string): boolean {
  for (const statement of root.namedChildren) {
    if (statement?.type !== 'import_statement' && statement?.type !== 'import_from_statement') continue;
    for (const child of statement.childrenForFieldName('name')) {
      if (child === null) continue;
      const bound =
        child.type === 'aliased_import'
          ? sliceNode(text, child.childForFieldName('alias') ?? child)
          : sliceNode(text, child).split('.')[0];
      if (bound === name) return true;
    }
  }
  return false;
}

/** Joins URL parts with one `/` between each, as `path.Join` and url-join do. */
export function joinParts(parts: readonly UrlSegment[][]): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const part of parts) {
    const segments = part.map((segment) => ({ ...segment }));
    const last = out[out.length - 1];
    const head = segments[0];
    if (last !== undefined) {
      if (last.kind === 'literal') last.text = last.text.replace(/\/+$/, '');
      if (head?.kind === 'literal') head.text = head.text.replace(/^\/+/, '');
      push(out, { kind: 'literal', text: '/' });
    }
    for (const segment of segments) if (segment.kind !== 'literal' || segment.text !== '') push(out, segment);
  }
  return out;
}

function splitPlaceholders(segments: UrlSegment[]): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const segment of segments) {
    if (segment.kind !== 'literal') {
      push(out, segment);
      continue;
    }
    let at = 0;
    for (const match of segment.text.matchAll(PLACEHOLDER)) {
      const index = match.index ?? 0;
      if (index > at) push(out, { kind: 'literal', text: segment.text.slice(at, index) });
      push(out, { kind: 'expr', source: match[1] ?? '' });
      at = index + match[0].length;
    }
    if (at < segment.text.length) push(out, { kind: 'literal', text: segment.text.slice(at) });
  }
  return out;
}

// Whether a function around `node` declares `name` as a parameter (read from its parameter lists).
/** Whether `name` is a parameter of a function around `node`. */
export function isParameterAt(node: Node, name: string, text: string): boolean {
  const word = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`);
  for (let current = node.parent; current !== null; current = current.parent) {
    const list = current.childForFieldName('parameters') ?? current.childForFieldName('parameter');
    if (list !== null && FUNCTION_TYPES.has(current.type) && word.test(sliceNode(text, list))) return true;
  }
  return false;
}

function findScope(node: Node, language: ScanLanguage): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    const type = current.type;
    if (language === 'python' && type === 'function_definition') return current;
    if (
      language === 'go' &&
      (type === 'function_declaration' || type === 'method_declaration' || type === 'func_literal')
    )
      return current;
    if (
      isJsLanguage(language) &&
      (type === 'function_declaration' ||
        type === 'method_definition' ||
        type === 'arrow_function' ||
        type === 'function_expression')
    )
      return current;
  }
  return undefined;
}

// The value assigned to `name` last before `before` in `scope` (only top-level ones when `topLevel`).
function findAssignment(
  scope: Node,
  name: string,
  family: 'js' | 'python' | 'go',
  text: string,
  before: number,
  topLevel = false,
): Node | undefined {
  let found: Node | undefined;
  const entries = assignmentsNamed(scope, name, family, text);
  // Entries are in document order, so by start: the scope's own begin at the first one inside it.
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((entries[middle] as AssignmentEntry).start < scope.startIndex) low = middle + 1;
    else high = middle;
  }
  for (let i = low; i < entries.length; i++) {
    const entry = entries[i] as AssignmentEntry;
    if (entry.start > scope.endIndex) break;
    const node = entry.node;
    // Only assignments finished before the use: `path, err := addOptions(path, opt)` reads the earlier `path`.
    if (node.endIndex > before || node.endIndex > scope.endIndex) continue;
    if (topLevel) {
      entry.topLevel ??= findScope(node, family === 'js' ? 'typescript' : family) === undefined;
      if (!entry.topLevel) continue;
    }
    const value = readAssignedValue(node, name, family, text);
    if (value !== undefined && !isSelfFallback(value, name, family, text)) found = value;
  }
  return found;
}

// `url = result.url || url` (also `??`): a hook's override that keeps the value the name held when
// there is none. The value written above is what the code sends as written, so it stays the value.
function isSelfFallback(value: Node, name: string, family: 'js' | 'python' | 'go', text: string): boolean {
  if (family !== 'js' || value.type !== 'binary_expression') return false;
  const operator = sliceNode(text, value.childForFieldName('operator') ?? value);
  const right = value.childForFieldName('right');
  return (
    (operator === '||' || operator === '??') &&
    right?.type === 'identifier' &&
    sliceNode(text, right) === name
  );
}

/** An assignment of a tree, found once per tree; whether it is outside every function is read when asked. */
interface AssignmentEntry {
  node: Node;
  start: number;
  topLevel?: boolean;
}

// Every lookup of a name used to walk the whole tree for assignments, so resolving the URLs of a file
// cost (calls x file size). The assignments of a tree are indexed once by the names they bind, in
// document order; a scope's assignments are the indexed ones within its range (trees nest, so a node
// inside a scope's range is inside the scope).
const assignmentIndexes = new WeakMap<object, Map<string, Map<string, AssignmentEntry[]>>>();

function assignmentsNamed(
  scope: Node,
  name: string,
  family: 'js' | 'python' | 'go',
  text: string,
): readonly AssignmentEntry[] {
  let byRoot = assignmentIndexes.get(scope.tree);
  if (byRoot === undefined) {
    byRoot = new Map();
    assignmentIndexes.set(scope.tree, byRoot);
  }
  const key = family;
  let index = byRoot.get(key);
  if (index === undefined) {
    index = new Map();
    for (const node of nodesOfType(scope.tree.rootNode, ASSIGNMENT_TYPES[family])) {
      if (node === null) continue;
      const entry: AssignmentEntry = { node, start: node.startIndex };
      for (const bound of new Set(boundNames(node, family, text))) {
        const list = index.get(bound) ?? [];
        list.push(entry);
        index.set(bound, list);
      }
    }
    byRoot.set(key, index);
  }
  return index.get(name) ?? [];
}

// The names an assignment may bind: a superset of those `readAssignedValue` accepts.
function boundNames(node: Node, family: 'js' | 'python' | 'go', text: string): string[] {
  if (family === 'js') {
    const left = node.childForFieldName(node.type === 'variable_declarator' ? 'name' : 'left');
    return left === null ? [] : [sliceNode(text, left)];
  }
  if (family === 'python') {
    const left = node.childForFieldName('left');
    return left === null ? [] : [sliceNode(text, left)];
  }
  const leftNames =
    node.type === 'const_spec' || node.type === 'var_spec'
      ? node.childrenForFieldName('name')
      : (node.childForFieldName('left')?.namedChildren ?? []);
  return leftNames.filter((n): n is Node => n !== null).map((n) => sliceNode(text, n));
}

function readAssignedValue(
  node: Node,
  name: string,
  family: 'js' | 'python' | 'go',
  text: string,
): Node | undefined {
  if (family === 'js') {
    const left = node.childForFieldName(node.type === 'variable_declarator' ? 'name' : 'left');
    const right = node.childForFieldName(node.type === 'variable_declarator' ? 'value' : 'right');
    return left?.type === 'identifier' && sliceNode(text, left) === name && right !== null
      ? right
      : undefined;
  }
  if (family === 'python') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    return left?.type === 'identifier' && sliceNode(text, left) === name && right !== null
      ? right
      : undefined;
  }
  const leftNames =
    node.type === 'const_spec' || node.type === 'var_spec'
      ? node.childrenForFieldName('name')
      : (node.childForFieldName('left')?.namedChildren ?? []);
  const right = node.childForFieldName(
    node.type === 'const_spec' || node.type === 'var_spec' ? 'value' : 'right',
  );
  const values = (right?.namedChildren ?? []).filter((v): v is Node => v !== null && v.type !== 'comment');
  const index = leftNames.findIndex((n) => n !== null && sliceNode(text, n) === name);
  if (index < 0) return undefined;
  // `path, err := addOptions(...)`: one call giving several values; the first is the path.
  return values.length === 1 ? values[0] : values[index];
}

/** Joins neighbouring literal pieces of a URL. */
export function mergeSegments(segments: readonly UrlSegment[]): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const segment of segments) push(out, segment);
  return out;
}

function push(segments: UrlSegment[], segment: UrlSegment): void {
  const last = segments[segments.length - 1];
  if (segment.kind === 'literal' && last?.kind === 'literal') last.text += segment.text;
  else segments.push({ ...segment });
}
