/**
 * Go URL builders one package shares with others, and the URL helpers a package keeps for its own
 * files. An SDK's service client joins path parts onto its endpoint in one method
 * (`func (c *Service) URL(parts ...string) string { return c.Endpoint + strings.Join(parts, "/") }`,
 * in the root package), and each resource package keeps an `urls.go` of helpers that only call it
 * (`func itemURL(c *sdk.Service, id string) string { return c.URL("items", id) }`), called from the
 * package's other files (`c.Get(ctx, itemURL(c, id), ...)`). The builder method is shared under
 * its type (`Service.URL`), the helpers under their package's folder (every package has its own
 * `itemURL`), and a call of either reads as the parts joined after the endpoint.
 */

import { basename, dirname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { readGoImportPath } from '../recognizers/go-http';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { readGoParameterType } from './go-types';
import type { HelperFact, SharedValues } from './types';

// Helper calls followed one into another (`getURL` returning `resourceURL(c, id)`) at most this deep.
const MAX_HOPS = 3;
const GO_JOIN = /^(?:strings\.Join|path\.Join)$/;

/** The key a package helper is shared under: its package's folder and its name. */
export function packageHelperKey(file: string, name: string): string {
  return `${dirname(file)}#${name}`;
}

/** The package folder of a Go file scanned with a project view, for the package helpers' keys. */
export function withGoPackage(shared: SharedValues | undefined, file: string): SharedValues | undefined {
  return shared === undefined ? undefined : { ...shared, goFile: file };
}

/**
 * Reads a Go file's shared builders: methods joining a variadic parameter's parts onto an
 * expression (`Type.Method`, with `joinSeparator`), and top-level functions whose one statement
 * returns a call of a parameter's method or of another function (`goCall`).
 */
export function readGoPackageBuilders(
  context: ScanContext,
  read: (node: Node) => UrlSegment[],
): HelperFact[] {
  const { root, text } = context;
  const out: HelperFact[] = [];
  for (const statement of root.namedChildren) {
    if (statement?.type !== 'method_declaration' && statement?.type !== 'function_declaration') continue;
    const name = statement.childForFieldName('name');
    const returned = readOnlyReturn(statement);
    if (name === null || returned === undefined) continue;
    const fact =
      statement.type === 'method_declaration'
        ? readJoinMethod(statement, sliceNode(text, name), returned, text, read)
        : (readForwardingHelper(context, statement, sliceNode(text, name), returned, read) ??
          readExportedPath(context, statement, sliceNode(text, name), returned, read));
    if (fact !== undefined) out.push(fact);
  }
  return out;
}

// `func (c *Service) URL(parts ...string) string { return c.base() + strings.Join(parts, "/") }`.
function readJoinMethod(
  method: Node,
  name: string,
  returned: Node,
  text: string,
  read: (node: Node) => UrlSegment[],
): HelperFact | undefined {
  const receiverType = method
    .childForFieldName('receiver')
    ?.namedChildren.find((c) => c?.type === 'parameter_declaration')
    ?.childForFieldName('type');
  const declarations = (method.childForFieldName('parameters')?.namedChildren ?? []).filter(
    (p): p is Node => p !== null && p.type !== 'comment',
  );
  const last = declarations.at(-1);
  const variadic = last?.type === 'variadic_parameter_declaration' ? last.childForFieldName('name') : null;
  if (receiverType == null || variadic == null || declarations.length !== 1) return undefined;
  if (
    returned.type !== 'binary_expression' ||
    sliceNode(text, returned.childForFieldName('operator') ?? returned) !== '+'
  )
    return undefined;
  const left = returned.childForFieldName('left');
  const join = returned.childForFieldName('right');
  if (left === null || join?.type !== 'call_expression') return undefined;
  const callee = sliceNode(text, join.childForFieldName('function') ?? join);
  const args = (join.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== 'comment',
  );
  const parts = sliceNode(text, variadic);
  let separator: string | undefined;
  if (callee === 'strings.Join' && args.length === 2 && sliceNode(text, args[0] as Node) === parts) {
    const sep = read(args[1] as Node);
    if (sep.length === 1 && sep[0]?.kind === 'literal') separator = sep[0].text;
  } else if (
    callee === 'path.Join' &&
    args.length === 1 &&
    sliceNode(text, args[0] as Node) === `${parts}...`
  )
    separator = '/';
  if (separator === undefined || !GO_JOIN.test(callee)) return undefined;
  const type = sliceNode(text, receiverType).replace(/^\*/, '');
  return { name: `${type}.${name}`, param: parts, url: read(left), joinSeparator: separator };
}

// `func itemURL(c *sdk.Service, id string) string { return c.URL("items", id) }`, or a helper
// returning another one (`return resourceURL(c, id)`): the call and its arguments read as URLs.
function readForwardingHelper(
  context: ScanContext,
  fn: Node,
  name: string,
  returned: Node,
  read: (node: Node) => UrlSegment[],
): HelperFact | undefined {
  const { text } = context;
  if (returned.type !== 'call_expression') return undefined;
  const params: string[] = [];
  for (const declaration of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (declaration?.type !== 'parameter_declaration') return undefined;
    for (const n of declaration.childrenForFieldName('name')) if (n !== null) params.push(sliceNode(text, n));
  }
  const callee = returned.childForFieldName('function');
  let target: string | undefined;
  if (callee?.type === 'identifier') target = packageHelperKey(context.file, sliceNode(text, callee));
  else if (callee?.type === 'selector_expression') {
    const operand = callee.childForFieldName('operand');
    const field = callee.childForFieldName('field');
    const type = operand === null ? undefined : readGoParameterType(operand, text);
    if (type !== undefined && field !== null && params.includes(sliceNode(text, operand as Node)))
      target = `${type}.${sliceNode(text, field)}`;
  }
  if (params.length === 0 || target === undefined) return undefined;
  const args = (returned.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== 'comment',
  );
  if (args.some((a) => a.type === 'variadic_argument')) return undefined;
  return {
    name: packageHelperKey(context.file, name),
    param: params[0] as string,
    params,
    url: [],
    goCall: { target, args: args.map(read) },
  };
}

/** The key an exported path function is shared under: its package's folder name and its name. */
function exportedPathKey(folder: string, name: string): string {
  return `gopkg:${basename(folder)}.${name}`;
}

// `func Invoice(id string) string { return Invoices + "/" + id }` in package `endpoints`: another
// package calls it `endpoints.Invoice(id)`; shared under the folder's name, the last part of the
// import path that callers resolve their package name to.
function readExportedPath(
  context: ScanContext,
  fn: Node,
  name: string,
  returned: Node,
  read: (node: Node) => UrlSegment[],
): HelperFact | undefined {
  if (!/^[A-Z]/.test(name)) return undefined;
  const params: string[] = [];
  for (const declaration of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (declaration?.type !== 'parameter_declaration') return undefined;
    for (const n of declaration.childrenForFieldName('name'))
      if (n !== null) params.push(sliceNode(context.text, n));
  }
  const url = read(returned);
  const path = url.some((s) => s.kind === 'literal' && s.text.includes('/'));
  const known = url.every((s) => s.kind === 'literal' || params.includes(s.source));
  if (!path || !known || params.length === 0) return undefined;
  return {
    name: exportedPathKey(dirname(context.file), name),
    param: params[0] as string,
    params,
    url,
    goPath: true,
  };
}

/**
 * `endpoints.Invoices`: a constant of another package of the project (its import path names a
 * host, as a module's does; the standard library's never), read as the constant the project
 * shares under that name (none when two modules disagree on it).
 */
export function readGoPackageConstant(
  source: string,
  use: Node,
  text: string,
  shared: SharedValues | undefined,
): readonly UrlSegment[] | undefined {
  const match = /^([A-Za-z_]\w*)\.([A-Z]\w*)$/.exec(source);
  if (match === null || shared === undefined) return undefined;
  const operand = findOperand(use, match[1] as string, text);
  const path = operand === undefined ? undefined : readGoImportPath(operand, text);
  if (path === undefined || !/^[^/]*\./.test(path)) return undefined;
  const value = shared.constants.get(match[2] as string);
  return value == null || value.some((s) => s.kind !== 'literal') ? undefined : value;
}

// The identifier `name` inside `use` (or `use` itself), for the imports it may name.
function findOperand(use: Node, name: string, text: string): Node | undefined {
  if (use.type === 'identifier' && sliceNode(text, use) === name) return use;
  return (
    use.descendantsOfType('identifier').find((n) => n !== null && sliceNode(text, n) === name) ?? undefined
  );
}

function readOnlyReturn(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  const statements = (body?.namedChildren ?? []).filter((s): s is Node => s !== null && s.type !== 'comment');
  const only = statements[0];
  if (statements.length !== 1 || only?.type !== 'return_statement') return undefined;
  const list = only.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const values = (list[0]?.type === 'expression_list' ? list[0].namedChildren : list).filter(
    (c): c is Node => c !== null && c.type !== 'comment',
  );
  return values.length === 1 ? values[0] : undefined;
}

/**
 * A Go call of a shared builder method on a typed parameter or receiver (`c.URL("items", id)`), or
 * of a URL helper of the caller's package (`itemURL(c, id)`): the parts joined after the builder's
 * endpoint, with a `/` between an endpoint expression and the first part. Undefined otherwise.
 */
export function readGoPackageBuilderCall(
  call: Node,
  text: string,
  shared: SharedValues | undefined,
  read: (node: Node) => UrlSegment[],
): UrlSegment[] | undefined {
  if (shared === undefined || call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== 'comment',
  );
  if (args.some((a) => a.type === 'variadic_argument')) return undefined;
  let target: string | undefined;
  if (callee?.type === 'identifier' && shared.goFile !== undefined)
    target = packageHelperKey(shared.goFile, sliceNode(text, callee));
  else if (callee?.type === 'selector_expression') {
    const operand = callee.childForFieldName('operand');
    const field = callee.childForFieldName('field');
    // `endpoints.Invoice(id)`: an exported path function of the project's package `endpoints`.
    const imported = operand === null ? undefined : readGoImportPath(operand, text);
    if (imported !== undefined && field !== null) {
      const key = exportedPathKey(imported, sliceNode(text, field));
      return shared.helpers.get(key) == null ? undefined : expand(key, args.map(read), shared, 0);
    }
    const type =
      operand === null ? undefined : (readGoParameterType(operand, text) ?? readReceiverType(operand, text));
    if (type !== undefined && field !== null) target = `${type}.${sliceNode(text, field)}`;
  }
  if (target === undefined || shared.helpers.get(target) == null) return undefined;
  return expand(target, args.map(read), shared, 0);
}

// A builder or helper called with its arguments already read.
function expand(
  target: string,
  args: readonly UrlSegment[][],
  shared: SharedValues,
  hops: number,
): UrlSegment[] | undefined {
  const helper = shared.helpers.get(target);
  if (helper == null || hops > MAX_HOPS) return undefined;
  if (helper.joinSeparator !== undefined) return joinOnto(helper.url, args, helper.joinSeparator);
  if (helper.goPath === true && helper.params !== undefined) {
    const params = helper.params;
    return helper.url.flatMap((segment) => {
      const index = segment.kind === 'expr' ? params.indexOf(segment.source) : -1;
      const arg = index >= 0 ? args[index] : undefined;
      return arg === undefined ? [{ ...segment }] : arg.map((a) => ({ ...a }));
    });
  }
  if (helper.goCall === undefined || helper.params === undefined) return undefined;
  const params = helper.params;
  const bound = helper.goCall.args.map((segments) =>
    segments.flatMap((segment) => {
      const index = segment.kind === 'expr' ? params.indexOf(segment.source) : -1;
      return index >= 0 && args[index] !== undefined ? (args[index] as UrlSegment[]) : [segment];
    }),
  );
  // A builder method's receiver argument (`c`) only picks the builder: the builder reads its parts.
  return expand(helper.goCall.target, bound, shared, hops + 1);
}

// The parts joined by the separator after the endpoint; a `/` after an endpoint expression.
function joinOnto(
  base: readonly UrlSegment[],
  parts: readonly UrlSegment[][],
  separator: string,
): UrlSegment[] {
  const out: UrlSegment[] = base.map((s) => ({ ...s }));
  parts.forEach((part, i) => {
    if (i > 0) out.push({ kind: 'literal', text: separator });
    else if (out.at(-1)?.kind === 'expr' && !(part[0]?.kind === 'literal' && part[0].text.startsWith('/')))
      out.push({ kind: 'literal', text: '/' });
    for (const segment of part) out.push({ ...segment });
  });
  const merged: UrlSegment[] = [];
  for (const segment of out) {
    const last = merged.at(-1);
    if (segment.kind === 'literal' && last?.kind === 'literal') last.text += segment.text;
    else if (segment.kind !== 'literal' || segment.text !== '') merged.push(segment);
  }
  return merged;
}

// `c` inside `func (c *Service) Name(...)`: the receiver's type.
function readReceiverType(operand: Node, text: string): string | undefined {
  if (operand.type !== 'identifier') return undefined;
  const name = sliceNode(text, operand);
  for (let around = operand.parent; around !== null; around = around.parent) {
    if (around.type === 'func_literal' || around.type === 'function_declaration') continue;
    if (around.type !== 'method_declaration') continue;
    const declaration = around
      .childForFieldName('receiver')
      ?.namedChildren.find((c) => c?.type === 'parameter_declaration');
    const receiver = declaration?.childForFieldName('name');
    const type = declaration?.childForFieldName('type');
    if (receiver == null || type == null || sliceNode(text, receiver) !== name) return undefined;
    return sliceNode(text, type).replace(/^\*/, '').replace(/\[.*$/, '');
  }
  return undefined;
}
