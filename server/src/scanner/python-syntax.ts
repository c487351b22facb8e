/**
 * Python, as far as the recognisers need it: which declaration a name refers to (imports,
 * assignments, `with ... as name`, parameters, definitions; a function's names are local to it), and
 * reading string, f-string and `+` URL expressions. A syntactic approximation: `global`, `nonlocal`
 * and class-body scoping are not modelled, and of several assignments in one scope the last one
 * before the use wins.
 */

import type { Node } from 'web-tree-sitter';
import { markQueryHelper } from './python-query-helpers';
import { decodeEscapes, sliceNode } from './syntax';
import type { UrlSegment, UrlTemplate } from './types';

/** What a Python name is bound to. */
export type PythonBindingValue =
  | { kind: 'module'; module: string }
  | { kind: 'from'; module: string; name: string }
  | { kind: 'value'; value: Node }
  | { kind: 'other' };

/** One declaration of a Python name. */
export interface PythonBinding {
  node: Node;
  value: PythonBindingValue;
  scopeStart: number;
  scopeEnd: number;
}

const PARAMETER_PARENTS = new Set([
  'parameters',
  'lambda_parameters',
  'default_parameter',
  'typed_parameter',
  'typed_default_parameter',
  'list_splat_pattern',
  'dictionary_splat_pattern',
]);

const SCOPES = new Set(['function_definition', 'lambda', 'module']);

/** Classifies one identifier as a declaration of its name, or undefined when it is a use. */
export function classifyPythonBinding(
  node: Node,
  ancestors: readonly Node[],
  text: string,
): PythonBinding | undefined {
  if (node.type !== 'identifier') return undefined;
  const [parent, grandparent] = ancestors;
  if (parent === undefined) return undefined;
  const make = (value: PythonBindingValue, scopeFrom: Node): PythonBinding | undefined => {
    const scope = findScope(scopeFrom);
    return scope === null
      ? undefined
      : { node, value, scopeStart: scope.startIndex, scopeEnd: scope.endIndex };
  };
  if (parent.type === 'dotted_name' && grandparent?.type === 'import_statement') {
    // `import a.b` binds `a`.
    if (parent.firstNamedChild?.id !== node.id) return undefined;
    return make({ kind: 'module', module: sliceNode(text, parent) }, grandparent);
  }
  if (parent.type === 'dotted_name' && grandparent?.type === 'import_from_statement') {
    if (grandparent.childForFieldName('module_name')?.id === parent.id) return undefined;
    return make(
      { kind: 'from', module: readModuleName(grandparent, text), name: sliceNode(text, node) },
      grandparent,
    );
  }
  if (parent.type === 'aliased_import' && parent.childForFieldName('alias')?.id === node.id) {
    const original = sliceNode(text, parent.childForFieldName('name') ?? parent);
    if (grandparent?.type === 'import_statement')
      return make({ kind: 'module', module: original }, grandparent);
    if (grandparent?.type === 'import_from_statement') {
      return make({ kind: 'from', module: readModuleName(grandparent, text), name: original }, grandparent);
    }
    return undefined;
  }
  if (parent.type === 'assignment' && parent.childForFieldName('left')?.id === node.id) {
    const right = parent.childForFieldName('right');
    return make(right === null ? { kind: 'other' } : { kind: 'value', value: right }, parent);
  }
  if (parent.type === 'as_pattern_target' && grandparent?.type === 'as_pattern') {
    const value = grandparent.firstNamedChild;
    return make(value === null ? { kind: 'other' } : { kind: 'value', value }, grandparent);
  }
  if (PARAMETER_PARENTS.has(parent.type)) {
    if (parent.type !== 'parameters' && parent.type !== 'lambda_parameters') {
      if (parent.firstNamedChild?.id !== node.id) return undefined;
    }
    const owner =
      parent.type === 'parameters' || parent.type === 'lambda_parameters' ? grandparent : ancestors[2];
    if (owner === undefined || !SCOPES.has(owner.type)) return undefined;
    return { node, value: { kind: 'other' }, scopeStart: owner.startIndex, scopeEnd: owner.endIndex };
  }
  if (
    (parent.type === 'function_definition' || parent.type === 'class_definition') &&
    parent.childForFieldName('name')?.id === node.id
  ) {
    return make({ kind: 'other' }, parent);
  }
  if (
    (parent.type === 'for_statement' || parent.type === 'for_in_clause') &&
    parent.childForFieldName('left')?.id === node.id
  ) {
    return make({ kind: 'other' }, parent);
  }
  if (parent.type === 'pattern_list' || parent.type === 'tuple_pattern')
    return make({ kind: 'other' }, parent);
  return undefined;
}

/** Picks the declaration a use refers to: innermost scope, then the last one before the use. */
export function resolvePythonBinding(
  bindings: readonly PythonBinding[],
  use: Node,
): PythonBinding | undefined {
  let best: PythonBinding | undefined;
  for (const binding of bindings) {
    if (use.startIndex < binding.scopeStart || use.endIndex > binding.scopeEnd) continue;
    if (best === undefined) {
      best = binding;
      continue;
    }
    const size = binding.scopeEnd - binding.scopeStart;
    const bestSize = best.scopeEnd - best.scopeStart;
    const before = binding.node.startIndex <= use.startIndex;
    const bestBefore = best.node.startIndex <= use.startIndex;
    if (
      size < bestSize ||
      (size === bestSize && before && (!bestBefore || binding.node.startIndex > best.node.startIndex))
    ) {
      best = binding;
    }
  }
  return best;
}

/** Reads a Python URL expression: a string, an f-string, implicit or `+` concatenation. */
export function readPythonUrl(argument: Node | undefined, text: string): UrlTemplate {
  if (argument === undefined) return { source: '', segments: [], known: false };
  const node = unwrapParentheses(argument);
  const parts: Node[] = [];
  collectOperands(node, text, parts);
  const segments: UrlSegment[] = [];
  let source = '';
  let sawString = false;
  for (const raw of parts) {
    const part = readGuardedValue(raw, text) ?? raw;
    const formatted = readPercentFormat(part, text);
    if (formatted !== undefined) {
      sawString = true;
      segments.push(...formatted);
      source += formatted.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
      continue;
    }
    if (part.type !== 'string') {
      const expression = sliceNode(text, part);
      segments.push({ kind: 'expr', source: expression });
      source += `{${expression}}`;
      continue;
    }
    sawString = true;
    source += readStringPieces(part, text, segments);
  }
  if (!sawString) {
    const expression = sliceNode(text, argument);
    return { source: expression, segments: [{ kind: 'expr', source: expression }], known: false };
  }
  const merged = mergeLiterals(segments);
  const marked = markQueryHelper(merged);
  if (marked.length > merged.length) source = source.replace(/\{[^{}]*\}$/, (call) => `?${call}`);
  return { source, segments: marked, known: true };
}

/**
 * `(path if path is not None else "")`, `(path if path else "")`, `("" if path is None else path)`,
 * `(path or "")`: a value guarded against None that falls back to nothing is that value when the
 * URL is requested with it, so the URL reads it as written (`{path}`), not as one unknown part.
 */
export function readGuardedValue(node: Node, text: string): Node | undefined {
  const inner = unwrapParentheses(node);
  if (inner.type === 'boolean_operator') {
    const left = inner.childForFieldName('left');
    const right = inner.childForFieldName('right');
    const operator = sliceNode(text, inner.childForFieldName('operator') ?? inner);
    return operator === 'or' && left !== null && right !== null && isNothing(right, text) ? left : undefined;
  }
  if (inner.type !== 'conditional_expression') return undefined;
  const [first, condition, second] = inner.namedChildren;
  if (first == null || condition == null || second == null) return undefined;
  const tested = readNoneTest(condition, text);
  if (tested === undefined) return undefined;
  const value = tested.present ? first : second;
  const fallback = tested.present ? second : first;
  return sliceNode(text, value) === tested.name && isNothing(fallback, text) ? value : undefined;
}

// `x is not None` / `x` (present when true), `x is None` / `not x` (present when false).
function readNoneTest(node: Node, text: string): { name: string; present: boolean } | undefined {
  let inner = unwrapParentheses(node);
  let negated = false;
  // `not x`, `not (not x)`: walked in a loop, so a deep nest of `not`s costs no stack.
  while (inner.type === 'not_operator') {
    const argument = inner.childForFieldName('argument');
    if (argument === null) return undefined;
    inner = unwrapParentheses(argument);
    negated = !negated;
  }
  if (inner.type === 'identifier' || inner.type === 'attribute')
    return { name: sliceNode(text, inner), present: !negated };
  if (negated) return undefined;
  const match = /^([A-Za-z_][\w.]*)\s+(is\s+not|is|!=|==)\s+None$/.exec(sliceNode(text, inner));
  if (inner.type !== 'comparison_operator' || match === null) return undefined;
  return { name: match[1] ?? '', present: match[2] === '!=' || /not/.test(match[2] ?? '') };
}

// An empty string or None: nothing added to the URL.
function isNothing(node: Node, text: string): boolean {
  return /^(?:None|[rbuf]?(?:""|''))$/i.test(sliceNode(text, unwrapParentheses(node)));
}

/** Reads a Python string constant (no interpolation); undefined for anything else. */
export function readPythonString(node: Node | undefined, text: string): string | undefined {
  if (node === undefined) return undefined;
  const url = readPythonUrl(node, text);
  if (!url.known || url.segments.some((s) => s.kind === 'expr')) return undefined;
  return url.segments.map((s) => (s.kind === 'literal' ? s.text : '')).join('');
}

/**
 * Splits a call's arguments into positional ones and keyword ones (`timeout=3`). A `**options`
 * unpacking gives keywords of unknown names, not a position: counted as one, it would shift
 * `request(method="POST", url=u, **extra)`'s method onto the unpacked mapping.
 */
export function readPythonArguments(call: Node): { positional: Node[]; keywords: Map<string, Node> } {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  for (const child of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (child === null || child.type === 'comment' || child.type === 'dictionary_splat') continue;
    if (child.type === 'keyword_argument') {
      const name = child.childForFieldName('name');
      const value = child.childForFieldName('value');
      if (name !== null && value !== null) keywords.set(name.text, value);
    } else {
      positional.push(child);
    }
  }
  return { positional, keywords };
}

function readStringPieces(node: Node, text: string, segments: UrlSegment[]): string {
  const start = node.firstChild;
  const end = node.lastChild;
  const prefix = start?.type === 'string_start' ? sliceNode(text, start).toLowerCase() : '';
  const raw = prefix.includes('r');
  const formatted = prefix.includes('f');
  const contentStart = start?.type === 'string_start' ? start.endIndex : node.startIndex;
  const contentEnd = end?.type === 'string_end' ? end.startIndex : node.endIndex;
  let at = contentStart;
  for (const child of node.namedChildren) {
    if (child?.type !== 'interpolation') continue;
    pushLiteral(segments, text.slice(at, child.startIndex), raw, formatted);
    const expression = child.childForFieldName('expression') ?? child.firstNamedChild;
    segments.push({ kind: 'expr', source: expression === null ? '' : sliceNode(text, expression) });
    at = child.endIndex;
  }
  pushLiteral(segments, text.slice(at, contentEnd), raw, formatted);
  return text.slice(contentStart, contentEnd);
}

function pushLiteral(segments: UrlSegment[], piece: string, raw: boolean, formatted: boolean): void {
  if (piece.length === 0) return;
  let value = raw ? piece : decodeEscapes(piece);
  if (formatted) value = value.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  segments.push({ kind: 'literal', text: value });
}

// `'/boards/%s/lists' % board_id`, `'%s/%s' % (base, path)`: each conversion becomes its argument;
// undefined when the format is not a plain string or the arguments do not match its conversions.
function readPercentFormat(node: Node, text: string): UrlSegment[] | undefined {
  if (node.type !== 'binary_operator' || sliceNode(text, node.childForFieldName('operator') ?? node) !== '%')
    return undefined;
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  const format = left === null ? undefined : readPythonString(left, text);
  if (format === undefined || right === null) return undefined;
  const inner = unwrapParentheses(right);
  const args =
    inner.type === 'tuple'
      ? inner.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment')
      : [inner];
  const segments: UrlSegment[] = [];
  let at = 0;
  let next = 0;
  for (const match of format.matchAll(/%[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]/g)) {
    const index = match.index ?? 0;
    if (index > at) segments.push({ kind: 'literal', text: format.slice(at, index) });
    at = index + match[0].length;
    if (match[0] === '%%') {
      segments.push({ kind: 'literal', text: '%' });
      continue;
    }
    const arg = args[next++];
    if (arg === undefined || !/[sdirx]$/.test(match[0])) return undefined;
    const literal = match[0].endsWith('s') ? readPythonString(arg, text) : undefined;
    segments.push(
      literal === undefined
        ? { kind: 'expr', source: sliceNode(text, arg) }
        : { kind: 'literal', text: literal },
    );
  }
  if (next !== args.length) return undefined;
  if (at < format.length) segments.push({ kind: 'literal', text: format.slice(at) });
  return mergeLiterals(segments);
}

/** The operands of a Python `+` concatenation (implicit concatenation too), left to right. */
export function readPythonOperands(node: Node, text: string): Node[] {
  const parts: Node[] = [];
  collectOperands(node, text, parts);
  return parts;
}

function collectOperands(node: Node, text: string, parts: Node[]): void {
  const pending: Node[] = [node];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const inner = unwrapParentheses(next);
    if (inner.type === 'concatenated_string') {
      for (const child of [...inner.namedChildren].reverse()) if (child !== null) pending.push(child);
    } else if (
      inner.type === 'binary_operator' &&
      sliceNode(text, inner.childForFieldName('operator') ?? inner) === '+'
    ) {
      const right = inner.childForFieldName('right');
      const left = inner.childForFieldName('left');
      if (right !== null) pending.push(right);
      if (left !== null) pending.push(left);
    } else {
      parts.push(inner);
    }
  }
}

function mergeLiterals(segments: UrlSegment[]): UrlSegment[] {
  const merged: UrlSegment[] = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    if (segment.kind === 'literal' && last?.kind === 'literal') last.text += segment.text;
    else merged.push({ ...segment });
  }
  return merged;
}

function unwrapParentheses(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.firstNamedChild !== null)
    current = current.firstNamedChild;
  return current;
}

function readModuleName(statement: Node, text: string): string {
  const module = statement.childForFieldName('module_name');
  return module === null ? '' : sliceNode(text, module);
}

function findScope(node: Node): Node | null {
  let current = node.parent;
  while (current !== null && !SCOPES.has(current.type)) current = current.parent;
  return current;
}

/** A parameter's name node: the identifier itself, a typed parameter's first child, else its `name`. */
export function readPythonParamName(param: Node): Node | null {
  if (param.type === 'identifier') return param;
  return param.type === 'typed_parameter' ? param.firstNamedChild : param.childForFieldName('name');
}

/**
 * A function body of at most `max` statements (comments and docstrings aside) whose last is a
 * `return`: those statements, the `return` last; undefined for any other body.
 */
export function readReturningBody(body: Node, max: number): Node[] | undefined {
  const statements = body.namedChildren.filter(
    (s): s is Node =>
      s !== null &&
      s.type !== 'comment' &&
      !(s.type === 'expression_statement' && s.firstNamedChild?.type === 'string'),
  );
  return statements.length > max || statements.at(-1)?.type !== 'return_statement' ? undefined : statements;
}
