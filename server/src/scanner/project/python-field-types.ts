/**
 * The classes Python fields are declared to hold, read from annotations: a field assigned from an
 * annotated parameter (`def __init__(self, parent: "BaseClient"): self.parent = parent`), an
 * annotated assignment (`self.api: Api = api`) and a class-level annotation (`client: Client`);
 * also a field assigned a new instance (`self.connection = ConnectionManager(url)`).
 * `self.parent.request(...)` then goes to `BaseClient` (or a class related to it).
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { sliceNode } from '../syntax';

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
          readConstructedClass(right, text);
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
