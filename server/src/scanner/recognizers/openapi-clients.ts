/**
 * Recognises calls of a client generated from a `.clearance.yaml` `openapi` document, by operation
 * name: `new PetApi(config).getPetById(7)` and `PetService.getPetById(7)` (TypeScript/JavaScript:
 * openapi-generator's typescript-axios and typescript-fetch, typescript-angular, openapi-typescript-
 * codegen), `PetApi(api_client).get_pet_by_id(7)` (Python), `client.PetAPI.GetPetById(ctx, 7)` (Go).
 * Each becomes a call with the operation's method and path template, so the document's route gives
 * its action and resource. A method name alone is no evidence (`cache.getPetById(7)` is not the
 * API): the receiver must be a generated API object, which is one of (see docs/recognisers.md):
 * 1. the class itself, or an object the call builds in place: `new PetApi(…)`, `PetApiFactory(…)`,
 *    `pet_api.PetApi(…)`, where the class is one of the operation's tags (or `Default` for an
 *    untagged one) followed by `Api`, `API`, `Service`, `ApiService` or `APIService`;
 * 2. a variable, field or parameter named after such a class (`petApi`, `self.pet_api`, `petService`),
 *    or declared in the file with such a class as its type or value (`api: PetApi`, `api = new PetApi()`);
 * 3. a name imported from a module the `openapi` entry's `client` names: then any object or function
 *    (orval's `getPetById(7)`) imported from there is the generated client.
 * Path parameters come from the arguments: positional ones in the generated method's order (the
 * operation's required parameters, in declaration order; in Go the path parameters after `ctx`), or
 * properties of a request object (`{ petId: 7 }`, `{ path: { petId: 7 } }`) or keyword arguments
 * (`pet_id=7`) named after them. A literal argument is the segment's value, any other is unknown.
 */

import { dirname, isAbsolute, resolve, sep } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { CALL_NODE_TYPE } from '../languages';
import { toCamelCase, toSnakeCase } from '../operation-names';
import { readPythonArguments } from '../python-syntax';
import { resolveBinding } from '../scopes';
import { countWords, sliceNode, unwrapExpression } from '../syntax';
import type { ApiOperation, HttpCall, ScanLanguage, UrlSegment } from '../types';
import { readLiteral } from './client-mappings';
import type { CallRecognizer, ScanContext } from './context';
import { readCallArguments, readObjectProperty } from './js-objects';
import { findCleanWordNodes } from './recovery';

const MEMBER_TYPES = new Set(['member_expression', 'attribute', 'selector_expression']);
const NAME_TYPES = new Set(['identifier', 'property_identifier', 'field_identifier', 'type_identifier']);
const CLASS_SUFFIXES = ['Api', 'API', 'Service', 'ApiService', 'APIService'];
// Declarations whose name and value or type may show a generated API object, per grammar.
const DECLARATIONS = new Set([
  'variable_declarator',
  'assignment_expression',
  'public_field_definition',
  'field_definition',
  'required_parameter',
  'optional_parameter',
  'assignment',
  'typed_parameter',
  'typed_default_parameter',
  'short_var_declaration',
  'var_spec',
  'assignment_statement',
  'parameter_declaration',
  'field_declaration',
]);
// After the declared name: `: PetApi` (TypeScript, Python) or ` *openapi.PetAPIService` (Go).
const TYPE_AFTER_NAME = /^\s*[?!]?\s*:\s*(?:readonly\s+)?(?:[\w$]+\.)*([\w$]+)/;
const GO_TYPE_AFTER_NAME = /^\s+\*?(?:\w+\.)*(\w+)/;
// After the declared name: `= new PetApi(`, `= PetApiFactory(`, `:= client.PetAPI`.
const VALUE_AFTER_NAME =
  /^[^=\n;]*?(?::=|=)\s*(?:await\s+)?(?:new\s+)?(?:[\w$]+\.)*([\w$]+)\s*(?:[(<]|$|[\n;,)])/;

/** The recogniser for generated OpenAPI clients; it finds nothing without `openapi` documents. */
export const openapiClientRecognizer: CallRecognizer = {
  client: 'openapi-client',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go'],
  recognize: findOperationCalls,
};

function findOperationCalls(context: ScanContext): HttpCall[] {
  const operations = context.clientMappings.flatMap((mapping) =>
    mapping.operation === undefined ? [] : [mapping.operation],
  );
  if (operations.length === 0) return [];
  // One pass over the text rules out the operations the file never names.
  const words = countWords(context.text);
  const calls: HttpCall[] = [];
  const seen = new Set<number>();
  for (const operation of operations) {
    const name = methodName(operation, context.language);
    if (!words.has(name)) continue;
    for (const hit of findCleanWordNodes(context, name)) {
      if (!NAME_TYPES.has(hit.node.type)) continue;
      const [parent, grandparent] = hit.ancestors;
      const member = parent !== undefined && MEMBER_TYPES.has(parent.type) ? parent : undefined;
      if (member !== undefined && member.lastNamedChild?.id !== hit.node.id) continue;
      const callee = member ?? hit.node;
      const call = member === undefined ? parent : grandparent;
      if (call?.type !== CALL_NODE_TYPE[context.language]) continue;
      if (call.childForFieldName('function')?.id !== callee.id || seen.has(call.id)) continue;
      const receiver = member?.firstNamedChild ?? undefined;
      const evidence =
        receiver === undefined
          ? isImportedFromClient(context, operation, hit.node)
          : isGeneratedObject(context, operation, receiver);
      if (!evidence) continue;
      seen.add(call.id);
      calls.push(buildCall(context, operation, call, callee));
    }
  }
  return calls;
}

/** The generated method's name in the file's language: camelCase, snake_case or PascalCase. */
function methodName(operation: ApiOperation, language: ScanLanguage): string {
  if (language === 'python') return operation.names.snake;
  if (language === 'go') return operation.names.pascal;
  return operation.names.camel;
}

function isGeneratedClass(operation: ApiOperation, name: string | undefined): boolean {
  if (name === undefined) return false;
  const bare = name.replace(/Factory$/, '');
  return operation.groups.some((group) => CLASS_SUFFIXES.some((suffix) => bare === group + suffix));
}

// `petApi`, `pet_api`, `PetAPI`: a name that is a generated class's, whatever its case and underscores.
function isNamedAfterClass(operation: ApiOperation, name: string): boolean {
  const plain = name.replace(/_/g, '').toLowerCase();
  return operation.groups.some((group) =>
    CLASS_SUFFIXES.some((suffix) => plain === (group + suffix).toLowerCase()),
  );
}

function isGeneratedObject(context: ScanContext, operation: ApiOperation, receiver: Node): boolean {
  const inner = unwrap(receiver);
  if (inner.type === 'new_expression') {
    const built = inner.childForFieldName('constructor');
    return (
      built !== null &&
      (isGeneratedClass(operation, lastName(context, built)) ||
        isImportedFromClient(context, operation, firstName(built)))
    );
  }
  if (inner.type === CALL_NODE_TYPE[context.language]) {
    const fn = inner.childForFieldName('function');
    return (
      fn !== null &&
      (isGeneratedClass(operation, lastName(context, fn)) ||
        isImportedFromClient(context, operation, firstName(fn)))
    );
  }
  const name = lastName(context, inner);
  if (name === undefined) return false;
  return (
    isGeneratedClass(operation, name) ||
    isNamedAfterClass(operation, name) ||
    isDeclaredAsGenerated(context, operation, name) ||
    isImportedFromClient(context, operation, firstName(inner))
  );
}

// A declaration of `name` in the file whose type or value is a generated class.
function isDeclaredAsGenerated(context: ScanContext, operation: ApiOperation, name: string): boolean {
  for (const hit of context.findWordNodes(name)) {
    if (!NAME_TYPES.has(hit.node.type)) continue;
    const declaration = hit.ancestors.find((ancestor) => DECLARATIONS.has(ancestor.type));
    if (declaration === undefined) continue;
    const after = context.text.slice(hit.node.endIndex, declaration.endIndex);
    const typed = (context.language === 'go' ? GO_TYPE_AFTER_NAME : TYPE_AFTER_NAME).exec(after)?.[1];
    const built = VALUE_AFTER_NAME.exec(after)?.[1];
    if (isGeneratedClass(operation, typed) || isGeneratedClass(operation, built)) return true;
    // `api = Orders(client)` where `Orders` comes from the configured client module.
    if (built !== undefined && isNameImportedFromClient(context, operation, built)) return true;
  }
  return false;
}

// Whether the name `node` spells is imported from a module the operation's document names.
function isImportedFromClient(
  context: ScanContext,
  operation: ApiOperation,
  node: Node | undefined,
): boolean {
  if (node === undefined || !NAME_TYPES.has(node.type)) return false;
  return isNameImportedFromClient(context, operation, sliceNode(context.text, node), node);
}

// The same for a name; `use`, when given, picks the JavaScript declaration in scope there.
function isNameImportedFromClient(
  context: ScanContext,
  operation: ApiOperation,
  name: string,
  use?: Node,
): boolean {
  if (operation.modules.length === 0) return false;
  const sources: string[] = [];
  if (context.language === 'python') {
    for (const match of context.text.matchAll(/^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([^)\n]*)/gm))
      if (
        (match[2] ?? '').split(',').some(
          (part) =>
            part
              .trim()
              .split(/\s+as\s+/)
              .pop() === name,
        )
      )
        sources.push(match[1] as string);
    for (const match of context.text.matchAll(/^[ \t]*import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+(\w+))?/gm))
      if ((match[2] ?? match[1]?.split('.')[0]) === name) sources.push(match[1] as string);
  } else if (context.language === 'go') {
    for (const match of context.text.matchAll(/^[ \t]*(?:import[ \t]+)?(?:(\w+)[ \t]+)?"([^"\n]+)"/gm))
      if ((match[1] ?? match[2]?.split('/').pop()) === name) sources.push(match[2] as string);
  } else {
    const bindings = context.findBindings(name);
    const found = use === undefined ? bindings : [resolveBinding(bindings, use)];
    for (const binding of found)
      if (binding?.kind === 'import' && binding.importSource !== undefined)
        sources.push(binding.importSource);
  }
  return sources.some((source) => operation.modules.some((module) => isModule(context.file, source, module)));
}

// `@acme/pets` matches `@acme/pets` and `@acme/pets/api`; `pets_client` matches `pets_client.api`;
// a folder (absolute, from `./generated`) matches a relative import that resolves into it.
function isModule(file: string, source: string, module: string): boolean {
  if (isAbsolute(module)) {
    if (!source.startsWith('.')) return false;
    const target = resolve(dirname(file), source);
    const base = module.replace(/[\\/]+$/, '');
    return target === base || target.startsWith(base + sep) || target.replace(/\.\w+$/, '') === base;
  }
  return source === module || source.startsWith(`${module}/`) || source.startsWith(`${module}.`);
}

function unwrap(node: Node): Node {
  let current = unwrapExpression(node);
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) {
    const inner = current.firstNamedChild;
    if (inner === null) break;
    current = unwrapExpression(inner);
  }
  return current;
}

// `this.petApi` → `petApi`, `client.PetAPI` → `PetAPI`, `petstore.PetApi` → `PetApi`.
function lastName(context: ScanContext, node: Node): string | undefined {
  if (NAME_TYPES.has(node.type)) return sliceNode(context.text, node);
  if (MEMBER_TYPES.has(node.type)) {
    const last = node.lastNamedChild;
    return last !== null && NAME_TYPES.has(last.type) ? sliceNode(context.text, last) : undefined;
  }
  return undefined;
}

// The leftmost name of `a.b.c`: the one an import would bind.
function firstName(node: Node): Node | undefined {
  let current: Node | null = node;
  while (current !== null && MEMBER_TYPES.has(current.type)) current = current.firstNamedChild;
  return current ?? undefined;
}

function buildCall(context: ScanContext, operation: ApiOperation, call: Node, callee: Node): HttpCall {
  const values = readPathParams(context, operation, call);
  const segments: UrlSegment[] = [];
  let source = '';
  const pushLiteral = (text: string) => {
    const last = segments[segments.length - 1];
    if (last?.kind === 'literal') last.text += text;
    else segments.push({ kind: 'literal', text });
    source += text;
  };
  for (const piece of operation.path.split(/(\{[^}/]+\})/)) {
    if (piece === '') continue;
    const param = /^\{([^}/]+)\}$/.exec(piece)?.[1];
    const value = param === undefined ? undefined : values.get(param);
    if (param === undefined) pushLiteral(piece);
    else if (value?.known === true) pushLiteral(encodeURIComponent(value.text));
    else {
      const expression = value?.text ?? param;
      segments.push({ kind: 'expr', source: expression });
      source += `\${${expression}}`;
    }
  }
  return {
    kind: 'http',
    client: 'openapi-client',
    method: operation.method,
    url: { source, segments, known: true },
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'recognised',
    operation: { id: operation.id, document: operation.document },
  };
}

/** A path parameter's argument: its literal value (`known`) or its source text. */
interface ArgumentValue {
  known: boolean;
  text: string;
}

function readPathParams(
  context: ScanContext,
  operation: ApiOperation,
  call: Node,
): Map<string, ArgumentValue> {
  const values = new Map<string, ArgumentValue>();
  const read = (node: Node | undefined): ArgumentValue | undefined => {
    if (node === undefined) return undefined;
    const literal = readLiteral(node, context.language, context.text);
    return literal === undefined
      ? { known: false, text: sliceNode(context.text, node) }
      : { known: true, text: literal };
  };
  if (context.language === 'python') {
    const { positional, keywords } = readPythonArguments(call);
    for (const param of operation.pathParams) {
      const keyword = keywords.get(toSnakeCase(param)) ?? keywords.get(param);
      const value = read(keyword ?? positional[operation.positional.indexOf(param)]);
      if (value !== undefined) values.set(param, value);
    }
    return values;
  }
  const args = readCallArguments(call);
  if (context.language === 'go') {
    // Go's generated method takes the context, then the path parameters in path order.
    operation.pathParams.forEach((param, index) => {
      const value = read(args[index + 1]);
      if (value !== undefined) values.set(param, value);
    });
    return values;
  }
  const [first] = args;
  const request = first !== undefined && unwrapExpression(first).type === 'object' ? first : undefined;
  for (const param of operation.pathParams) {
    let value: ArgumentValue | undefined;
    if (request !== undefined) {
      const path = readObjectProperty(request, 'path', context.text);
      value =
        readRequestProperty(context, request, param, read) ??
        (path.kind === 'value' ? readRequestProperty(context, path.node, param, read) : undefined);
    } else {
      value = read(args[operation.positional.indexOf(param)]);
    }
    if (value !== undefined) values.set(param, value);
  }
  return values;
}

// `{ petId: 7 }` → 7; `{ petId }` → unknown `petId`; the property may be written camelCased.
function readRequestProperty(
  context: ScanContext,
  object: Node,
  param: string,
  read: (node: Node | undefined) => ArgumentValue | undefined,
): ArgumentValue | undefined {
  for (const key of new Set([param, toCamelCase(param)])) {
    const reading = readObjectProperty(object, key, context.text);
    if (reading.kind === 'value') return read(reading.node);
    if (reading.kind === 'unknown') return { known: false, text: key };
  }
  return undefined;
}
