/**
 * The URL pieces one module shares with the rest of the project: its module-level string constants
 * (`TASKS_PATH = "tasks"`, `export const API_URL = \`${HOST}/api\``, Go's `const basePath = "/v2"`)
 * and its one-line URL helpers (`def get_api_url(path): return f"{API_URL}/{path}"`), each read with
 * the module's own constants written in. Other modules that import the name read their URLs through
 * them, so `get_api_url(f"{TASKS_PATH}/{id}")` in one file reads `https://.../tasks/{id}`.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { isJsLanguage } from './code-shape';
import { collectDescriptors } from './descriptors';
import { readGoFieldDefaults } from './field-constants';
import { readFormatHelper } from './format-helpers';
import { readGoPackageBuilders } from './go-package-builders';
import { readGoRequestTypes } from './go-request-types';
import { readGoUrlBuilders } from './go-url-builders';
import { collectJsInheritedMembers } from './js-inherited-members';
import { collectRouteDescriptors } from './js-route-descriptors';
import { readPrefixMapHelper } from './prefix-helpers';
import { collectClassMembers } from './python-class-members';
import { readClassConstants } from './python-format-templates';
import { readPythonJoinHelper } from './python-join-helpers';
import { collectPathTable } from './python-path-tables';
import { readStaticMembers } from './static-members';
import type { HelperFact } from './types';
import { readUrlValue } from './values';

const CONSTANT_NAME = /^[A-Za-z_$][\w$]*$/;
// A module with more constants than this is data, not an API's paths: the rest are not shared.
const MAX_CONSTANTS = 2_000;

/** Collects one module's shared constants and URL helpers. */
export function collectSharedValues(context: ScanContext): {
  constants: Array<[string, UrlSegment[]]>;
  helpers: HelperFact[];
} {
  const constants: Array<[string, UrlSegment[]]> = [];
  const helpers: HelperFact[] = [];
  const assignments = topLevelAssignments(context);
  for (const [name, value] of assignments) {
    if (constants.length >= MAX_CONSTANTS) break;
    // `ENDPOINTS = {"cart": "v2/carts/{cart}/", ...}`: each entry shared as `ENDPOINTS[cart]`.
    if (context.language === 'python' && value.type === 'dictionary') {
      const read = (entry: Node) => readUrlValue(entry, 'python', context.text, context.root);
      for (const entry of collectPathTable(name, value, context.text, read)) {
        if (constants.length >= MAX_CONSTANTS) break;
        constants.push(entry);
      }
      continue;
    }
    const segments = readUrlValue(value, context.language, context.text, context.root);
    // Only text: a value that is an expression of something else is not a constant to share. Go's
    // path prefixes are the exception (`apiPrefix = "/" + APIVersion`, the version read at run
    // time): a path written from its first `/`, with unknown parts after, is still that path.
    const text =
      segments.length > 0 &&
      segments.every((s) => s.kind === 'literal') &&
      segments.some((s) => s.text !== '');
    const path =
      context.language === 'go' && segments[0]?.kind === 'literal' && segments[0].text.startsWith('/');
    if (text || path) constants.push([name, segments]);
  }
  // Go struct fields' constant defaults (`&Client{endpoint: APIURL}`), as `Client.endpoint`: the
  // methods that read them are often in other files of the package.
  if (context.language === 'go')
    for (const [name, value] of readGoFieldDefaults(context.root, context.text))
      constants.push([name, [{ kind: 'literal', text: value }]]);
  // `class Items(Base): _path = "/stores/{store_id}/items"`, read by the base as `self.path`.
  if (context.language === 'python') constants.push(...collectClassMembers(context.root, context.text));
  // JS classes' static string members (`Shelves.RESOURCE`), which other modules' templates name,
  // and the instance fields and `super(...)` arguments their subclasses read (`this.basePath`).
  if (isJsLanguage(context.language)) {
    const read = (node: Node) => readUrlValue(node, context.language, context.text, context.root);
    constants.push(...readStaticMembers(context.root, context.text, read).slice(0, MAX_CONSTANTS));
    constants.push(...collectJsInheritedMembers(context.root, context.text, read).slice(0, MAX_CONSTANTS));
  }
  // Python class attributes (`Resource.TEMPLATE`), which URL templates of other modules name.
  if (context.language === 'python')
    constants.push(...readClassConstants(context.root, context.text).slice(0, MAX_CONSTANTS));
  // `export const getShelf = { method: 'get', path: (p) => ... }`, as `getShelf.method`, `getShelf.path()`.
  if (isJsLanguage(context.language))
    constants.push(
      ...collectRouteDescriptors(
        assignments,
        (node) => readUrlValue(node, context.language, context.text, context.root),
        context.text,
      ),
    );
  helpers.push(...collectDescriptors(context));
  const functions = topLevelFunctions(context);
  for (const fn of functions) {
    const helper =
      readHelper(context, fn) ??
      readFormatHelper(context, fn) ??
      (context.language === 'python' ? readPythonJoinHelper(fn, context.text) : undefined) ??
      (isJsLanguage(context.language) ? readPrefixMapHelper(fn, context.text) : undefined);
    if (helper !== undefined) helpers.push(helper);
  }
  if (context.language === 'go') {
    helpers.push(...readGoUrlBuilders(context, assignments, functions));
    helpers.push(...readGoPackageBuilders(context, (n) => readUrlValue(n, 'go', context.text, context.root)));
    helpers.push(...readGoRequestTypes(context));
  }
  return { constants, helpers };
}

function topLevelAssignments(context: ScanContext): Array<[string, Node]> {
  const { root, text, language } = context;
  const found: Array<[string, Node]> = [];
  for (const statement of root.namedChildren) {
    if (statement === null) continue;
    const inner =
      statement.type === 'export_statement' ? (statement.namedChildren.at(-1) ?? null) : statement;
    if (inner === null) continue;
    if (language === 'python' && inner.type === 'expression_statement') {
      const assignment = inner.firstNamedChild;
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      if (assignment?.type === 'assignment' && left?.type === 'identifier' && right != null)
        found.push([sliceNode(text, left), right]);
    } else if (isJsLanguage(language) && inner.type === 'lexical_declaration') {
      if (!sliceNode(text, inner).startsWith('const')) continue;
      for (const declarator of inner.namedChildren) {
        const name = declarator?.childForFieldName('name');
        const value = declarator?.childForFieldName('value');
        if (name?.type === 'identifier' && value != null) found.push([sliceNode(text, name), value]);
      }
    } else if (
      language === 'go' &&
      (inner.type === 'const_declaration' || inner.type === 'var_declaration')
    ) {
      // A package-level `var` set where it is declared (a version read from the environment once).
      const specs = inner.namedChildren.flatMap((child) =>
        child?.type === 'var_spec_list' ? child.namedChildren : [child],
      );
      for (const spec of specs) {
        if (spec?.type !== 'const_spec' && spec?.type !== 'var_spec') continue;
        const names = spec.childrenForFieldName('name').filter((n): n is Node => n !== null);
        const values = (spec.childForFieldName('value')?.namedChildren ?? []).filter(
          (v): v is Node => v !== null && v.type !== 'comment',
        );
        names.forEach((name, i) => {
          const value = values[i];
          if (value !== undefined) found.push([sliceNode(text, name), value]);
        });
      }
    }
  }
  return found.filter(([name]) => CONSTANT_NAME.test(name));
}

function topLevelFunctions(context: ScanContext): Node[] {
  const types = context.language === 'python' ? ['function_definition'] : ['function_declaration'];
  const out: Node[] = [];
  for (const statement of context.root.namedChildren) {
    if (statement === null) continue;
    const inner = statement.type === 'export_statement' ? statement.namedChildren.at(-1) : statement;
    if (inner != null && types.includes(inner.type)) out.push(inner);
  }
  return out;
}

// `def f(path): """doc"""; return f"{API_URL}/{path}"`, `function f(path) { return BASE + path }`:
// one statement (after a docstring) that returns a URL built on the first parameter.
function readHelper(context: ScanContext, fn: Node): HelperFact | undefined {
  const { text, language } = context;
  const name = fn.childForFieldName('name');
  const params = fn.childForFieldName('parameters');
  const body = fn.childForFieldName('body');
  if (name === null || params === null || body === null) return undefined;
  const first = params.namedChildren.find((p) => p !== null && p.type !== 'comment');
  const paramNode =
    first?.type === 'identifier'
      ? first
      : first?.type === 'typed_parameter'
        ? first.firstNamedChild
        : (first?.childForFieldName('pattern') ?? first?.childForFieldName('name') ?? null);
  if (paramNode == null || paramNode.type !== 'identifier') return undefined;
  const param = sliceNode(text, paramNode);
  // Two statements are enough to tell (a function of thousands of statements is not read whole).
  const statements: Node[] = [];
  for (let i = 0; i < body.namedChildCount && statements.length < 2; i++) {
    const s = body.namedChild(i);
    if (
      s !== null &&
      s.type !== 'comment' &&
      !(s.type === 'expression_statement' && s.firstNamedChild?.type === 'string')
    )
      statements.push(s);
  }
  const only = statements[0];
  if (statements.length !== 1 || only?.type !== 'return_statement') return undefined;
  const returned = only.namedChildren.find((c) => c !== null && c.type !== 'comment');
  if (returned == null || returned.type === 'expression_list') return undefined;
  const segments = readUrlValue(returned, language, text, context.root);
  const uses = segments.filter((s) => s.kind === 'expr' && s.source === param).length;
  if (uses !== 1 || !segments.some((s) => s.kind === 'literal' && s.text.includes('/'))) return undefined;
  return { name: sliceNode(text, name), param, url: segments };
}
