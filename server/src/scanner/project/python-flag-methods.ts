/**
 * A Python wrapper that picks its verb by a flag parameter:
 *
 *     def _fetch(self, path, params=None, as_post=False):
 *         url = self._url(path)
 *         r = self._http.post(url, data=params) if as_post else self._http.get(url, params=params)
 *
 * is a wrapper of the call taken when the flag keeps its default (`False`, `None`): the GET. The
 * other call's method is the one a caller gets by passing the flag as `True`
 * (`WrapperDefinition.methodFlag`); without that, the first call in the text (the POST) made every
 * caller a POST.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import { findEnclosingFunction } from './code-shape';

/** The flag's position and the method a caller passing it as `True` (or, `given`, any value) gets. */
export interface FlagBranch {
  index: number;
  method: string;
  /** True when any value but `None`/`False` picks the method (`if body is not None: send = s.post`). */
  given?: boolean;
}

const VERB_ATTRIBUTE = /\.(get|post|put|patch|delete|head|options)$/;

/**
 * The calls taken only when a flag parameter is set (`skip`: not the wrapper's own verb), and for
 * the call taken by default, the flag and the other verb.
 */
export function readFlagBranches(
  calls: readonly HttpCall[],
  nodeOf: (call: HttpCall) => Node | undefined,
  text: string,
): { skip: Set<HttpCall>; flags: Map<HttpCall, FlagBranch> } {
  const skip = new Set<HttpCall>();
  const flags = new Map<HttpCall, FlagBranch>();
  const byStart = new Map<number, HttpCall>();
  for (const call of calls) byStart.set(call.location.start.offset, call);
  const assigned = new Map<number, VerbUnderTest[]>();
  for (const call of calls) {
    if (call.method === undefined) continue;
    const node = nodeOf(call);
    let branch = node;
    while (branch?.parent?.type === 'parenthesized_expression') branch = branch.parent;
    const choice = branch?.parent;
    const bound = node === undefined ? undefined : readBoundFlag(node, call.method, text, assigned);
    if (bound !== undefined) flags.set(call, bound);
    if (node === undefined || branch == null || choice?.type !== 'conditional_expression') continue;
    if (choice.namedChild(0)?.id !== branch.id) continue;
    const condition = choice.namedChild(1);
    let other = choice.namedChild(2);
    while (other?.type === 'parenthesized_expression') other = other.firstNamedChild;
    const fallback = other == null ? undefined : byStart.get(other.startIndex);
    if (condition?.type !== 'identifier' || fallback?.method === undefined || fallback === call) continue;
    const fn = findEnclosingFunction(node, 'python', text);
    const name = sliceNode(text, condition);
    const index = fn === undefined ? -1 : fn.params.indexOf(name);
    if (fn === undefined || index < 0 || !hasFalseDefault(fn.node, name, text)) continue;
    skip.add(call);
    flags.set(fallback, { index, method: call.method });
  }
  return { skip, flags };
}

/**
 * `send = self.s.get` then `if body is not None: send = self.s.post` above `send(url)` (the call
 * `bound-verbs.ts` reports with the verb assigned first): the parameter tested and the verb a caller
 * giving it gets. Only a test of one parameter defaulting to `None`/`False`, as the whole condition.
 */
function readBoundFlag(
  node: Node,
  method: string,
  text: string,
  memo: Map<number, VerbUnderTest[]>,
): FlagBranch | undefined {
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'identifier') return undefined;
  const name = sliceNode(text, callee);
  const fn = findEnclosingFunction(node, 'python', text);
  if (fn === undefined) return undefined;
  // Each function's tests are read once, whatever the number of calls in it.
  let tested = memo.get(fn.node.id);
  if (tested === undefined) {
    tested = readVerbsUnderTests(fn.node, fn.params, text);
    memo.set(fn.node.id, tested);
  }
  const found = tested.filter((t) => t.name === name && t.method !== method);
  const [only] = found;
  return only === undefined || found.length > 1
    ? undefined
    : { index: only.index, method: only.method, given: true };
}

/** A local assigned a verb function under a test of one parameter: `if p is not None: send = s.post`. */
interface VerbUnderTest {
  name: string;
  index: number;
  method: string;
}

function readVerbsUnderTests(fn: Node, params: readonly string[], text: string): VerbUnderTest[] {
  const out: VerbUnderTest[] = [];
  for (const branch of fn.descendantsOfType('if_statement')) {
    const condition = branch?.childForFieldName('condition');
    const tested =
      condition?.type === 'identifier'
        ? condition
        : condition?.type === 'comparison_operator' &&
            /^\w+\s+is\s+not\s+None$/.test(sliceNode(text, condition))
          ? condition.firstNamedChild
          : null;
    const index = tested == null ? -1 : params.indexOf(sliceNode(text, tested));
    if (branch == null || index < 0 || !hasFalseDefault(fn, params[index] ?? '', text)) continue;
    for (const statement of branch.childForFieldName('consequence')?.namedChildren ?? []) {
      const assignment = statement?.type === 'expression_statement' ? statement.firstNamedChild : null;
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      if (assignment?.type !== 'assignment' || left?.type !== 'identifier' || right?.type !== 'attribute')
        continue;
      const verb = VERB_ATTRIBUTE.exec(sliceNode(text, right))?.[1]?.toUpperCase();
      if (verb !== undefined) out.push({ name: sliceNode(text, left), index, method: verb });
    }
  }
  return out;
}

// `as_post=False`, `as_post: bool = False`, `= None`.
function hasFalseDefault(fn: Node, name: string, text: string): boolean {
  const value = readParamDefault(fn, name, text);
  return value?.type === 'false' || value?.type === 'none';
}

/** The default a Python function gives its parameter `name` (`= None`, `: bool = False`), if any. */
export function readParamDefault(fn: Node, name: string, text: string): Node | undefined {
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param?.type !== 'default_parameter' && param?.type !== 'typed_default_parameter') continue;
    const nameNode = param.childForFieldName('name');
    if (nameNode != null && sliceNode(text, nameNode) === name)
      return param.childForFieldName('value') ?? undefined;
  }
  return undefined;
}
