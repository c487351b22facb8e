/**
 * Resource resolvers (JavaScript/TypeScript): a function that fetches its argument only when the
 * argument is written as a URL (`if (/^https?:\/\//.test(resource)) { const res = await
 * fetch(resource) }`, else it reads a file or a buffer) is a wrapper only for callers that write a
 * URL. A caller handing it a value of its own (`resolveImage(options.avatar)`) makes no request the
 * code can name, so nothing is reported there.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';

/** Inferred calls through a resolver: a function around one that hands on its parameter is one too. */
export const guardedCalls = new WeakSet<HttpCall>();

const IF_TYPES = new Set(['if_statement', 'ternary_expression']);

/**
 * Whether `node`, inside `fn`, runs only under a test of `param`'s text: a regular expression's
 * `.test(param)`, `param.startsWith(...)`, `param.match(...)` or `param.includes('://')`.
 */
export function isUrlGuarded(node: Node, param: string, fn: Node, text: string): boolean {
  if (!/^[\w$]+$/.test(param)) return false;
  const name = param.replace(/\$/g, '\\$');
  const test = new RegExp(
    `\\.test\\(\\s*${name}\\s*\\)|(?<![\\w$.])${name}\\s*\\.\\s*(?:startsWith|match|includes)\\s*\\(`,
  );
  let child = node;
  for (let current = node.parent; current !== null && current.id !== fn.id; current = current.parent) {
    if (IF_TYPES.has(current.type)) {
      const condition = current.childForFieldName('condition');
      if (condition !== null && condition.id !== child.id && test.test(sliceNode(text, condition)))
        return true;
    }
    child = current;
  }
  return false;
}
