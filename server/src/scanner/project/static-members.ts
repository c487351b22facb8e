/**
 * A class's static string members (JavaScript/TypeScript) as URL parts: `static RESOURCE = '/shelves'`
 * and `static get RESOURCE() { return RESOURCE_PATH }` over a module constant, named `Shelves.RESOURCE`
 * by the class's own methods and by other modules that import the class (a resource class whose
 * children build their paths on their parent's: `` `${Shelves.RESOURCE}/${this.id}` ``). The file's
 * own classes are read from its tree; other modules' from the constants they share.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';
import type { ScanLanguage, UrlSegment } from '../types';
import { isJsLanguage } from './code-shape';
import type { SharedValues } from './types';

const STATIC_MEMBER = /^([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)$/;
const CLASS_TYPES = new Set(['class_declaration', 'abstract_class_declaration']);

type Read = (node: Node) => UrlSegment[];

// Per tree: each class of the module, by name, with its static string members.
const cache = new WeakMap<object, Map<string, ClassStatics>>();
// How many bases up a member is looked for.
const MAX_BASES = 3;

/** The static string members of a module's top-level classes, as `Class.MEMBER` and their value. */
export function readStaticMembers(root: Node, text: string, read: Read): Array<[string, UrlSegment[]]> {
  const out: Array<[string, UrlSegment[]]> = [];
  for (const [cls, { members }] of classMembers(root, text, read))
    for (const [member, value] of members) out.push([`${cls}.${member}`, value]);
  return out;
}

/**
 * What `Shelves.RESOURCE` holds at `use`: the static member of a class of this module, else the
 * one another module shares under that name; undefined when it is not a static string member.
 */
export function readStaticMember(
  source: string,
  use: Node,
  language: ScanLanguage,
  text: string,
  read: Read,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  if (!isJsLanguage(language)) return undefined;
  const match = STATIC_MEMBER.exec(source);
  if (match === null) return undefined;
  const [, cls = '', member = ''] = match;
  // A class names itself with a capital; `this.x`, `options.path` and other values are not classes.
  if (!/^[A-Z]/.test(cls)) return undefined;
  return lookUp(cls, member, classMembers(use.tree.rootNode, text, read), shared, 0);
}

// The member in the class, else in its bases (`class Drafts extends Ledgers` reads `Ledgers.BASE`
// as `Drafts.BASE`): this module's classes first, then those other modules share.
function lookUp(
  cls: string,
  member: string,
  local: Map<string, ClassStatics>,
  shared: SharedValues | undefined,
  depth: number,
): UrlSegment[] | undefined {
  const own = local.get(cls);
  const found = own !== undefined ? own.members.get(member) : shared?.constants.get(`${cls}.${member}`);
  if (found != null) return [...found];
  if (depth >= MAX_BASES) return undefined;
  for (const base of own?.bases ?? shared?.classes?.get(cls) ?? []) {
    const inherited = lookUp(base.replace(/<.*$/s, '').trim(), member, local, shared, depth + 1);
    if (inherited !== undefined) return inherited;
  }
  return undefined;
}

interface ClassStatics {
  members: Map<string, UrlSegment[]>;
  bases: string[];
}

function classMembers(root: Node, text: string, read: Read): Map<string, ClassStatics> {
  let classes = cache.get(root.tree);
  if (classes !== undefined) return classes;
  classes = new Map();
  cache.set(root.tree, classes);
  for (const statement of root.namedChildren) {
    const cls =
      statement?.type === 'export_statement'
        ? statement.namedChildren.find((c) => c !== null && CLASS_TYPES.has(c.type))
        : statement;
    if (cls == null || !CLASS_TYPES.has(cls.type)) continue;
    const name = cls.childForFieldName('name');
    const body = cls.childForFieldName('body');
    if (name === null || body === null) continue;
    const members = new Map<string, UrlSegment[]>();
    for (const item of body.namedChildren) {
      const member = item === null ? undefined : readStaticString(item, text, read);
      if (member !== undefined) members.set(member[0], member[1]);
    }
    classes.set(sliceNode(text, name), { members, bases: readBases(cls, text) });
  }
  return classes;
}

// `class Drafts extends Ledgers<Entry>`: the class it extends (`Ledgers`).
function readBases(cls: Node, text: string): string[] {
  const heritage = cls.namedChildren.find((c) => c?.type === 'class_heritage');
  const clause = heritage?.namedChildren.find((c) => c?.type === 'extends_clause') ?? heritage;
  const value = clause?.childForFieldName('value') ?? clause?.firstNamedChild;
  return value == null || value.type === 'class_heritage' ? [] : [sliceNode(text, value)];
}

// `static RESOURCE = '/shelves'`, `static readonly RESOURCE = BASE`, `static get RESOURCE() { return BASE }`.
function readStaticString(item: Node, text: string, read: Read): [string, UrlSegment[]] | undefined {
  if (!item.children.some((c) => c?.type === 'static')) return undefined;
  const name = item.childForFieldName('name');
  if (name === null) return undefined;
  let value: Node | null | undefined;
  if (item.type === 'public_field_definition') value = item.childForFieldName('value');
  else if (item.type === 'method_definition' && item.children.some((c) => c?.type === 'get')) {
    const statements = (item.childForFieldName('body')?.namedChildren ?? []).filter(
      (c) => c !== null && c.type !== 'comment',
    );
    const only = statements.length === 1 ? statements[0] : undefined;
    value = only?.type === 'return_statement' ? only.firstNamedChild : undefined;
  }
  if (value == null) return undefined;
  const segments = read(value);
  return segments.length > 0 &&
    segments.every((s) => s.kind === 'literal') &&
    segments.some((s) => s.text !== '')
    ? [sliceNode(text, name), segments]
    : undefined;
}
