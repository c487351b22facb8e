/**
 * Recognises a project's own client functions, named in `.clearance.yaml` `clients`
 * (`ordersClient.remove($id)`), as calls with the action and resource the mapping gives. The
 * receiver matches as written, or as the last part of a longer one (`this.ordersClient`,
 * `self.orders_client`). `$name` in the resource id takes the argument in that parameter's
 * position: its value when it is a literal, unknown (with its source) otherwise.
 */

import type { Node } from 'web-tree-sitter';
import { CALL_NODE_TYPE } from '../languages';
import { readPythonString } from '../python-syntax';
import { readConstantString, sliceNode } from '../syntax';
import type { CallResource, ClientMapping, HttpCall, ScanLanguage } from '../types';
import type { CallRecognizer, ScanContext } from './context';
import { readGoString } from './go-http';
import { findCleanWordNodes } from './recovery';

const MEMBER_TYPES = new Set(['member_expression', 'attribute', 'selector_expression']);
const NAME_TYPES = new Set(['identifier', 'property_identifier', 'field_identifier']);
const NUMBER_TYPES = new Set(['number', 'integer', 'int_literal', 'float', 'float_literal']);

/** The recogniser for client mappings; it finds nothing unless the scanner was given mappings. */
export const clientMappingRecognizer: CallRecognizer = {
  client: 'custom',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go'],
  recognize: findMappedCalls,
};

function findMappedCalls(context: ScanContext): HttpCall[] {
  const calls: HttpCall[] = [];
  for (const mapping of context.clientMappings) {
    // An OpenAPI operation is matched by the generated-client rule (openapi-clients.ts).
    if (mapping.operation !== undefined) continue;
    const dot = mapping.callee.lastIndexOf('.');
    const receiver = dot < 0 ? undefined : mapping.callee.slice(0, dot).replace(/\s+/g, '');
    const name = mapping.callee.slice(dot + 1);
    for (const hit of findCleanWordNodes(context, name)) {
      const node = hit.node;
      if (!NAME_TYPES.has(node.type)) continue;
      const [parent, grandparent] = hit.ancestors;
      let call: Node | undefined;
      let callee: Node;
      if (receiver === undefined) {
        call = parent;
        callee = node;
      } else {
        if (parent === undefined || !MEMBER_TYPES.has(parent.type) || parent.lastNamedChild?.id !== node.id)
          continue;
        const object = parent.firstNamedChild;
        const written = object === null ? '' : sliceNode(context.text, object).replace(/\s+/g, '');
        if (written !== receiver && !written.endsWith(`.${receiver}`)) continue;
        call = grandparent;
        callee = parent;
      }
      if (
        call?.type !== CALL_NODE_TYPE[context.language] ||
        call.childForFieldName('function')?.id !== callee.id
      )
        continue;
      calls.push(buildMappedCall(context, mapping, call, callee));
    }
  }
  return calls;
}

function buildMappedCall(context: ScanContext, mapping: ClientMapping, call: Node, callee: Node): HttpCall {
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment' && arg.type !== 'keyword_argument',
  );
  const source = sliceNode(context.text, callee);
  let resource: CallResource | undefined;
  if (mapping.resource !== undefined) {
    const id = mapping.resource.id;
    resource = { type: mapping.resource.type };
    if (id?.known === true) resource.id = id;
    else if (id !== undefined) {
      const index = mapping.params.indexOf(id.source.replace(/^\$/, ''));
      const argument = index < 0 ? undefined : args[index];
      const value =
        argument === undefined ? undefined : readLiteral(argument, context.language, context.text);
      resource.id =
        value !== undefined
          ? { known: true, value }
          : { known: false, source: argument === undefined ? id.source : sliceNode(context.text, argument) };
    }
  }
  return {
    kind: 'http',
    client: 'custom',
    method: undefined,
    url: { source, segments: [{ kind: 'expr', source }], known: false },
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'mapping',
    ...(mapping.action === undefined ? {} : { action: mapping.action }),
    ...(resource === undefined ? {} : { resource }),
  };
}

/** A string or number literal's value in the file's language. */
export function readLiteral(node: Node, language: ScanLanguage, text: string): string | undefined {
  if (NUMBER_TYPES.has(node.type)) return sliceNode(text, node);
  if (language === 'python') return readPythonString(node, text);
  if (language === 'go') return readGoString(node, text);
  return readConstantString(node, text);
}
