/**
 * Curried request helpers (JavaScript/TypeScript): a module's functions named for HTTP verbs that
 * take no arguments and return the function that sends (`export function get<T>() { return async
 * (service, endpoint, options) => service.requester.get(endpoint, ...) }`), so a caller writes
 * `Helpers.get<Item>()(this, \`items/${id}\`)` and names its result type at the first call. The
 * sender behind them is often built at run time (a table of verbs filled in a loop), which no
 * reader follows; the helpers' shape says which verb each sends and which argument is the path.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { sliceNode, unwrapExpression } from '../syntax';
import { isJsLanguage, readJsParams } from './code-shape';
import type { WrapperDefinition } from './types';

// `del` is how a module spells `delete`, a reserved word it cannot name a function.
const VERB_OF = new Map([
  ['get', 'get'],
  ['post', 'post'],
  ['put', 'put'],
  ['patch', 'patch'],
  ['del', 'delete'],
  ['head', 'head'],
]);
const URL_PARAM = /^(?:endpoint|url|uri|path|route|href)$/i;
const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function']);
// As for verb-forwarding classes: one or two verb-named functions are as likely something else.
const MIN_VERBS = 3;

/**
 * The file's curried verb helpers, when it declares at least three: each returned function hands
 * its path parameter to a call of its own verb (`x.get(endpoint, ...)`), so its callers' path
 * argument is the request's URL.
 */
export function findCurriedVerbHelpers(context: ScanContext): WrapperDefinition[] {
  if (!isJsLanguage(context.language) || !/\)\s*=>|function/.test(context.text)) return [];
  const found: WrapperDefinition[] = [];
  for (const declaration of nodesOfType(context.root, ['function_declaration'])) {
    if (declaration === null || declaration.parent === null) continue;
    // Top-level only, exported or not: what a module's helpers object gathers.
    const top =
      declaration.parent.type === 'export_statement' ? declaration.parent.parent : declaration.parent;
    if (top?.type !== 'program') continue;
    const definition = readHelper(context, declaration);
    if (definition !== undefined) found.push(definition);
  }
  return new Set(found.map((d) => d.method)).size >= MIN_VERBS ? found : [];
}

function readHelper(context: ScanContext, declaration: Node): WrapperDefinition | undefined {
  const { text, language } = context;
  const nameNode = declaration.childForFieldName('name');
  const verb = nameNode === null ? undefined : VERB_OF.get(sliceNode(text, nameNode));
  const parameters = declaration.childForFieldName('parameters');
  const body = declaration.childForFieldName('body');
  if (nameNode === null || verb === undefined || body === null || parameters?.namedChildCount !== 0)
    return undefined;
  const statements = body.namedChildren.filter((c) => c !== null && c.type !== 'comment');
  const [only] = statements;
  if (statements.length !== 1 || only?.type !== 'return_statement') return undefined;
  const returned = only.firstNamedChild === null ? undefined : unwrapExpression(only.firstNamedChild);
  const inner = returned?.childForFieldName('body');
  if (returned === undefined || !FUNCTION_VALUES.has(returned.type) || inner == null) return undefined;
  // The returned function has no name of its own, so it is not a shape; its parameters read alike.
  const { params } = readJsParams(returned, text);
  const urlParam = params.findIndex((param) => URL_PARAM.test(param));
  const path = params[urlParam];
  if (path === undefined || !sendsVerb(context, returned, verb, path)) return undefined;
  return {
    kind: 'wrapper',
    language,
    name: sliceNode(text, nameNode),
    params,
    method: verb.toUpperCase(),
    urlParam,
    url: [{ kind: 'expr', source: path }],
    client: 'custom',
    site: { file: context.file, line: declaration.startPosition.row + 1 },
    forwards: true,
    curried: true,
  };
}

// Whether the function calls a method named for `verb` with `path` as its first argument.
function sendsVerb(context: ScanContext, fn: Node, verb: string, path: string): boolean {
  for (const call of nodesOfType(fn, ['call_expression'])) {
    const callee = call?.childForFieldName('function');
    if (callee?.type !== 'member_expression') continue;
    const property = callee.childForFieldName('property');
    if (property === null || sliceNode(context.text, property) !== verb) continue;
    const first = call?.childForFieldName('arguments')?.namedChildren.find((c) => c?.type !== 'comment');
    if (first?.type === 'identifier' && sliceNode(context.text, first) === path) return true;
  }
  return false;
}

/**
 * The call a curried helper's name starts (`Helpers.get<T>()(service, url)`, `get()(service, url)`):
 * the outer call, when the helper is called with no arguments and its result called at once.
 */
export function readCurriedCall(factory: Node): Node | undefined {
  const args = factory.childForFieldName('arguments');
  if (factory.type !== 'call_expression' || args === null || args.namedChildCount !== 0) return undefined;
  const outer = factory.parent;
  if (outer?.type !== 'call_expression' || outer.childForFieldName('function')?.id !== factory.id)
    return undefined;
  return outer;
}
