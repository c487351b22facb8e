/**
 * Clients injected through a constructor (JavaScript/TypeScript): `class Resource { constructor(
 * transport) { this.transport = transport } }` and, in the client's class, `this.parcels = new
 * Parcels(this)` where `Parcels extends Resource`. Nothing declares the field's type (plain
 * JavaScript, or an untyped parameter), but what the constructor stores is what its callers hand
 * it: the field holds the class that constructs the resource. Each file gives its constructors'
 * parameter -> field assignments (and what they hand `super(...)`) and its `new C(this)` sites;
 * the project view joins them, across files and up the `extends` chain, into field types.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readCallArguments } from '../recognizers/js-objects';
import { sliceNode, unwrapExpression } from '../syntax';
import type { ConstructorFact, InjectionFact } from './types';

const CLASSES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);
const CLASS_NAME = /^[A-Z][\w$]*$/;
// How many classes up an `extends` chain a constructor argument is followed.
const MAX_CHAIN = 8;

/** A file's constructors and the `new C(this)` sites in it (JavaScript/TypeScript). */
export function readInjectionFacts(
  root: Node,
  text: string,
): { constructors: ConstructorFact[]; injections: InjectionFact[] } {
  const constructors: ConstructorFact[] = [];
  for (const method of nodesOfType(root, 'method_definition')) {
    const name = method?.childForFieldName('name') ?? null;
    const owner = method === null ? undefined : readClassName(method, text);
    if (method === null || name === null || owner === undefined || sliceNode(text, name) !== 'constructor')
      continue;
    const params = readParameterNames(method, text);
    const fields: Array<[number, string]> = [];
    const supers: Array<[number, number]> = [];
    for (const assignment of nodesOfType(method, 'assignment_expression')) {
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      const property = left?.childForFieldName('property');
      if (left?.type !== 'member_expression' || left.childForFieldName('object')?.type !== 'this') continue;
      const index = right?.type === 'identifier' ? params.indexOf(sliceNode(text, right)) : -1;
      if (index >= 0 && property != null) fields.push([index, sliceNode(text, property)]);
    }
    for (const call of nodesOfType(method, 'call_expression')) {
      if (call?.childForFieldName('function')?.type !== 'super') continue;
      readCallArguments(call).forEach((arg, at) => {
        const index = arg.type === 'identifier' ? params.indexOf(sliceNode(text, arg)) : -1;
        if (index >= 0) supers.push([index, at]);
      });
    }
    constructors.push({ owner, fields, supers });
  }
  const injections: InjectionFact[] = [];
  for (const site of nodesOfType(root, 'new_expression')) {
    const callee = site?.childForFieldName('constructor');
    const holder = site === null ? undefined : readClassName(site, text);
    if (site === null || callee?.type !== 'identifier' || holder === undefined) continue;
    const constructed = sliceNode(text, callee);
    if (!CLASS_NAME.test(constructed)) continue;
    readCallArguments(site).forEach((arg, index) => {
      if (unwrapExpression(arg).type === 'this') injections.push({ constructed, index, holder });
    });
  }
  return { constructors, injections };
}

/**
 * Field name -> class pairs the injections give: for `new C(this)` inside class X at argument k,
 * the constructor that runs (C's own, else its nearest base's) and the field it stores argument k
 * in, following `super(...)` hand-overs up the chain. A class name with two constructors in the
 * project (two apps) gives nothing.
 */
export function resolveInjectedFields(
  constructors: readonly ConstructorFact[],
  injections: readonly InjectionFact[],
  classes: ReadonlyMap<string, readonly string[]>,
): Array<[string, string]> {
  const byOwner = new Map<string, ConstructorFact | null>();
  for (const fact of constructors) byOwner.set(fact.owner, byOwner.has(fact.owner) ? null : fact);
  const out: Array<[string, string]> = [];
  for (const { constructed, index, holder } of injections) {
    let cls: string | undefined = constructed;
    let at = index;
    for (let step = 0; cls !== undefined && step < MAX_CHAIN; step++) {
      const fact = byOwner.get(cls);
      if (fact === null) break;
      if (fact !== undefined) {
        for (const [param, field] of fact.fields) if (param === at) out.push([field, holder]);
        const handed = fact.supers.find(([param]) => param === at);
        if (handed === undefined) break;
        at = handed[1];
      }
      cls = classes.get(cls)?.[0];
    }
  }
  return out;
}

// The name of the class a node is inside (its nearest one).
function readClassName(node: Node, text: string): string | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (!CLASSES.has(current.type)) continue;
    const name = current.childForFieldName('name');
    return name === null ? undefined : sliceNode(text, name);
  }
  return undefined;
}

// `constructor(transport, opts = {})`, `constructor(private readonly t: T)`: each parameter's name
// ('' for a destructured one, which keeps the positions).
function readParameterNames(method: Node, text: string): string[] {
  const params = method.childForFieldName('parameters')?.namedChildren ?? [];
  return params
    .filter((p): p is Node => p !== null && p.type !== 'comment')
    .map((param) => {
      let name: Node | null = param.childForFieldName('pattern') ?? param;
      if (name?.type === 'assignment_pattern') name = name.childForFieldName('left');
      return name?.type === 'identifier' ? sliceNode(text, name) : '';
    });
}
