/**
 * Recognises GraphQL operations sent through GraphQL clients, as calls whose action is the
 * operation type (`query`, `mutation`, `subscription`) and whose resource type is the operation's
 * first root field (`Product` in `query ONE { Product(...) { id } }`):
 * - Apollo's and urql's hooks (`useQuery(DOC)`, `useLazyQuery`, `useMutation`, `useSubscription`,
 *   `useSuspenseQuery`, urql's `useQuery({ query: DOC })`) imported from their packages: always a
 *   GraphQL call, even when the document lives in another file (then the operation is unknown);
 * - `client.query({ query: DOC })`, `client.mutate({ mutation: DOC })`, `client.subscribe(...)`,
 *   graphql-request's `request(url, DOC)` and `client.request(DOC, variables)`: only when DOC is a
 *   document the file writes (a `gql`/`graphql` tagged template, directly or in a constant).
 * GraphQL goes as a POST to one endpoint configured elsewhere, so the URL is not known; its source
 * reads `query ONE` for the summary.
 */

import type { Node } from 'web-tree-sitter';
import { JS_LANGUAGES } from '../languages';
import { resolveBinding } from '../scopes';
import { sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall } from '../types';
import type { CallRecognizer, ScanContext } from './context';
import { readCallArguments, readObjectProperty } from './js-objects';
import { findCleanWordNodes } from './recovery';

const HOOK_MODULES = new Set([
  '@apollo/client',
  '@apollo/client/react',
  '@apollo/client/react/hooks',
  '@apollo/react-hooks',
  'urql',
  '@urql/vue',
  '@urql/svelte',
  '@urql/preact',
  '@vue/apollo-composable',
]);
const HOOKS = ['useQuery', 'useLazyQuery', 'useMutation', 'useSubscription', 'useSuspenseQuery'];
const CLIENT_METHODS: ReadonlyMap<string, string> = new Map([
  ['query', 'query'],
  ['mutate', 'mutation'],
  ['subscribe', 'query'],
  ['watchQuery', 'query'],
  ['request', 'document'],
  ['rawRequest', 'document'],
]);
const TAGS = new Set(['gql', 'graphql']);
const CODEGEN_HOOK = /^use([A-Z]\w*?)(LazyQuery|SuspenseQuery|Query|Mutation|Subscription)$/;
const CODEGEN_HOOK_WORDS = /\buse[A-Z]\w*?(?:Query|Mutation|Subscription)\b/g;
const CODEGEN_MODULE = /(?:^|[/@._-])(?:graphql|gql|generated|__generated__)(?:$|[/._-])/i;
const OPERATION = /\b(query|mutation|subscription)\b\s*([A-Za-z_]\w*)?\s*(?=[({@])/;

/** What a document says: the operation's type, name and first root field. */
interface Operation {
  type: string;
  name?: string;
  field?: string;
}

/** The recogniser for GraphQL operations. */
export const graphqlRecognizer: CallRecognizer = {
  client: 'graphql',
  languages: JS_LANGUAGES,
  recognize: findGraphqlCalls,
};

function findGraphqlCalls(context: ScanContext): HttpCall[] {
  const calls: HttpCall[] = [];
  const seen = new Set<number>();
  for (const hook of HOOKS) {
    for (const hit of findCleanWordNodes(context, hook)) {
      const [call] = hit.ancestors;
      if (hit.node.type !== 'identifier' || call?.type !== 'call_expression') continue;
      if (call.childForFieldName('function')?.id !== hit.node.id) continue;
      const binding = resolveBinding(context.findBindings(hook), hit.node);
      if (binding?.kind !== 'import' || !HOOK_MODULES.has(binding.importSource ?? '')) continue;
      const [first] = readCallArguments(call);
      const documentNode = readDocumentOption(context, first) ?? first;
      const operation = readDocument(context, documentNode);
      seen.add(call.id);
      calls.push(buildCall(context, call, hit.node, documentNode, operation));
    }
  }
  findCodegenHooks(context, seen, calls);
  for (const [method, key] of CLIENT_METHODS) {
    for (const hit of findCleanWordNodes(context, method)) {
      const [member, call] = hit.ancestors;
      if (hit.node.type !== 'property_identifier' || member?.type !== 'member_expression') continue;
      if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== member.id) continue;
      if (seen.has(call.id)) continue;
      const args = readCallArguments(call);
      const documentNode =
        key === 'document'
          ? (args.find((arg) => readDocument(context, arg) !== undefined) ?? undefined)
          : readPropertyNode(context, args[0], key);
      const operation = readDocument(context, documentNode);
      // A document from another file counts when it is plainly one: imported from a `.graphql`
      // file, or a codegen `…Document` from a generated module.
      if (operation === undefined && readImportedDocument(context, documentNode) === undefined) continue;
      seen.add(call.id);
      calls.push(buildCall(context, call, member, documentNode, operation));
    }
  }
  return calls;
}

// graphql-codegen's typed hooks, `useGetOrderQuery(...)`: the operation's name and type are in the
// hook's name. Only when imported from a module that looks generated for GraphQL (its path says
// `graphql`, `gql` or `generated`): a `useOrdersQuery` from './hooks' is as likely react-query.
function findCodegenHooks(context: ScanContext, seen: Set<number>, calls: HttpCall[]): void {
  // Most files import nothing generated for GraphQL: one cheap test before any search.
  if (!/graphql|gql|generated/i.test(context.text)) return;
  const words = new Set([...context.text.matchAll(CODEGEN_HOOK_WORDS)].map((match) => match[0]));
  for (const word of words) {
    const parts = CODEGEN_HOOK.exec(word);
    if (parts === null) continue;
    for (const hit of findCleanWordNodes(context, word)) {
      const [call] = hit.ancestors;
      if (hit.node.type !== 'identifier' || call?.type !== 'call_expression') continue;
      if (call.childForFieldName('function')?.id !== hit.node.id || seen.has(call.id)) continue;
      const binding = resolveBinding(context.findBindings(word), hit.node);
      if (binding?.kind !== 'import' || !CODEGEN_MODULE.test(binding.importSource ?? '')) continue;
      const suffix = parts[2] ?? 'Query';
      const type = suffix === 'Mutation' ? 'mutation' : suffix === 'Subscription' ? 'subscription' : 'query';
      const name = parts[1] ?? '';
      seen.add(call.id);
      // The root field, and so the resource, is in the operation's document (`graphql.documents`).
      const { resource: _field, ...built } = buildCall(context, call, hit.node, undefined, { type, name });
      calls.push({
        ...built,
        url: { source: `${type} ${name}`, segments: [{ kind: 'expr', source: word }], known: false },
      });
    }
  }
}

function buildCall(
  context: ScanContext,
  call: Node,
  callee: Node,
  documentNode: Node | undefined,
  operation: Operation | undefined,
): HttpCall {
  const expression = documentNode === undefined ? '' : sliceNode(context.text, documentNode);
  const source =
    operation === undefined ? expression : `${operation.type}${operation.name ? ` ${operation.name}` : ''}`;
  const resource = operation?.field ?? operation?.name;
  const imported = operation === undefined ? readImportedDocument(context, documentNode) : undefined;
  const graphql =
    operation === undefined
      ? expression === ''
        ? {}
        : { document: expression, ...(imported?.file === undefined ? {} : { documentFile: imported.file }) }
      : {
          type: operation.type,
          ...(operation.name === undefined ? {} : { name: operation.name }),
          ...(operation.field === undefined ? {} : { field: operation.field }),
        };
  return {
    kind: 'http',
    client: 'graphql',
    method: 'POST',
    url: { source, segments: [{ kind: 'expr', source: expression || 'document' }], known: false },
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'recognised',
    ...(operation === undefined ? {} : { action: operation.type }),
    ...(resource === undefined ? {} : { resource: { type: resource } }),
    graphql,
  };
}

/**
 * A document named by an import: `import GetOrder from './order.graphql'` (a loader's import of a
 * `.graphql` file: `file` is its specifier) or `import { GetOrderDocument } from './generated/graphql'`.
 */
function readImportedDocument(
  context: ScanContext,
  node: Node | undefined,
): { name: string; file?: string } | undefined {
  if (node === undefined) return undefined;
  const inner = unwrapExpression(node);
  if (inner.type !== 'identifier' && inner.type !== 'shorthand_property_identifier') return undefined;
  const name = sliceNode(context.text, inner);
  const binding = resolveBinding(context.findBindings(name), inner);
  const source = binding?.kind === 'import' ? binding.importSource : undefined;
  if (source === undefined) return undefined;
  if (/\.(?:graphql|gql)$/i.test(source)) return { name, file: source };
  return /Document$/.test(name) && CODEGEN_MODULE.test(source) ? { name } : undefined;
}

// urql's `useQuery({ query: DOC })`, Vue Apollo's `useQuery(DOC)`: the document in an options object.
function readDocumentOption(context: ScanContext, options: Node | undefined): Node | undefined {
  return readPropertyNode(context, options, 'query') ?? readPropertyNode(context, options, 'mutation');
}

function readPropertyNode(context: ScanContext, options: Node | undefined, key: string): Node | undefined {
  if (options === undefined || unwrapExpression(options).type !== 'object') return undefined;
  const reading = readObjectProperty(options, key, context.text);
  if (reading.kind === 'value') return reading.node;
  if (reading.kind === 'unknown') {
    // `{ query }`: the shorthand names a constant of that name.
    const shorthand = unwrapExpression(options).namedChildren.find(
      (child) => child?.type === 'shorthand_property_identifier' && sliceNode(context.text, child) === key,
    );
    return shorthand ?? undefined;
  }
  return undefined;
}

/** Reads a `gql` tagged template, directly or through a constant of this file. */
function readDocument(context: ScanContext, node: Node | undefined, depth = 0): Operation | undefined {
  if (node === undefined || depth > 3) return undefined;
  const inner = unwrapExpression(node);
  if (inner.type === 'call_expression') {
    const tag = inner.childForFieldName('function');
    const template = inner.childForFieldName('arguments');
    if (tag === null || template?.type !== 'template_string' || !TAGS.has(sliceNode(context.text, tag)))
      return undefined;
    return parseOperation(sliceNode(context.text, template).slice(1, -1));
  }
  if (inner.type !== 'identifier' && inner.type !== 'shorthand_property_identifier') return undefined;
  const name = sliceNode(context.text, inner);
  const binding = context.findBindings(name).find((b) => b.initializer !== undefined && !b.destructured);
  return binding?.initializer === undefined
    ? undefined
    : readDocument(context, binding.initializer, depth + 1);
}

/** Reads the first operation of a document: its type, name and first root field. */
export function parseOperation(document: string): Operation | undefined {
  const text = document.replace(/#[^\n]*/g, '').replace(/\$\{[^}]*\}/g, '');
  const match = OPERATION.exec(text);
  let body: string;
  let operation: Operation;
  if (match !== null) {
    operation = { type: match[1] ?? 'query', ...(match[2] ? { name: match[2] } : {}) };
    body = text.slice(match.index + match[0].length);
  } else if (/^\s*\{/.test(text)) {
    operation = { type: 'query' };
    body = text;
  } else {
    return undefined;
  }
  // The selection set starts at the first `{` after the variables.
  let depth = 0;
  let at = 0;
  for (; at < body.length; at++) {
    const char = body[at];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '{' && depth === 0) break;
  }
  const field = /^\s*(?:[A-Za-z_]\w*\s*:\s*)?([A-Za-z_]\w*)/.exec(body.slice(at + 1))?.[1];
  return field === undefined ? operation : { ...operation, field };
}
