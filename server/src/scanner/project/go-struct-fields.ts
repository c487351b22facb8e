/**
 * Go: a request's path held in a field of a struct the wrapper takes (`executeMethod(ctx, method,
 * reqData requestData)`), read in the wrapper itself (`base + reqData.path`) or by a helper of the
 * file handed the struct (`target, err := c.makeURL(reqData)` then `target.String()`, where
 * `makeURL(r requestData)` builds `scheme + "://" + host + prefix + r.path`). The wrapper's URL is
 * that field of its callers' argument (see `readGoKeyNode`), after what the helper writes before it.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { flattenConcatenation, sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import type { FunctionShape } from './code-shape';
import { readUrlValue } from './values';

const FIELD = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;
const ROOT_NAME = /^[A-Za-z_]\w*/;
const DECLARATIONS = ['function_declaration', 'method_declaration'];

/** The URL parameter (by position), the field of it the URL reads, and the wrapper's URL. */
export interface StructFieldUrl {
  index: number;
  key: string;
  url: UrlSegment[];
}

/**
 * `reqData.relPath` (a parameter's field) or a local a helper of the file built from a struct
 * parameter: which parameter and field reach the URL, and the URL around it.
 */
export function readStructFieldUrl(
  context: ScanContext,
  source: string,
  use: Node,
  fn: FunctionShape,
): StructFieldUrl | undefined {
  if (context.language !== 'go') return undefined;
  const field = FIELD.exec(source.trim());
  if (field !== null && !fn.selfNames.includes(field[1] ?? '')) {
    const index = fn.params.indexOf(field[1] ?? '');
    if (index >= 0) return { index, key: field[2] ?? '', url: [{ kind: 'expr', source: field[1] ?? '' }] };
  }
  return readHelperField(context, source, use, fn);
}

// `target, err := adm.makeURL(reqData)` above `target.String()`: the helper's parameter in the
// struct's position, the one field of it the helper joins into a string, and the text before it.
function readHelperField(
  context: ScanContext,
  source: string,
  use: Node,
  fn: FunctionShape,
): StructFieldUrl | undefined {
  const { text, root } = context;
  const local = ROOT_NAME.exec(source.trim())?.[0];
  if (local === undefined || fn.params.includes(local) || fn.selfNames.includes(local)) return undefined;
  const value = readNameValue(local, use, 'go', text, root);
  if (value === undefined || value.startIndex < fn.node.startIndex || value.endIndex > fn.node.endIndex)
    return undefined;
  const call = unwrapExpression(value);
  const callee = call.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (callee == null) return undefined;
  const operand = callee.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
  const own =
    callee.type === 'identifier' || (operand != null && fn.selfNames.includes(sliceNode(text, operand)));
  const nameNode = callee.type === 'identifier' ? callee : callee.childForFieldName('field');
  if (!own || nameNode == null) return undefined;
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment',
  );
  const position = args.findIndex(
    (arg) => arg.type === 'identifier' && fn.params.includes(sliceNode(text, arg)),
  );
  const passed = args[position];
  if (passed === undefined) return undefined;
  const helpers = nodesOfType(root, DECLARATIONS[callee.type === 'identifier' ? 0 : 1] ?? '').filter(
    (d): d is Node =>
      d !== null && sliceNode(text, d.childForFieldName('name') ?? d) === sliceNode(text, nameNode),
  );
  const [helper, ...others] = helpers;
  if (helper === undefined || others.length > 0) return undefined;
  const param = readParamNames(helper, text)[position];
  const body = helper.childForFieldName('body');
  if (param === undefined || body === null) return undefined;
  // The field of the parameter joined into a string with `+`: exactly one.
  const joined = new Map<string, Node>();
  for (const selector of nodesOfType(body, 'selector_expression')) {
    const target = selector?.childForFieldName('operand');
    const key = selector?.childForFieldName('field');
    if (selector == null || target?.type !== 'identifier' || key == null || sliceNode(text, target) !== param)
      continue;
    const concatenation = outermostJoin(selector, text);
    if (concatenation !== undefined) joined.set(sliceNode(text, key), concatenation);
  }
  const [entry, ...more] = joined;
  if (entry === undefined || more.length > 0) return undefined;
  const [key, concatenation] = entry;
  const fieldSource = `${param}.${key}`;
  const segments: UrlSegment[] = [];
  for (const operand of flattenConcatenation(concatenation, text)) {
    const written = sliceNode(text, operand);
    if (written === fieldSource) segments.push({ kind: 'expr', source: sliceNode(text, passed) });
    else
      segments.push(
        ...(readDeclaredConstant(context, written, body) ?? readUrlValue(operand, 'go', text, root)),
      );
  }
  if (!segments.some((s) => s.kind === 'expr' && s.source === sliceNode(text, passed))) return undefined;
  return { index: fn.params.indexOf(sliceNode(text, passed)), key, url: collapseOrigin(segments) };
}

/** A Go function or method declaration's parameter names in order (`''` for an unnamed one). */
export function readParamNames(declaration: Node, text: string): string[] {
  const names: string[] = [];
  for (const parameter of declaration.childForFieldName('parameters')?.namedChildren ?? []) {
    if (parameter?.type !== 'parameter_declaration') continue;
    const declared = parameter.childrenForFieldName('name').filter((n): n is Node => n !== null);
    if (declared.length === 0) names.push('');
    for (const name of declared) names.push(sliceNode(text, name));
  }
  return names;
}

// The outermost `+` expression a node is part of (a few levels at most), or undefined.
function outermostJoin(node: Node, text: string): Node | undefined {
  let found: Node | undefined;
  let current = node.parent;
  for (let depth = 0; current !== null && depth < 64; depth++, current = current.parent) {
    if (current.type === 'parenthesized_expression') continue;
    const operator = current.type === 'binary_expression' ? current.childForFieldName('operator') : null;
    if (operator === null || sliceNode(text, operator) !== '+') break;
    found = current;
  }
  return found;
}

/**
 * A local of the helper declared with a constant (`prefix := adminPrefix`) and set again only
 * inside a conditional block (`if r.other { prefix = otherPrefix }`): the declared value, the path
 * taken when no condition holds. Undefined for anything else.
 */
function readDeclaredConstant(context: ScanContext, name: string, body: Node): UrlSegment[] | undefined {
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const { text, root } = context;
  let declared: Node | undefined;
  for (const statement of body.namedChildren) {
    if (statement?.type !== 'short_var_declaration') continue;
    const left = statement.childForFieldName('left');
    if (left?.namedChildCount !== 1 || sliceNode(text, left) !== name) continue;
    declared = statement.childForFieldName('right')?.namedChildren[0] ?? undefined;
  }
  // Set again at the body's own level, the value depends on where it is read: not read.
  const again = body.namedChildren.some(
    (statement) =>
      statement?.type === 'assignment_statement' &&
      sliceNode(text, statement.childForFieldName('left') ?? statement) === name,
  );
  if (again || declared === undefined) return undefined;
  const [value, ...rest] = readUrlValue(declared, 'go', text, root);
  return value?.kind === 'literal' && rest.length === 0 ? [value] : undefined;
}

// `scheme + "://" + host + ...`: an origin built at run time is one unknown part, not three.
function collapseOrigin(segments: UrlSegment[]): UrlSegment[] {
  const [scheme, separator, host, ...rest] = segments;
  if (
    scheme?.kind === 'expr' &&
    separator?.kind === 'literal' &&
    separator.text === '://' &&
    host?.kind === 'expr'
  )
    return [{ kind: 'expr', source: `${scheme.source}://${host.source}` }, ...rest];
  return segments;
}
