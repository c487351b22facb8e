/**
 * A JS/TS class's URL-building methods and field values, read as facts so a subclass in another
 * file reads the URL its inherited method builds for it. Resource services keep the API base and
 * the resource in fields (`protected root = environment.apiBase`, `this.resource = 'plants'` in
 * the subclass's constructor) and build every URL in one method of the base:
 *
 *     protected urlFor(id: number = null, action: string = null): string {
 *       let url = `${this.root}${this.resource}/`
 *       if (id !== null) url += `${id}/`
 *       if (action) url += `${action}/`
 *       return url
 *     }
 *
 * A call `this.urlFor(id, 'water')` in a subclass reads `{environment.apiBase}plants/{id}/water/`:
 * each part guarded by a test of one parameter is kept when the call's argument passes it (an
 * argument `null`, or one left out whose default is `null`, fails `!== null` and a truthy test),
 * the parameters are the call's arguments, and `this.<field>` is the value the nearest class of
 * the chain gives it. A test this cannot decide, or a body of another shape, reads nothing.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { readUrlTemplate } from '../url-template';
import { readUrlValue } from './values';

/** A part of a built URL, kept when the parameter at `when` passes `test`. */
export interface BuiltPart {
  segments: UrlSegment[];
  when?: number;
  test?: 'truthy' | 'notNull' | 'loose' | 'notUndefined';
}

/** A method that builds a URL from its parameters and the object's fields. */
export interface UrlBuilderFact {
  name: string;
  params: string[];
  /** Per parameter: true when its default is `null` (left out, it is `null`). */
  nullDefaults: boolean[];
  parts: BuiltPart[];
}

/** What a class sets its fields to and the URL builders it declares. */
export interface ClassValues {
  fields: Array<[string, UrlSegment[]]>;
  builders: UrlBuilderFact[];
}

const MAX_PARTS = 8;
const THIS_FIELD = /^this\.([A-Za-z_$][\w$]*)$/;

/** Reads a class body's field values (set once) and its URL-building methods. */
export function readClassValues(context: ScanContext, body: Node): ClassValues {
  const { text } = context;
  const read = (node: Node) => readUrlValue(node, context.language, context.text, context.root);
  const fields = new Map<string, UrlSegment[] | null>();
  const set = (name: string, value: Node | null) => {
    if (value === null) return;
    const segments = read(value);
    // A value made by a call (`inject(HttpClient)`) or of no text is no URL part.
    const useful = segments.length > 0 && !segments.some((s) => s.kind === 'expr' && s.source.includes('('));
    fields.set(name, fields.has(name) || !useful ? null : segments);
  };
  const builders: UrlBuilderFact[] = [];
  for (const member of body.namedChildren) {
    if (member?.type === 'public_field_definition') {
      const name = member.childForFieldName('name');
      if (name != null) set(sliceNode(text, name), member.childForFieldName('value'));
      continue;
    }
    if (member?.type !== 'method_definition') continue;
    const nameNode = member.childForFieldName('name');
    const block = member.childForFieldName('body');
    if (nameNode == null || block == null) continue;
    const name = sliceNode(text, nameNode);
    if (name === 'constructor') {
      for (const statement of block.namedChildren) {
        const expression = statement?.type === 'expression_statement' ? statement.namedChildren[0] : null;
        if (expression?.type !== 'assignment_expression') continue;
        const field = THIS_FIELD.exec(
          sliceNode(text, expression.childForFieldName('left') ?? expression),
        )?.[1];
        if (field !== undefined) set(field, expression.childForFieldName('right'));
      }
      continue;
    }
    // A builder's parts as written: `this.<field>` is the instance's, read for each subclass.
    const raw = (node: Node) => readUrlTemplate(node, text).segments;
    const builder = readBuilder(context, name, member.childForFieldName('parameters'), block, raw);
    if (builder !== undefined) builders.push(builder);
  }
  return {
    fields: [...fields].filter((entry): entry is [string, UrlSegment[]] => entry[1] !== null),
    builders,
  };
}

// `let url = <base>; if (<test of a parameter>) url += <part>; ...; return url`, or one `return`.
function readBuilder(
  context: ScanContext,
  name: string,
  parameters: Node | null,
  block: Node,
  read: (node: Node) => UrlSegment[],
): UrlBuilderFact | undefined {
  const { text } = context;
  const params: string[] = [];
  const nullDefaults: boolean[] = [];
  for (const param of parameters?.namedChildren ?? []) {
    if (param == null) continue;
    const pattern = param.childForFieldName('pattern');
    if (pattern?.type !== 'identifier') return undefined;
    params.push(sliceNode(text, pattern));
    const value = param.childForFieldName('value');
    nullDefaults.push(value?.type === 'null');
  }
  const statements = block.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment');
  const parts: BuiltPart[] = [];
  const last = statements.at(-1);
  if (statements.length === 1 && last?.type === 'return_statement') {
    const value = last.namedChildren[0];
    if (value == null) return undefined;
    parts.push({ segments: read(value) });
  } else {
    const first = statements[0];
    const declarator = first?.type === 'lexical_declaration' ? first.namedChildren[0] : null;
    const local = declarator?.childForFieldName('name');
    const start = declarator?.childForFieldName('value');
    if (local?.type !== 'identifier' || start == null || statements.length > MAX_PARTS + 2) return undefined;
    const url = sliceNode(text, local);
    if (last?.type !== 'return_statement' || sliceNode(text, last.namedChildren[0] ?? last) !== url)
      return undefined;
    parts.push({ segments: read(start) });
    for (const statement of statements.slice(1, -1)) {
      const part = readGuardedAppend(context, statement, url, params, read);
      if (part === undefined) return undefined;
      parts.push(part);
    }
  }
  const [head] = parts;
  // A builder writes text of its own: a method that only hands back a parameter is no builder.
  if (head === undefined || !parts.some((p) => p.segments.some((s) => s.kind === 'literal' && s.text !== '')))
    return undefined;
  return { name, params, nullDefaults, parts };
}

// `if (id !== null) { url += `${id}/` }`: the appended part and the test that keeps it.
function readGuardedAppend(
  context: ScanContext,
  statement: Node,
  url: string,
  params: string[],
  read: (node: Node) => UrlSegment[],
): BuiltPart | undefined {
  const { text } = context;
  if (statement.type !== 'if_statement' || statement.childForFieldName('alternative') != null)
    return undefined;
  let body = statement.childForFieldName('consequence');
  if (body?.type === 'statement_block') {
    const inner = body.namedChildren.filter((s) => s !== null && s.type !== 'comment');
    body = inner.length === 1 ? (inner[0] ?? null) : null;
  }
  const append = body?.type === 'expression_statement' ? body.namedChildren[0] : null;
  if (append?.type !== 'augmented_assignment_expression') return undefined;
  if (sliceNode(text, append.childForFieldName('left') ?? append) !== url) return undefined;
  if (!sliceNode(text, append).includes('+=')) return undefined;
  const right = append.childForFieldName('right');
  let condition = statement.childForFieldName('condition');
  if (condition?.type === 'parenthesized_expression') condition = condition.namedChildren[0] ?? null;
  if (right == null || condition == null) return undefined;
  const guard = readGuard(text, condition, params);
  if (guard === undefined) return undefined;
  return { segments: read(right), when: guard.when, test: guard.test };
}

// `p`, `p !== null`, `p != null`, `p != undefined`, `p !== undefined` for a parameter `p`.
function readGuard(
  text: string,
  condition: Node,
  params: string[],
): { when: number; test: NonNullable<BuiltPart['test']> } | undefined {
  if (condition.type === 'identifier') {
    const when = params.indexOf(sliceNode(text, condition));
    return when < 0 ? undefined : { when, test: 'truthy' };
  }
  if (condition.type !== 'binary_expression') return undefined;
  const left = condition.childForFieldName('left');
  const right = condition.childForFieldName('right');
  const operator = condition.childForFieldName('operator');
  if (left?.type !== 'identifier' || right == null || operator == null) return undefined;
  const when = params.indexOf(sliceNode(text, left));
  const op = sliceNode(text, operator);
  const other = sliceNode(text, right);
  if (when < 0 || (other !== 'null' && other !== 'undefined')) return undefined;
  if (op === '!=') return { when, test: 'loose' };
  if (op === '!==') return { when, test: other === 'null' ? 'notNull' : 'notUndefined' };
  return undefined;
}

/** A class of the chain as `js-url-builders` reads it: its fields' values and its builders. */
export interface ValuesOfClass {
  fields?: Array<[string, UrlSegment[]]>;
  builders?: UrlBuilderFact[];
  methods: string[];
}

/**
 * The URL `this.<name>(args)` builds for an instance of the class whose chain (nearest first) is
 * `chain`; undefined when the nearest class declaring the method has no builder of it, or a test
 * of an argument cannot be decided.
 */
export function evaluateBuilder(
  context: ScanContext,
  chain: readonly ValuesOfClass[],
  name: string,
  args: readonly Node[],
): UrlSegment[] | undefined {
  const owner = chain.find((fact) => fact.methods.includes(name));
  const builder = owner?.builders?.find((b) => b.name === name);
  if (builder === undefined || args.length > builder.params.length) return undefined;
  const values = builder.params.map((_, i) =>
    argumentValue(context, args[i], builder.nullDefaults[i] === true),
  );
  const out: UrlSegment[] = [];
  for (const part of builder.parts) {
    if (part.when !== undefined) {
      const keep = passes(values[part.when], part.test ?? 'truthy');
      if (keep === undefined) return undefined;
      if (!keep) continue;
    }
    for (const segment of part.segments) {
      if (segment.kind === 'literal') {
        out.push(segment);
        continue;
      }
      const param = builder.params.indexOf(segment.source);
      if (param >= 0) {
        const value = values[param];
        if (value === undefined || value === 'null' || value === 'undefined') return undefined;
        out.push(...value);
        continue;
      }
      out.push(...fieldValue(chain, segment));
    }
  }
  return out;
}

type ArgumentValue = UrlSegment[] | 'null' | 'undefined' | undefined;

// An argument's value: `null`, `undefined`, or its URL segments (left out: the default's).
function argumentValue(context: ScanContext, arg: Node | undefined, nullDefault: boolean): ArgumentValue {
  if (arg === undefined) return nullDefault ? 'null' : 'undefined';
  if (arg.type === 'null') return 'null';
  if (arg.type === 'undefined') return 'undefined';
  return readUrlValue(arg, context.language, context.text, context.root, context.project.shared);
}

// Whether the argument passes the part's test; undefined when its value cannot tell.
function passes(value: ArgumentValue, test: NonNullable<BuiltPart['test']>): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'null') return test === 'notUndefined' ? undefined : false;
  if (value === 'undefined') return test === 'notNull' ? undefined : false;
  // An empty string written as the argument fails a truthy test.
  if (test === 'truthy' && value.every((s) => s.kind === 'literal' && s.text === '')) return false;
  return true;
}

// `this.<field>` as the nearest class of the chain sets it (one step into a value naming another).
function fieldValue(chain: readonly ValuesOfClass[], segment: UrlSegment, depth = 0): UrlSegment[] {
  if (segment.kind !== 'expr') return [segment];
  const field = THIS_FIELD.exec(segment.source)?.[1];
  if (field === undefined) return [segment];
  for (const fact of chain) {
    const value = fact.fields?.find(([name]) => name === field)?.[1];
    if (value === undefined) continue;
    if (depth > 1) return [segment];
    return value.flatMap((s) => fieldValue(chain, s, depth + 1));
  }
  return [segment];
}

/**
 * `this.<field>` parts of a URL read for the class whose chain is `chain`, and `this.m(...)` parts
 * that name a builder of the chain, each replaced by what the chain gives it; undefined when none is.
 */
export function readChainUrl(
  context: ScanContext,
  chain: readonly ValuesOfClass[],
  arg: Node,
): UrlSegment[] | undefined {
  const built = readBuiltCall(context, chain, arg);
  if (built !== undefined) return built;
  const segments = readUrlValue(arg, context.language, context.text, context.root, context.project.shared);
  let changed = false;
  const out: UrlSegment[] = [];
  for (const segment of segments) {
    if (segment.kind === 'expr' && segment.source.startsWith('this.')) {
      const call = segment.source.includes('(') ? findCall(context, arg, segment.source) : undefined;
      const value = call === undefined ? fieldValue(chain, segment) : readBuiltCall(context, chain, call);
      if (value !== undefined && (value.length !== 1 || value[0] !== segment)) {
        out.push(...value);
        changed = true;
        continue;
      }
    }
    out.push(segment);
  }
  return changed ? out : undefined;
}

// `this.m(args)` of a builder of the chain: what it builds.
function readBuiltCall(
  context: ScanContext,
  chain: readonly ValuesOfClass[],
  node: Node,
): UrlSegment[] | undefined {
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'member_expression' || callee.childForFieldName('object')?.type !== 'this')
    return undefined;
  const property = callee.childForFieldName('property');
  const args = node.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null) ?? [];
  return property == null
    ? undefined
    : evaluateBuilder(context, chain, sliceNode(context.text, property), args);
}

// The call inside `arg` whose text is `source` (a template's `${this.urlFor()}`).
function findCall(context: ScanContext, arg: Node, source: string): Node | undefined {
  for (const call of arg.descendantsOfType('call_expression'))
    if (call !== null && sliceNode(context.text, call) === source) return call;
  return undefined;
}
