/**
 * Python class members that hold a path, read through inheritance. A base class of another module
 * often builds its URLs from what each subclass declares (`_path = "/stores/{store_id}/items"` as a
 * class attribute), reached through its own property, field or method (`@property def path(self):
 * return self._resolved`, `self._resolved = self._resolve()` in `__init__`, `def _resolve(self):
 * return self._path.format(**ids)`). `self` is the concrete object, so `self.path` in a subclass
 * reads each step in that subclass first, then in its bases.
 *
 * Each module shares its classes' members as constants named `Class.member` (a method called with
 * no argument as `Class.method()`): a class attribute, a property's one returned value, a field the
 * class assigns exactly once, a method's value where every `return` gives the same. A member is
 * shared only when it is text or names one other member (`self.x`, `self.x()`) or a path table's
 * entry; anything else leaves `self.member` unknown, as before.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import { overriddenBelow, readLeafClassName } from './python-class-names';
import { pathTableEntryName } from './python-path-tables';
import type { SharedValues } from './types';
import { readUrlValue } from './values';

const SELF_MEMBER = /^self\.([A-Za-z_]\w*)(\(\))?$/;
// `self.manager.path`: a member of the object a field holds.
const FIELD_MEMBER = /^self\.([A-Za-z_]\w*)\.([A-Za-z_]\w*(?:\(\))?)$/;
// `Manager`, `base.Manager[Item]`, `"Manager"`: the class an annotation names.
const ANNOTATED_CLASS = /^["']?(?:[A-Za-z_]\w*\.)*([A-Z]\w*)(?:\[.*\])?["']?$/s;
const CLASS_NAME = /^[A-Z]\w*$/;
const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;
// How a default naming a constant is kept: read as a base URL, never as any other expression.
const BASE_CONSTANT = 'base-url:';
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i;
const TABLE_ENTRY = /^([A-Za-z_]\w*)\[(?:"([^"\\]*)"|'([^'\\]*)')\]$/;
const PROPERTY = /^@(?:functools\.)?(?:property|cached_property)$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;
// Bounds on what one use may follow: the steps from member to member, the bases of a class, the
// returns of a method read, the members one module shares.
const MAX_STEPS = 8;
const MAX_CLASSES = 24;
const MAX_RETURNS = 4;
const MAX_MEMBERS = 4_000;
// `self.__class__.__name__.lower()`, `type(self).__name__.lower()`, `cls.__name__.lower()`: the
// concrete class's own name as a path part (python-class-names.ts says when it is known).
// One word of a path a member may hold without a `/`: `secret`, `v3`, `api.v2`.
const PATH_WORD = /^[A-Za-z0-9][\w.~-]*$/;
const CLASS_OWN_NAME = /^(?:self\.__class__|type\(self\)|cls)\.__name__\.lower\(\)$/;

/** The shared name of a class's member: `Class.member`, `Class.method()`. */
function memberName(cls: string, member: string): string {
  return `${cls}.${member}`;
}

// A member the class defines with a value not read (`return f"wallets/{self.wallet}"`), shared as
// `Class.member#`: a lookup stops there rather than read a base's value the class overrides.
function unreadName(cls: string, member: string): string {
  return `${cls}.${member}#`;
}

/** The class a class-level annotation gives a field (`manager: Manager[Any]`), shared as `Item.manager:`. */
export function annotationName(cls: string, field: string): string {
  return `${cls}.${field}:`;
}

// The class that names `cls` in a class attribute (`_item_class = Item`), shared as `Item<-`; two
// such classes give the name two values, which the project view reads as none.
function makerName(cls: string): string {
  return `${cls}<-`;
}

/** Collects the path-holding members of every class of a Python module (see the file's comment). */
export function collectClassMembers(root: Node, text: string): Array<[string, UrlSegment[]]> {
  const out: Array<[string, UrlSegment[]]> = [];
  for (const cls of nodesOfType(root, ['class_definition'])) {
    if (cls === null || out.length >= MAX_MEMBERS) continue;
    const name = cls.childForFieldName('name');
    const body = cls.childForFieldName('body');
    if (name === null || body === null) continue;
    const members = new Map<string, UrlSegment[] | null>();
    const add = (member: string, value: UrlSegment[] | undefined) =>
      members.set(member, members.has(member) || value === undefined ? null : value);
    for (const statement of body.namedChildren) {
      if (statement === null) continue;
      if (statement.type === 'expression_statement') {
        const assignment = statement.firstNamedChild;
        const left = assignment?.childForFieldName('left');
        const right = assignment?.childForFieldName('right');
        if (assignment?.type !== 'assignment' || left?.type !== 'identifier') continue;
        const annotated = ANNOTATED_CLASS.exec(
          sliceNode(text, assignment.childForFieldName('type') ?? left),
        )?.[1];
        if (assignment.childForFieldName('type') !== null && annotated !== undefined)
          out.push([
            annotationName(sliceNode(text, name), sliceNode(text, left)),
            [{ kind: 'literal', text: annotated }],
          ]);
        if (right?.type === 'identifier' && CLASS_NAME.test(sliceNode(text, right)))
          out.push([makerName(sliceNode(text, right)), [{ kind: 'literal', text: sliceNode(text, name) }]]);
        else if (right != null)
          add(sliceNode(text, left), sharedValue(readUrlValue(right, 'python', text, root)));
        continue;
      }
      const fn =
        statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      const fnName = fn?.type === 'function_definition' ? fn.childForFieldName('name') : null;
      if (fn == null || fnName == null) continue;
      const decorators = statement.type === 'decorated_definition' ? statement.namedChildren : [];
      const property = decorators.some((d) => d?.type === 'decorator' && PROPERTY.test(sliceNode(text, d)));
      if (property) add(sliceNode(text, fnName), readReturns(fn, text, root));
      else if (callableBare(fn, text)) add(`${sliceNode(text, fnName)}()`, readReturns(fn, text, root));
    }
    readFields(cls, text, root, add);
    readForwardedArguments(body, text, root, add);
    for (const [member, value] of members)
      out.push(
        value !== null
          ? [memberName(sliceNode(text, name), member), value]
          : [unreadName(sliceNode(text, name), member), []],
      );
  }
  return out;
}

/**
 * `self.path`, `self._resolve()` at `use`: the member's value in the class around the use (or, when
 * the class does not hold it, its first base that does), its `self.x` steps read again from that
 * class, its `{name}` placeholders run-time parts. Undefined unless it comes out as a path: some
 * text, no scheme (a configured host is not the class's path); as a `piece` of a longer path, one
 * word (`v2`) is enough.
 */
export function readClassMember(
  source: string,
  use: Node,
  text: string,
  shared: SharedValues | undefined,
  piece = false,
): UrlSegment[] | undefined {
  if (shared?.classes === undefined) return undefined;
  const held = FIELD_MEMBER.exec(source);
  if (held === null && !SELF_MEMBER.test(source)) return undefined;
  let cls: Node | null = use.parent;
  while (cls !== null && cls.type !== 'class_definition') cls = cls.parent;
  const name = cls?.childForFieldName('name');
  if (name == null) return undefined;
  let order = lookupOrder(sliceNode(text, name), shared.classes);
  if (held !== null) {
    const maker = readMaker(sliceNode(text, name), held[1] as string, order, shared);
    if (maker === undefined) return undefined;
    order = lookupOrder(maker, shared.classes);
  }
  const value = expand(
    [{ kind: 'expr', source: held === null ? source : `self.${held[2]}` }],
    order,
    shared,
    0,
  );
  if (value === undefined) return undefined;
  if (held === null) {
    const member = source.slice('self.'.length);
    const named = readOwnClassName(findMember(member, order, shared), order, shared);
    if (named !== undefined) return [{ kind: 'literal', text: named }];
    const word = readPathWord(value, member, order, shared);
    if (word !== undefined) return [{ kind: 'literal', text: word }];
  }
  // A piece inside a path the use writes around it (`f"/api/{self.version}/x"`): one word will do.
  // Through the class a field holds; the own class's one-word members are `readPathWord`'s, which
  // also knows when a subclass sets them again.
  const word =
    piece &&
    held !== null &&
    value.length === 1 &&
    value[0]?.kind === 'literal' &&
    /^[\w~-]+$/.test(value[0].text);
  if (!word && !value.some((s) => s.kind === 'literal' && s.text.includes('/'))) return undefined;
  if (value.some((s) => s.kind === 'literal' && s.text.includes('://'))) return undefined;
  return value;
}

/**
 * The class of the object `self.field` holds in `cls`, when a class names `cls` in a class attribute
 * (`_item_class = Item`: it makes the objects, and hands itself to them) and is a subclass of the
 * class the field is annotated with (`manager: Manager[Any]` in `cls` or its bases); undefined when
 * no class, or more than one, names `cls`.
 */
function readMaker(
  cls: string,
  field: string,
  order: readonly string[],
  shared: SharedValues,
): string | undefined {
  const maker = shared.constants.get(makerName(cls))?.[0];
  if (maker?.kind !== 'literal' || shared.classes === undefined) return undefined;
  let annotated: string | undefined;
  for (const name of order) {
    const type = shared.constants.get(annotationName(name, field));
    if (type === null) return undefined;
    if (type?.[0]?.kind === 'literal') {
      annotated = type[0].text;
      break;
    }
  }
  if (annotated === undefined || !lookupOrder(maker.text, shared.classes).includes(annotated))
    return undefined;
  return maker.text;
}

/**
 * The classes searched for a member of `cls`: itself, then its bases depth first as Python's order
 * mostly goes (`Base[T]` and `module.Base` by the class's name).
 */
export function lookupOrder(cls: string, classes: ReadonlyMap<string, readonly string[]>): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name) || order.length >= MAX_CLASSES) return;
    order.push(name);
    for (const base of classes.get(name) ?? []) {
      const plain = base.replace(/\[.*$/s, '').split('.').at(-1)?.trim();
      if (plain !== undefined && /^[A-Za-z_]\w*$/.test(plain)) visit(plain);
    }
  };
  visit(cls);
  return order;
}

function expand(
  segments: readonly UrlSegment[],
  order: readonly string[],
  shared: SharedValues,
  steps: number,
): UrlSegment[] | undefined {
  const out: UrlSegment[] = [];
  for (const segment of segments) {
    if (segment.kind === 'literal') {
      out.push(...splitPlaceholders(segment.text));
      continue;
    }
    const member = SELF_MEMBER.exec(segment.source);
    const table = TABLE_ENTRY.exec(segment.source);
    let value: UrlSegment[] | undefined;
    // A module constant a default names (`base=API_BASE`, imported from the settings module): a base
    // URL (with a scheme) only.
    const constant = segment.source.startsWith(BASE_CONSTANT)
      ? shared.constants.get(segment.source.slice(BASE_CONSTANT.length))
      : undefined;
    const head = constant?.[0];
    if (constant?.length === 1 && head?.kind === 'literal' && ORIGIN.test(head.text))
      value = [{ kind: 'literal', text: head.text.replace(ORIGIN, '') }];
    // A constant a member's value writes (`f"{base_url}/{API_VERSION}"`): its text.
    const written = CONSTANT_NAME.test(segment.source) ? shared.constants.get(segment.source) : undefined;
    if (written?.every((s) => s.kind === 'literal')) value = written.map((s) => ({ ...s }));
    if (member !== null && steps < MAX_STEPS) {
      const found = findMember(`${member[1]}${member[2] ?? ''}`, order, shared);
      value = found === undefined ? undefined : expand(found, order, shared, steps + 1);
    } else if (table !== null) {
      const entry = shared.constants.get(pathTableEntryName(table[1] as string, table[2] ?? table[3] ?? ''));
      if (entry?.every((s) => s.kind === 'literal')) value = expand(entry, order, shared, steps + 1);
    }
    out.push(...(value ?? [segment]));
  }
  return out;
}

/**
 * The member's value in the first class of `order` that shares one; a class that holds it with no
 * value read (null: set twice, or to something else) ends the search.
 */
export function findMember(
  member: string,
  order: readonly string[],
  shared: SharedValues,
): readonly UrlSegment[] | undefined {
  for (const cls of order) {
    const value = shared.constants.get(memberName(cls, member));
    if (value === null) return undefined;
    if (value !== undefined) return value;
    if (shared.constants.has(unreadName(cls, member))) return undefined;
  }
  return undefined;
}

// A member whose value is the class's own name, lowered (`def resource_path(self): return
// self.__class__.__name__.lower()`), read from the class the lookup starts at when that is known.
function readOwnClassName(
  found: readonly UrlSegment[] | undefined,
  order: readonly string[],
  shared: SharedValues,
): string | undefined {
  const [only, ...rest] = found ?? [];
  if (rest.length > 0 || only?.kind !== 'expr' || !CLASS_OWN_NAME.test(only.source)) return undefined;
  return readLeafClassName(order[0], shared)?.toLowerCase();
}

// A member holding one word of a path (`mount = "secret"`, `API_VERSION = "v3"`), read where no
// class below the one the lookup starts at sets it again (a base's `ENDPOINT = ""` that each
// subclass replaces is not the path of a call in the base).
function readPathWord(
  value: readonly UrlSegment[],
  member: string,
  order: readonly string[],
  shared: SharedValues,
): string | undefined {
  const [only, ...rest] = value;
  if (rest.length > 0 || only?.kind !== 'literal' || !PATH_WORD.test(only.text)) return undefined;
  const start = order[0];
  if (start === undefined || overriddenBelow(start, (cls) => definesMember(cls, member, shared), shared))
    return undefined;
  return only.text;
}

function definesMember(cls: string, member: string, shared: SharedValues): boolean {
  return shared.constants.has(memberName(cls, member)) || shared.constants.has(unreadName(cls, member));
}

function splitPlaceholders(text: string): UrlSegment[] {
  const out: UrlSegment[] = [];
  let at = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > at) out.push({ kind: 'literal', text: text.slice(at, index) });
    out.push({ kind: 'expr', source: match[1] ?? '' });
    at = index + match[0].length;
  }
  if (at < text.length) out.push({ kind: 'literal', text: text.slice(at) });
  return out;
}

// What a member may hold to be shared: text, or one other member or path table entry.
function sharedValue(segments: UrlSegment[]): UrlSegment[] | undefined {
  if (segments.length > 0 && segments.every((s) => s.kind === 'literal')) return segments;
  const only = segments.length === 1 ? segments[0] : undefined;
  if (
    only?.kind === 'expr' &&
    (SELF_MEMBER.test(only.source) || TABLE_ENTRY.test(only.source) || CLASS_OWN_NAME.test(only.source))
  )
    return segments;
  // `self.endpoint = STORAGE_ENDPOINT`: the constant, when it is a base URL.
  if (only?.kind === 'expr' && CONSTANT_NAME.test(only.source))
    return [{ kind: 'expr', source: `${BASE_CONSTANT}${only.source}` }];
  return undefined;
}

// A method `self.m()` can call: every parameter after `self` has a default (or is `*args`/`**kw`).
function callableBare(fn: Node, text: string): boolean {
  const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
  return params.every(
    (p, i) =>
      p === null ||
      (i === 0 && p.type === 'identifier' && sliceNode(text, p) === 'self') ||
      p.type === 'default_parameter' ||
      p.type === 'typed_default_parameter' ||
      p.type === 'list_splat_pattern' ||
      p.type === 'dictionary_splat_pattern' ||
      p.type === 'keyword_separator' ||
      p.type === 'positional_separator' ||
      p.type === 'comment',
  );
}

// The value every `return` of a function gives (a template filled with `.format(...)` is the template,
// a local its assigned value), when they all give the same shareable value.
function readReturns(fn: Node, text: string, root: Node): UrlSegment[] | undefined {
  const body = fn.childForFieldName('body');
  if (body === null) return undefined;
  const returns = nodesOfType(body, ['return_statement']).filter((r) => r !== null && ownedBy(r, fn));
  if (returns.length === 0 || returns.length > MAX_RETURNS) return undefined;
  let agreed: UrlSegment[] | undefined;
  for (const statement of returns) {
    const returned = statement?.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (returned == null) return undefined;
    let expression = unformatted(unwrapExpression(returned), text);
    if (expression.type === 'identifier') {
      const assigned = readNameValue(sliceNode(text, expression), expression, 'python', text, root);
      if (assigned === undefined) return undefined;
      expression = unformatted(unwrapExpression(assigned), text);
    }
    const value = sharedValue(readUrlValue(expression, 'python', text, root));
    if (value === undefined || (agreed !== undefined && JSON.stringify(agreed) !== JSON.stringify(value)))
      return undefined;
    agreed = value;
  }
  return agreed;
}

/** `template.format(**ids)` -> `template` (its placeholders are the run-time parts the fill gives). */
export function unformatted(node: Node, text: string): Node {
  if (node.type !== 'call') return node;
  const callee = node.childForFieldName('function');
  const object = callee?.childForFieldName('object');
  if (callee?.type !== 'attribute' || object == null) return node;
  return sliceNode(text, callee.childForFieldName('attribute') ?? callee) === 'format' ? object : node;
}

// Whether `node` belongs to `fn` itself, not to a function or class nested in it.
function ownedBy(node: Node, fn: Node): boolean {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.id === fn.id) return true;
    if (
      current.type === 'function_definition' ||
      current.type === 'class_definition' ||
      current.type === 'lambda'
    )
      return false;
  }
  return false;
}

// `self.field = value` in the class's methods: a field assigned exactly once, to a shareable value.
function readFields(
  cls: Node,
  text: string,
  root: Node,
  add: (member: string, value: UrlSegment[] | undefined) => void,
): void {
  for (const node of nodesOfType(cls, ['assignment', 'augmented_assignment'])) {
    const left = node?.childForFieldName('left');
    if (node == null || left == null) continue;
    const field = SELF_MEMBER.exec(sliceNode(text, left));
    if (field === null || field[2] !== undefined) continue;
    const right = node.childForFieldName('right');
    const value =
      node.type === 'assignment' && right !== null
        ? (readKeptArgument(right, text) ?? sharedValue(readUrlValue(right, 'python', text, root)))
        : undefined;
    add(field[1] as string, value);
    // The parameter's default is the argument when no subclass forwards one (`base=API_BASE`).
    const kept = value?.[0]?.kind === 'expr' ? /__init_arg_(\d+)$/.exec(value[0].source) : null;
    const fallback =
      kept === null || right === null ? undefined : readDefault(right, Number(kept[1]), text, root);
    if (kept !== null && fallback !== undefined) add(initArgument(Number(kept[1])), fallback);
  }
}

// The default of `__init__`'s parameter at `index` (after `self`) when it is a base URL: text with a
// scheme, or one constant's name (read where it is used, and kept only if it has a scheme). Other
// defaults (`api_root="rest"`) are options a caller sets: their value stays unknown.
function readDefault(use: Node, index: number, text: string, root: Node): UrlSegment[] | undefined {
  let fn: Node | null = use.parent;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  const param = fn?.childForFieldName('parameters')?.namedChildren[index + 1];
  if (param?.type !== 'default_parameter' && param?.type !== 'typed_default_parameter') return undefined;
  const value = param.childForFieldName('value');
  if (value == null) return undefined;
  if (value.type === 'identifier' && CONSTANT_NAME.test(sliceNode(text, value)))
    return [{ kind: 'expr', source: `${BASE_CONSTANT}${sliceNode(text, value)}` }];
  const segments = readUrlValue(value, 'python', text, root);
  const head = segments[0];
  // The path the base URL writes (`https://host/api/v2/` -> `/api/v2/`), not its host.
  return segments.length === 1 && head?.kind === 'literal' && ORIGIN.test(head.text)
    ? [{ kind: 'literal', text: head.text.replace(ORIGIN, '') }]
    : undefined;
}

// The name an `__init__` argument is shared under: what a subclass hands `super().__init__(...)` at
// that position, read where the subclass writes it.
function initArgument(index: number): string {
  return `__init_arg_${index}`;
}

// `self.base_url = base_url.rstrip("/")` in `__init__`: the constructor's argument at that position
// (`self.__init_arg_1`), which a subclass forwarding a path to `super().__init__(...)` gives.
function readKeptArgument(right: Node, text: string): UrlSegment[] | undefined {
  let value = unwrapExpression(right);
  while (value.type === 'call') {
    const callee = value.childForFieldName('function');
    const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute') : null;
    const object = callee?.childForFieldName('object');
    if (method == null || object == null || !/^[lr]?strip$/.test(sliceNode(text, method))) return undefined;
    value = object;
  }
  if (value.type !== 'identifier') return undefined;
  let fn: Node | null = right.parent;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  if (fn == null || sliceNode(text, fn.childForFieldName('name') ?? fn) !== '__init__') return undefined;
  const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).map((p) =>
    p === null
      ? ''
      : sliceNode(
          text,
          p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.firstNamedChild ?? p),
        ),
  );
  const index = params.indexOf(sliceNode(text, value)) - (params[0] === 'self' ? 1 : 0);
  return index < 0 || params[0] !== 'self'
    ? undefined
    : [{ kind: 'expr', source: `self.${initArgument(index)}` }];
}

// `super().__init__(session, f"{host}/reports")` in a class's `__init__`: each argument that writes
// a path, shared as the class's `__init_arg_<i>` (see readKeptArgument).
function readForwardedArguments(
  body: Node,
  text: string,
  root: Node,
  add: (member: string, value: UrlSegment[] | undefined) => void,
): void {
  for (const statement of body.namedChildren) {
    const fn =
      statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (
      fn?.type !== 'function_definition' ||
      sliceNode(text, fn.childForFieldName('name') ?? fn) !== '__init__'
    )
      continue;
    for (const call of nodesOfType(fn, ['call'])) {
      const callee = call?.childForFieldName('function');
      const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
      if (
        call == null ||
        object == null ||
        sliceNode(text, callee?.childForFieldName('attribute') ?? object) !== '__init__'
      )
        continue;
      const viaSuper =
        object.type === 'call' && sliceNode(text, object.childForFieldName('function') ?? object) === 'super';
      if (!viaSuper && !(object.type === 'identifier' && /^[A-Z]/.test(sliceNode(text, object)))) continue;
      const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
        (a): a is Node => a !== null && a.type !== 'comment',
      );
      const positional = args.filter(
        (a) =>
          a.type !== 'keyword_argument' &&
          !a.type.startsWith('list_splat') &&
          !a.type.startsWith('dictionary_splat'),
      );
      if (positional.length !== args.length) continue;
      (viaSuper ? positional : positional.slice(1)).forEach((arg, index) => {
        // The subclass's own parameter handed on (`super().__init__(url, api_root)`): the caller's
        // value, which hides the base's default.
        if (arg.type === 'identifier') {
          add(initArgument(index), [{ kind: 'expr', source: sliceNode(text, arg) }]);
          return;
        }
        const value = readUrlValue(arg, 'python', text, root);
        if (value.some((s) => s.kind === 'literal' && s.text.includes('/') && !s.text.includes('://')))
          add(initArgument(index), value);
      });
    }
  }
}
