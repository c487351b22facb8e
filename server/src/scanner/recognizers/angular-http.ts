/**
 * Recognises Angular's `HttpClient`: in a file that imports it from `@angular/common/http`, the
 * names that hold one (a constructor parameter or field typed `HttpClient`, or a field or variable
 * set to `inject(HttpClient)`) and their calls `this.http.get<T>(url)`, `http.post(url, body)`,
 * `this.http.request('DELETE', url)`. The client is found by its declared type, which is how
 * Angular hands it over (dependency injection), not by a value the code assigns. NestJS's
 * `HttpService` (`@nestjs/axios`) is injected the same way and has the same verbs (returning
 * observables), and its `axiosRef` is the axios instance itself: `this.httpService.axiosRef.get(url)`.
 */

import type { Node } from 'web-tree-sitter';
import { JS_LANGUAGES } from '../languages';
import { readConstantString, sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import { readUrlTemplate } from '../url-template';
import type { CallRecognizer, ScanContext } from './context';
import { HTTP_HELPERS, readCallArguments } from './js-objects';
import { findCleanWordNodes } from './recovery';

// The injected clients: the module each comes from, the class it is typed with, the library.
const CLIENTS = [
  { module: '@angular/common/http', type: 'HttpClient', client: 'angular' },
  { module: '@nestjs/axios', type: 'HttpService', client: 'axios' },
] as const;
const HELPERS: ReadonlyMap<string, string> = new Map([...HTTP_HELPERS, ['jsonp', 'GET']]);
const HOLDERS = new Set(['required_parameter', 'optional_parameter', 'public_field_definition']);

/** The recogniser for Angular's `HttpClient`. */
export const angularHttpRecognizer: CallRecognizer = {
  client: 'angular',
  languages: JS_LANGUAGES,
  recognize: findAngularCalls,
};

function findAngularCalls(context: ScanContext): HttpCall[] {
  const calls: HttpCall[] = [];
  for (const { client, typeName } of findImportedNames(context)) {
    for (const holder of findHolders(context, typeName)) {
      for (const hit of findCleanWordNodes(context, holder)) {
        const [first, second, third] = hit.ancestors;
        // `this.http.get(...)`: the name is the inner member's property; `http.get(...)`: an identifier.
        let member: Node | undefined;
        let call: Node | undefined;
        if (hit.node.type === 'property_identifier' && first?.type === 'member_expression') {
          if (first.childForFieldName('object')?.type !== 'this') continue;
          member = second;
          call = third;
          // `this.httpService.axiosRef.get(...)`: NestJS's axios instance under the service.
          const property = member?.childForFieldName('property');
          if (client === 'axios' && property != null && sliceNode(context.text, property) === 'axiosRef') {
            member = third;
            call = third?.parent ?? undefined;
          }
        } else if (hit.node.type === 'identifier') {
          member = first;
          call = second;
          if (member?.childForFieldName('object')?.id !== hit.node.id) continue;
        } else {
          continue;
        }
        if (member?.type !== 'member_expression' || call?.type !== 'call_expression') continue;
        if (call.childForFieldName('function')?.id !== member.id) continue;
        const helper = sliceNode(context.text, member.childForFieldName('property') ?? member);
        const found = readCall(context, call, member, helper, client);
        if (found !== undefined) calls.push(found);
      }
    }
  }
  return calls;
}

function readCall(
  context: ScanContext,
  call: Node,
  callee: Node,
  helper: string,
  client: 'angular' | 'axios',
): HttpCall | undefined {
  const args = readCallArguments(call);
  let method: string | undefined;
  let urlNode: Node | undefined;
  if (helper === 'request') {
    const first = args[0];
    // `request(new HttpRequest(...))` carries its method and URL in an object this does not follow.
    if (first === undefined || args[1] === undefined) return undefined;
    method = readConstantString(first, context.text)?.toUpperCase();
    urlNode = args[1];
  } else {
    method = HELPERS.get(helper);
    if (method === undefined) return undefined;
    urlNode = args[0];
  }
  return {
    kind: 'http',
    client,
    method,
    url: readUrlTemplate(urlNode, context.text),
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'recognised',
  };
}

/** The local names of the injected clients the file imports (`HttpClient`, `HttpService`), with their library. */
function findImportedNames(context: ScanContext): Array<{ client: 'angular' | 'axios'; typeName: string }> {
  const names: Array<{ client: 'angular' | 'axios'; typeName: string }> = [];
  for (const statement of context.root.namedChildren) {
    if (statement?.type !== 'import_statement') continue;
    const source = statement.childForFieldName('source');
    const module = source === null ? undefined : readConstantString(source, context.text);
    const wanted = CLIENTS.find((entry) => entry.module === module);
    if (wanted === undefined) continue;
    for (const specifier of statement.descendantsOfType('import_specifier')) {
      const name = specifier?.childForFieldName('name');
      if (name === null || name === undefined || sliceNode(context.text, name) !== wanted.type) continue;
      const alias = specifier?.childForFieldName('alias');
      names.push({ client: wanted.client, typeName: sliceNode(context.text, alias ?? name) });
    }
  }
  return names;
}

/** The names typed `HttpClient` or set to `inject(HttpClient)`. */
function findHolders(context: ScanContext, typeName: string): Set<string> {
  const holders = new Set<string>();
  for (const hit of findCleanWordNodes(context, typeName)) {
    const [first, second, third] = hit.ancestors;
    let holder: Node | undefined;
    if (hit.node.type === 'type_identifier' && first?.type === 'type_annotation') holder = second;
    else if (
      hit.node.type === 'identifier' &&
      first?.type === 'arguments' &&
      second?.type === 'call_expression' &&
      sliceNode(context.text, second.childForFieldName('function') ?? second) === 'inject'
    )
      holder = third;
    if (holder === undefined) continue;
    const name =
      holder.type === 'variable_declarator'
        ? holder.childForFieldName('name')
        : HOLDERS.has(holder.type)
          ? (holder.childForFieldName('pattern') ?? holder.childForFieldName('name'))
          : null;
    if (name !== null && name !== undefined && /^(?:identifier|property_identifier)$/.test(name.type))
      holders.add(sliceNode(context.text, name));
  }
  return holders;
}
