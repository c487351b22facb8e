/** Reads the URL argument of an HTTP call into a `UrlTemplate`. */

import type { Node } from 'web-tree-sitter';
import { nodeType, readLiteral, sliceNode, unwrapExpression } from './syntax';
import type { UrlSegment, UrlTemplate } from './types';

/**
 * Reads a URL expression: a string or template literal, a `+` concatenation that contains one, or
 * `new URL(literal, base)` (whose path is the literal; the base is an origin the code supplies at
 * run time). Any other expression gives an unknown URL that keeps its source text.
 */
export function readUrlTemplate(argument: Node | null | undefined, text: string): UrlTemplate {
  if (argument === null || argument === undefined) return { source: '', segments: [], known: false };
  const node = unwrapExpression(argument);
  const literal = readLiteral(node, text);
  if (literal !== undefined) return { source: literal.raw, segments: literal.segments, known: true };
  if (nodeType(node) === 'new_expression') {
    const callee = node.childForFieldName('constructor');
    const first = node.childForFieldName('arguments')?.firstNamedChild;
    const path =
      first === null || first === undefined ? undefined : readLiteral(unwrapExpression(first), text);
    if (callee?.type === 'identifier' && sliceNode(text, callee) === 'URL' && path !== undefined) {
      return { source: path.raw, segments: path.segments, known: true };
    }
  }
  if (isConcatenation(node, text)) {
    const concatenated = readConcatenation(node, text);
    if (concatenated !== undefined) return concatenated;
  }
  const source = sliceNode(text, argument);
  return { source, segments: [{ kind: 'expr', source }], known: false };
}

function readConcatenation(node: Node, text: string): UrlTemplate | undefined {
  const operands: Node[] = [];
  collectOperands(node, text, operands);
  const segments: UrlSegment[] = [];
  let source = '';
  let sawLiteral = false;
  for (const operand of operands) {
    const literal = readLiteral(operand, text);
    if (literal === undefined) {
      const expression = sliceNode(text, operand);
      segments.push({ kind: 'expr', source: expression });
      source += `\${${expression}}`;
      continue;
    }
    sawLiteral = true;
    source += literal.raw;
    for (const segment of literal.segments) {
      const last = segments[segments.length - 1];
      if (segment.kind === 'literal' && last?.kind === 'literal') last.text += segment.text;
      else segments.push({ ...segment });
    }
  }
  return sawLiteral ? { source, segments, known: true } : undefined;
}

// Iterative, because a long `'a' + b + 'c' + ...` chain nests as deep as it is long.
function collectOperands(node: Node, text: string, operands: Node[]): void {
  const pending: Node[] = [node];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const inner = unwrapExpression(next);
    if (!isConcatenation(inner, text)) {
      operands.push(inner);
      continue;
    }
    const left = inner.childForFieldName('left');
    const right = inner.childForFieldName('right');
    if (right !== null) pending.push(right);
    if (left !== null) pending.push(left);
  }
}

// The node `isConcatenation` answered last, and its answer: a URL's outermost `+` is asked about
// twice (is the URL a concatenation, then its operands), each time reading its operator child.
let concatenationNode: Node | undefined;
let concatenationAnswer = false;

function isConcatenation(node: Node, text: string): boolean {
  if (node === concatenationNode) return concatenationAnswer;
  const answer = readsAsConcatenation(node, text);
  concatenationNode = node;
  concatenationAnswer = answer;
  return answer;
}

function readsAsConcatenation(node: Node, text: string): boolean {
  if (nodeType(node) !== 'binary_expression') return false;
  const operator = node.childForFieldName('operator');
  return operator !== null && sliceNode(text, operator) === '+';
}
