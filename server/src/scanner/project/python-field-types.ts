/**
 * The classes Python fields are declared to hold, read from annotations: a field assigned from an
 * annotated parameter (`def __init__(self, parent: "BaseClient"): self.parent = parent`), an
 * annotated assignment (`self.api: Api = api`) and a class-level annotation (`client: Client`);
 * also a field assigned a new instance (`self.connection = ConnectionManager(url)`).
 * `self.parent.request(...)` then goes to `BaseClient` (or a class related to it).
 * A field assigned what an own method returns (`self.http = self.connect(host)`, the method's body in
 * a subclass of another module: `def connect(...): return HttpClient(host)`) holds the class that
 * method builds: kept as a factory key (`()Owner.connect`) that `resolveFactoryFields` replaces.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { sliceNode } from '../syntax';
import { relatedClasses } from './class-graph';

// `"BaseClient"`, `Optional[Api]`, `pkg.Client`: one class name, capitalised as classes are written.
const CLASS_TYPE = /^["']?(?:Optional\[)?(?:[A-Za-z_]\w*\.)*([A-Z]\w*)\]?["']?$/;

/** The `[field, class]` pairs one Python module's annotations give. */
export function readPythonFieldTypes(root: Node, text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const cls of nodesOfType(root, 'class_definition')) {
    const body = cls?.childForFieldName('body');
    if (body == null) continue;
    // Class-level annotations: `client: Client` (with or without a value).
    for (const statement of body.namedChildren) {
      const assignment = statement?.type === 'expression_statement' ? statement.firstNamedChild : null;
      const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
      const type = readClassType(assignment?.childForFieldName('type'), text);
      if (left?.type === 'identifier' && type !== undefined) out.push([sliceNode(text, left), type]);
    }
    const owner = cls?.childForFieldName('name');
    const ownerName = owner == null ? '' : sliceNode(text, owner);
    for (const statement of body.namedChildren) {
      const fn =
        statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      if (fn?.type !== 'function_definition') continue;
      const built = readReturnedClass(fn, text);
      const method = fn.childForFieldName('name');
      if (built !== undefined && method != null)
        out.push([factoryKey(ownerName, sliceNode(text, method)), built]);
    }
    for (const fn of nodesOfType(body, 'function_definition')) {
      if (fn === null) continue;
      const typedParams = readTypedParams(fn, text);
      for (const assignment of nodesOfType(fn, 'assignment')) {
        const left = assignment?.childForFieldName('left');
        if (
          left?.type !== 'attribute' ||
          sliceNode(text, left.childForFieldName('object') ?? left) !== 'self'
        )
          continue;
        const field = left.childForFieldName('attribute');
        const right = assignment?.childForFieldName('right');
        const type =
          readClassType(assignment?.childForFieldName('type'), text) ??
          (right?.type === 'identifier' ? typedParams.get(sliceNode(text, right)) : undefined) ??
          readConstructedClass(right, text) ??
          readOwnFactory(right, ownerName, text);
        if (field != null && type !== undefined) out.push([sliceNode(text, field), type]);
      }
    }
  }
  return out;
}

// `self.connection = ConnectionManager(base_url=url)`: an instance of the class named (a bare,
// capitalised name: a class of the module or imported by name, not a library's `pkg.Class`).
function readConstructedClass(right: Node | null | undefined, text: string): string | undefined {
  const callee = right?.type === 'call' ? right.childForFieldName('function') : null;
  const name = callee?.type === 'identifier' ? sliceNode(text, callee) : '';
  return /^[A-Z]\w*$/.test(name) && /[a-z]/.test(name) ? name : undefined;
}

// The prefix no Python name starts with: a factory key is never a field's name.
const FACTORY = '()';

function factoryKey(owner: string, method: string): string {
  return `${FACTORY}${owner}.${method}`;
}

// `self.connect(host, port)`: the factory key of the own method called (a nested class's methods
// are read with their own class, so `ownerName` is the class whose body holds the assignment).
function readOwnFactory(right: Node | null | undefined, ownerName: string, text: string): string | undefined {
  const callee = right?.type === 'call' ? right.childForFieldName('function') : null;
  if (callee?.type !== 'attribute' || ownerName === '') return undefined;
  const object = callee.childForFieldName('object');
  const method = callee.childForFieldName('attribute');
  if (object == null || method == null || sliceNode(text, object) !== 'self') return undefined;
  return factoryKey(ownerName, sliceNode(text, method));
}

// `return HttpClient(host, port)` in a method (its own body, not a nested function's): the class.
function readReturnedClass(fn: Node, text: string): string | undefined {
  for (const statement of nodesOfType(fn, 'return_statement')) {
    const value = statement?.firstNamedChild;
    let up = statement?.parent;
    while (up != null && up.type !== 'function_definition') up = up.parent;
    if (up?.id !== fn.id) continue;
    const built = readConstructedClass(value, text);
    if (built !== undefined) return built;
  }
  return undefined;
}

/**
 * Replaces each field's factory keys with the classes the method builds in the class of the
 * assignment or any class related to it by inheritance (the body is most often a subclass's
 * override in another module), and drops the factory keys themselves.
 */
export function resolveFactoryFields(
  fieldTypes: Map<string, Set<string>>,
  classes: ReadonlyMap<string, readonly string[]>,
): void {
  const built = new Map<string, Array<{ owner: string; types: ReadonlySet<string> }>>();
  for (const [key, types] of fieldTypes) {
    if (!key.startsWith(FACTORY)) continue;
    const dot = key.lastIndexOf('.');
    const method = key.slice(dot + 1);
    built.set(method, [...(built.get(method) ?? []), { owner: key.slice(FACTORY.length, dot), types }]);
  }
  if (built.size === 0) return;
  for (const key of [...fieldTypes.keys()]) if (key.startsWith(FACTORY)) fieldTypes.delete(key);
  for (const types of fieldTypes.values()) {
    for (const type of [...types]) {
      if (!type.startsWith(FACTORY)) continue;
      types.delete(type);
      const dot = type.lastIndexOf('.');
      const owner = type.slice(FACTORY.length, dot);
      for (const candidate of built.get(type.slice(dot + 1)) ?? []) {
        if (relatedClasses(classes, owner, candidate.owner)) for (const t of candidate.types) types.add(t);
      }
    }
  }
}

function readTypedParams(fn: Node, text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param?.type !== 'typed_parameter' && param?.type !== 'typed_default_parameter') continue;
    const name = param.type === 'typed_parameter' ? param.firstNamedChild : param.childForFieldName('name');
    const type = readClassType(param.childForFieldName('type'), text);
    if (name?.type === 'identifier' && type !== undefined) out.set(sliceNode(text, name), type);
  }
  return out;
}

function readClassType(type: Node | null | undefined, text: string): string | undefined {
  return type == null ? undefined : CLASS_TYPE.exec(sliceNode(text, type).replace(/\s+/g, ''))?.[1];
}
