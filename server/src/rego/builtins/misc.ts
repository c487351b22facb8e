/**
 * Builtins about the evaluation itself: print (captured), time.now_ns (the evaluation's fixed
 * clock), opa.runtime, rand.intn, and rego.metadata.chain / rule (answered by the compiler inside
 * rules).
 */
import { numberFromBigInt } from '../value/number';
import { num, RegoObject, type Value } from '../value/value';
import { type BuiltinDef, defineBuiltin, intArg, param, stringArg } from './registry';

/** The miscellaneous builtins. */
export const miscBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'print',
    nondeterministic: true,
    signature: { args: [], variadic: param('values', 'any'), result: param('result', 'boolean') },
    description: 'Prints its arguments (captured by Clearance, never written to stdout).',
    implementation: () => true,
  }),
  defineBuiltin({
    name: 'trace',
    nondeterministic: true,
    signature: { args: [param('note', 'string')], result: param('result', 'boolean') },
    description:
      'Emits `note` as a trace note (a Note event of `--explain`; without a trace, sent to the print sink in Clearance).',
    implementation: (args, ctx) => {
      const note = stringArg(args, 0);
      if (ctx.note) ctx.note(note);
      else ctx.print(note);
      return true;
    },
  }),
  defineBuiltin({
    name: 'time.now_ns',
    nondeterministic: true,
    signature: { args: [], result: param('now', 'number') },
    description: 'Returns the current time since epoch in nanoseconds (fixed for one evaluation).',
    implementation: (_args, ctx) => numberFromBigInt(ctx.nowNs),
  }),
  defineBuiltin({
    name: 'rego.metadata.chain',
    signature: { args: [], result: param('chain', 'array[any]') },
    description:
      'Returns the chain of metadata for the active rule. Ordered starting at the active rule, going outward to the most distant node in its package ancestry. A chain entry is a JSON document with two members: "path", an array representing the path of the node; and "annotations", a JSON document containing the annotations declared for the node. The first entry in the chain always points to the active rule, even if it has no declared annotations (in which case the "annotations" member is not present).',
    // Inside a rule the compiler puts the rule's chain here; a query has no active rule.
    implementation: () => [],
  }),
  defineBuiltin({
    name: 'rego.metadata.rule',
    signature: { args: [], result: param('output', 'any') },
    description:
      'Returns annotations declared for the active rule and using the rule scope. If no annotations are declared, an empty object is returned.',
    implementation: () => new RegoObject(),
  }),
  defineBuiltin({
    name: 'opa.runtime',
    nondeterministic: true,
    signature: { args: [], result: param('output', 'object[string: any]') },
    description: 'Returns an object that describes the runtime environment where OPA is deployed.',
    implementation: () => RegoObject.of([['env', new RegoObject()]]),
  }),
  defineBuiltin({
    name: 'rand.intn',
    nondeterministic: true,
    signature: { args: [param('str', 'string'), param('n', 'number')], result: param('y', 'number') },
    description:
      'Returns a random integer between `0` and `n` (`n` exclusive), the same for the same `str` within one query.',
    implementation: (args, ctx) => {
      const key = stringArg(args, 0);
      const n = intArg(args, 1);
      if (n === 0) return num(0);
      const memo = `rand.intn/${key}/${n}`;
      const cached = ctx.cache.get(memo);
      if (cached !== undefined) return cached;
      const v: Value = num(Math.floor(Math.random() * Math.abs(n)));
      ctx.cache.set(memo, v);
      return v;
    },
  }),
];
