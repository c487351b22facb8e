/** Graph and version functions: graph.reachable, graph.reachable_paths, semver.is_valid, semver.compare. */
import { num, type RegoObject, RegoSet, type Value } from '../value/value';
import {
  type BuiltinDef,
  builtinError,
  collectionArg,
  defineBuiltin,
  objectArg,
  param,
  stringArg,
} from './registry';

/** Neighbours of a node: an array or set of node ids (anything else: none). */
function neighbours(graph: RegoObject, node: Value): Value[] {
  const edges = graph.get(node);
  if (Array.isArray(edges)) return edges;
  if (edges instanceof RegoSet) return edges.values();
  return [];
}

/** Strict SemVer 2.0.0 (no leading `v`, no leading zeros in numeric identifiers). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Compares two valid versions by SemVer precedence. */
function compareSemver(a: RegExpExecArray, b: RegExpExecArray): number {
  for (let i = 1; i <= 3; i++) {
    const x = BigInt(a[i] as string);
    const y = BigInt(b[i] as string);
    if (x !== y) return x < y ? -1 : 1;
  }
  const pa = a[4];
  const pb = b[4];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const xs = pa.split('.');
  const ys = pb.split('.');
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i] as string;
    const y = ys[i] as string;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(xs.length - ys.length);
}

/** The graph and semver builtins. */
export const graphBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'graph.reachable',
    signature: {
      args: [
        param('graph', 'object[any: any<array[any], set[any]>]'),
        param('initial', 'any<array[any], set[any]>'),
      ],
      result: param('output', 'set[any]'),
    },
    description: 'Computes the set of reachable nodes in the graph from a set of starting nodes.',
    implementation: (args) => {
      const graph = objectArg(args, 0);
      const seen = new RegoSet();
      const queue = [...collectionArg(args, 1)];
      while (queue.length > 0) {
        const n = queue.shift() as Value;
        if (seen.has(n) || !graph.has(n)) continue;
        seen.add(n);
        queue.push(...neighbours(graph, n));
      }
      return seen;
    },
  }),
  defineBuiltin({
    name: 'graph.reachable_paths',
    signature: {
      args: [
        param('graph', 'object[any: any<array[any], set[any]>]'),
        param('initial', 'any<array[any], set[any]>'),
      ],
      result: param('output', 'set[array[any]]'),
    },
    description: 'Computes the set of reachable paths in the graph from a set of starting nodes.',
    implementation: (args, ctx) => {
      const graph = objectArg(args, 0);
      const out = new RegoSet();
      // As OPA: one `reached` set per edge leaving a start node; a path ends at a node with no
      // edges, before a node outside the graph, or before a node this walk already expanded.
      const build = (root: Value, path: Value[], reached: RegoSet): void => {
        ctx.charge(1);
        if (graph.get(root) === undefined) {
          out.add(path);
          return;
        }
        const next = [...path, root];
        const ns = neighbours(graph, root);
        if (ns.length === 0) out.add(next);
        for (const n of ns) {
          if (reached.has(n)) out.add(next);
          else {
            reached.add(root);
            build(n, next, reached);
          }
        }
      };
      for (const start of collectionArg(args, 1)) {
        if (graph.get(start) === undefined) continue;
        const ns = neighbours(graph, start);
        if (ns.length === 0) out.add([start]);
        for (const n of ns) build(n, [start], RegoSet.of([start]));
      }
      return out;
    },
  }),
  defineBuiltin({
    name: 'semver.is_valid',
    signature: { args: [param('vsn', 'any')], result: param('result', 'boolean') },
    description: 'Validates that the input is a valid SemVer string.',
    implementation: ([v]) => typeof v === 'string' && SEMVER.test(v),
  }),
  defineBuiltin({
    name: 'semver.compare',
    signature: { args: [param('a', 'string'), param('b', 'string')], result: param('result', 'number') },
    description: 'Compares valid SemVer formatted version strings (-1, 0 or 1).',
    implementation: (args) => {
      const a = stringArg(args, 0);
      const b = stringArg(args, 1);
      const ma = SEMVER.exec(a);
      if (!ma) return builtinError(`operand 1: string ${JSON.stringify(a)} is not a valid SemVer`);
      const mb = SEMVER.exec(b);
      if (!mb) return builtinError(`operand 2: string ${JSON.stringify(b)} is not a valid SemVer`);
      return num(compareSemver(ma, mb));
    },
  }),
];
