/**
 * Recognises the methods of a net/http client value, which send as the package's functions do:
 * `client.Get(url)`, `client.Head(url)`, `client.Post(url, contentType, body)` and
 * `client.PostForm(url, data)`, where `client` is a `*http.Client` the code can see: a local or
 * package variable set to `&http.Client{...}`, `http.Client{...}`, `new(http.Client)` or
 * `http.DefaultClient`, or declared with that type; a parameter of that type; or a field
 * (`c.httpClient.Get(url)`) that a struct of the same file declares with that type. The arguments
 * must be as many as the method takes. `client.Do(req)` sends a request built elsewhere and is not
 * a call site (the `http.NewRequest` is).
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import type { CallRecognizer, ScanContext } from './context';
import { findImportNames, readGoUrl } from './go-http';

// The client's sending methods, their method and how many arguments each takes.
const METHODS: ReadonlyMap<string, { method: string; arity: number }> = new Map([
  ['Get', { method: 'GET', arity: 1 }],
  ['Head', { method: 'HEAD', arity: 1 }],
  ['Post', { method: 'POST', arity: 3 }],
  ['PostForm', { method: 'POST', arity: 2 }],
]);
const FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);
const DECLARATIONS = ['short_var_declaration', 'var_spec', 'assignment_statement'];
// Functions around a use looked through for the name's declaration (closures nest a few deep).
const MAX_SCOPES = 8;

/** The recogniser for a `*http.Client`'s `Get`, `Head`, `Post` and `PostForm`. */
export const goHttpClientRecognizer: CallRecognizer = {
  client: 'net/http',
  languages: ['go'],
  recognize: findClientCalls,
};

function findClientCalls(context: ScanContext): HttpCall[] {
  const packages = findImportNames(context, 'net/http');
  if (packages.length === 0) return [];
  const { text } = context;
  const isClientType = (type: Node | null | undefined): boolean =>
    type != null && packages.some((name) => sliceNode(text, type).replace(/^\*/, '') === `${name}.Client`);
  const isClientValue = (value: Node | null | undefined): boolean => {
    if (value == null) return false;
    const written = sliceNode(text, value).replace(/\s+/g, '');
    return packages.some(
      (name) =>
        written === `${name}.DefaultClient` ||
        written === `new(${name}.Client)` ||
        written.startsWith(`&${name}.Client{`) ||
        written.startsWith(`${name}.Client{`),
    );
  };
  const fields = new Set<string>();
  for (const field of nodesOfType(context.root, 'field_declaration')) {
    if (field === null || !isClientType(field.childForFieldName('type'))) continue;
    for (const name of field.childrenForFieldName('name'))
      if (name !== null) fields.add(sliceNode(text, name));
  }
  const declared = new DeclarationIndex(text);
  const calls: HttpCall[] = [];
  for (const [methodName, { method, arity }] of METHODS) {
    for (const hit of context.findWordNodes(methodName)) {
      const [selector, call] = hit.ancestors;
      if (
        hit.node.type !== 'field_identifier' ||
        selector?.type !== 'selector_expression' ||
        call?.type !== 'call_expression' ||
        call.childForFieldName('function')?.id !== selector.id
      )
        continue;
      const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
        (arg): arg is Node => arg !== null && arg.type !== 'comment',
      );
      const operand = selector.childForFieldName('operand');
      if (args.length !== arity || operand == null) continue;
      const client =
        operand.type === 'selector_expression'
          ? fields.has(sliceNode(text, operand.childForFieldName('field') ?? operand))
          : operand.type === 'identifier' &&
            isClientName(operand, call, declared, isClientType, isClientValue);
      if (!client) continue;
      calls.push({
        kind: 'http',
        client: 'net/http',
        method,
        url: readGoUrl(args[0], text),
        location: context.locateNode(call),
        calleeLocation: context.locateCallee(selector),
        text: context.readExcerpt(call),
        origin: 'recognised',
      });
    }
  }
  return calls;
}

/** The declarations of each function (or of the file), by name, read once per scope. */
class DeclarationIndex {
  private readonly byScope = new Map<number, Map<string, Node[]>>();

  constructor(readonly text: string) {}

  /** The declarations of `name` that `scope` makes itself (not its nested functions), in order. */
  find(scope: Node, name: string): readonly Node[] {
    let names = this.byScope.get(scope.id);
    if (names === undefined) {
      names = new Map();
      const body = scope.type === 'source_file' ? scope : scope.childForFieldName('body');
      for (const declaration of body?.descendantsOfType(DECLARATIONS) ?? []) {
        if (declaration === null) continue;
        if (scope.type !== 'source_file' && nearestFunction(declaration)?.id !== scope.id) continue;
        for (const declaredName of readLeftNames(declaration, this.text)) {
          const list = names.get(declaredName) ?? [];
          list.push(declaration);
          names.set(declaredName, list);
        }
      }
      this.byScope.set(scope.id, names);
    }
    return names.get(name) ?? [];
  }
}

/**
 * Whether a name is a client where `use` stands: its last declaration above the use in the
 * functions around it (or at the top of the file), else a parameter of one of them.
 */
function isClientName(
  name: Node,
  use: Node,
  declared: DeclarationIndex,
  isClientType: (type: Node | null | undefined) => boolean,
  isClientValue: (value: Node | null | undefined) => boolean,
): boolean {
  const { text } = declared;
  const written = sliceNode(text, name);
  let scope: Node | null = use.parent;
  for (let depth = 0; scope !== null && depth < MAX_SCOPES; depth++) {
    while (scope !== null && !FUNCTIONS.has(scope.type) && scope.type !== 'source_file') scope = scope.parent;
    if (scope === null) return false;
    let last: { value: Node | null; type: Node | null } | undefined;
    for (const declaration of declared.find(scope, written)) {
      if (declaration.startIndex > use.startIndex) break;
      last = readDeclared(declaration, written, text) ?? last;
    }
    if (last !== undefined)
      return isClientValue(last.value) || (last.value === null && isClientType(last.type));
    for (const parameter of scope.childForFieldName('parameters')?.namedChildren ?? []) {
      if (parameter?.type !== 'parameter_declaration') continue;
      if (parameter.childrenForFieldName('name').some((n) => n !== null && sliceNode(text, n) === written))
        return isClientType(parameter.childForFieldName('type'));
    }
    if (scope.type === 'source_file') return false;
    scope = scope.parent;
  }
  return false;
}

function nearestFunction(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (FUNCTIONS.has(current.type)) return current;
  }
  return undefined;
}

// `client := &http.Client{}`, `var client *http.Client`, `client = http.DefaultClient`: the value
// (or the type, with no value) the declaration gives `name`; undefined when it does not declare it.
function readLeftNames(declaration: Node, text: string): string[] {
  const left =
    declaration.type === 'var_spec'
      ? declaration.childrenForFieldName('name')
      : (declaration.childForFieldName('left')?.namedChildren ?? []);
  return left.flatMap((n) => (n === null ? [] : [sliceNode(text, n)]));
}

function readDeclared(
  declaration: Node,
  name: string,
  text: string,
): { value: Node | null; type: Node | null } | undefined {
  const left = readLeftNames(declaration, text);
  const index = left.indexOf(name);
  if (index < 0) return undefined;
  const right =
    declaration.type === 'var_spec'
      ? declaration.childForFieldName('value')
      : declaration.childForFieldName('right');
  const values = right?.type === 'expression_list' ? right.namedChildren : right == null ? [] : [right];
  const type = declaration.type === 'var_spec' ? declaration.childForFieldName('type') : null;
  return { value: values.length === left.length ? (values[index] ?? null) : null, type };
}
