/**
 * The shape every builtin is declared with (name, signature, description, implementation), the
 * context an implementation receives, and the helpers implementations use to read operands and
 * report errors with OPA's wording (`operand 1 must be string but got number`).
 */
import { stepsForBytes } from '../eval/limits';
import { RegoNumber, toBigInt, toSafeInteger } from '../value/number';
import { RegoObject, RegoSet, type TypeName, typeNameOf, type Value } from '../value/value';

/** One argument or the result of a builtin: a name and a type in OPA's notation (`array[string]`). */
export interface BuiltinParam {
  name: string;
  type: string;
  description?: string;
}

/** What the evaluator lends a builtin: the clock, print capture, and a per-query cache. */
export interface BuiltinContext {
  /** The evaluation's fixed "now", in nanoseconds since the epoch. */
  nowNs: bigint;
  /** Receives `print` output. */
  print: (message: string) => void;
  /** Receives `trace` notes when the evaluation is traced (`--explain`); absent otherwise. */
  note?: ((message: string) => void) | undefined;
  /** Per-query memo (e.g. `rand.intn` answers must repeat within one query). */
  cache: Map<string, Value>;
  /** Charges `n` steps of work against the evaluation's limits (for builtins that build large results). */
  charge: (n: number) => void;
  /** True when `http.send` may make network requests (off unless the embedder enables it). */
  allowHttpSend?: boolean;
  /** Milliseconds left before the evaluation's deadline (bounds blocking builtins like `http.send`). */
  remainingMs?: () => number;
}

/** A builtin function declared as data; the evaluator, hover and completion all read these. */
export interface BuiltinDef {
  name: string;
  signature: { args: BuiltinParam[]; result: BuiltinParam; variadic?: BuiltinParam };
  description: string;
  /** Returns the result, or undefined when the call is undefined; throws `BuiltinError` on errors. */
  implementation: (args: Value[], ctx: BuiltinContext) => Value | undefined;
  /** The infix operator spelling, when the builtin is an operator (`==`, `+`, `in`). */
  infix?: string;
  /** True when the builtin yields several results (like `walk`): `implementation` returns an array of them. */
  relation?: boolean;
  /** True for builtins whose answer may change between evaluations (time, random, print). */
  nondeterministic?: boolean;
}

/** The error codes a builtin may raise. */
export type BuiltinErrorCode = 'eval_type_error' | 'eval_builtin_error' | 'eval_http_send_network_error';

/** An error raised by a builtin: `eval_type_error` for bad operands, `eval_builtin_error` otherwise. */
export class BuiltinError extends Error {
  /** OPA's error code. */
  readonly code: BuiltinErrorCode;
  /** True when the error ends the evaluation even without strict builtin errors (a disabled builtin). */
  readonly halt: boolean;
  constructor(code: BuiltinErrorCode, message: string, halt = false) {
    super(message);
    this.code = code;
    this.halt = halt;
  }
}

/** Declares a builtin (identity helper that keeps declarations terse and typed). */
export function defineBuiltin(def: BuiltinDef): BuiltinDef {
  return def;
}

/** Shorthand for a parameter. */
export function param(name: string, type: string, description?: string): BuiltinParam {
  return description === undefined ? { name, type } : { name, type, description };
}

/** Throws an operand type error worded like OPA's. */
export function operandTypeError(pos: number, got: Value, ...expected: string[]): never {
  const want = expected.length === 1 ? expected[0] : `one of {${expected.join(', ')}}`;
  throw new BuiltinError('eval_type_error', `operand ${pos} must be ${want} but got ${typeNameOf(got)}`);
}

/** Formats names as OPA prints a set of strings in messages: `{"a", "b"}`, sorted. */
export function formatNameSet(names: Iterable<string>): string {
  return `{${[...names]
    .sort()
    .map((n) => JSON.stringify(n))
    .join(', ')}}`;
}

/** Throws an `eval_builtin_error` with the given message. */
export function builtinError(message: string): never {
  throw new BuiltinError('eval_builtin_error', message);
}

/** Throws an `eval_type_error` with the given message. */
export function typeError(message: string): never {
  throw new BuiltinError('eval_type_error', message);
}

/** Reads operand `i` (0-based) as a string. */
export function stringArg(args: Value[], i: number): string {
  const v = args[i] as Value;
  if (typeof v !== 'string') operandTypeError(i + 1, v, 'string');
  return v;
}

/** Reads operand `i` as a number. */
export function numberArg(args: Value[], i: number): RegoNumber {
  const v = args[i] as Value;
  if (!(v instanceof RegoNumber)) operandTypeError(i + 1, v, 'number');
  return v;
}

/** Throws OPA's error for operand `position` (1-based) holding a number that is not an integer. */
function notIntegerError(position: number): never {
  throw new BuiltinError(
    'eval_type_error',
    `operand ${position} must be integer number but got floating-point number`,
  );
}

/** Reads operand `i` as a JavaScript integer (errors on fractions and out-of-range values). */
export function intArg(args: Value[], i: number): number {
  const n = numberArg(args, i);
  const k = toSafeInteger(n);
  if (k === undefined) notIntegerError(i + 1);
  return k;
}

/** Reads operand `i` as a bigint integer. */
export function bigIntArg(args: Value[], i: number): bigint {
  const n = numberArg(args, i);
  const k = toBigInt(n);
  if (k === undefined) notIntegerError(i + 1);
  return k;
}

/** Reads operand `i` as a boolean. */
export function booleanArg(args: Value[], i: number): boolean {
  const v = args[i] as Value;
  if (typeof v !== 'boolean') operandTypeError(i + 1, v, 'boolean');
  return v;
}

/** Reads operand `i` as an array. */
export function arrayArg(args: Value[], i: number): Value[] {
  const v = args[i] as Value;
  if (!Array.isArray(v)) operandTypeError(i + 1, v, 'array');
  return v;
}

/** Reads operand `i` as a set. */
export function setArg(args: Value[], i: number): RegoSet {
  const v = args[i] as Value;
  if (!(v instanceof RegoSet)) operandTypeError(i + 1, v, 'set');
  return v;
}

/** Reads operand `i` as an object. */
export function objectArg(args: Value[], i: number): RegoObject {
  const v = args[i] as Value;
  if (!(v instanceof RegoObject)) operandTypeError(i + 1, v, 'object');
  return v;
}

/** Reads operand `i` as an array or set and returns its elements. */
export function collectionArg(args: Value[], i: number): Value[] {
  const v = args[i] as Value;
  if (Array.isArray(v)) return v;
  if (v instanceof RegoSet) return v.values();
  return operandTypeError(i + 1, v, 'array', 'set');
}

/** Reads operand `i` as an array or set of strings. */
export function stringsArg(args: Value[], i: number): string[] {
  const v = args[i] as Value;
  const items = collectionArg(args, i);
  return items.map((x) => {
    if (typeof x !== 'string') {
      const t = typeNameOf(v);
      throw new BuiltinError(
        'eval_type_error',
        `operand ${i + 1} must be ${t} of strings but got ${t} containing ${typeNameOf(x)}`,
      );
    }
    return x;
  });
}

/** True when the value has one of the given type names. */
export function isType(v: Value, ...names: TypeName[]): boolean {
  return names.includes(typeNameOf(v));
}

/** Builds a Rego set from values. */
export function setOf(values: Iterable<Value>): RegoSet {
  return RegoSet.of(values);
}

/** Builds a Rego object from string-keyed pairs. */
export function objectOf(pairs: Iterable<[Value, Value]>): RegoObject {
  return RegoObject.of(pairs);
}

/** Results smaller than this are not charged by size (the call's step covers them). */
const FREE_BYTES = 128;

/** Charges the evaluation for creating `bytes` bytes (see BYTES_PER_STEP in limits.ts). */
export function chargeBytes(ctx: Pick<BuiltinContext, 'charge'>, bytes: number): void {
  if (bytes > FREE_BYTES) ctx.charge(stepsForBytes(bytes));
}

/** Approximate bytes of a number's coefficient (cheap: hexadecimal length). */
export function numberBytes(n: RegoNumber): number {
  const c = n.coef < 0n ? -n.coef : n.coef;
  if (c < 0xffffffffffffffffn) return 8;
  return c.toString(16).length >> 1;
}

/** Charges the top level of a builtin's result by size (its members were charged when created). */
export function chargeResult(ctx: BuiltinContext, v: Value): void {
  if (typeof v === 'string') {
    if (v.length > FREE_BYTES) ctx.charge(stepsForBytes(v.length));
  } else if (Array.isArray(v)) {
    if (v.length > 8) ctx.charge(stepsForBytes(v.length * 16));
  } else if (v instanceof RegoSet || v instanceof RegoObject) {
    if (v.size > 8) ctx.charge(stepsForBytes(v.size * 16));
  } else if (v instanceof RegoNumber && v.coef > 0xffffffffffffffffn) {
    ctx.charge(stepsForBytes(numberBytes(v)));
  } else if (v instanceof RegoNumber && v.coef < -0xffffffffffffffffn) {
    ctx.charge(stepsForBytes(numberBytes(v)));
  }
}

/**
 * Walks a value as a serialiser would (shared members visited each time they occur), charging one
 * step per 64 nodes plus the bytes of its strings, before the serialised text is built: json.marshal
 * of a structure that shares members with itself is exponential in text, not in memory.
 */
export function chargeSerialised(ctx: BuiltinContext, v: Value): void {
  let nodes = 0;
  let bytes = 0;
  const stack: Value[] = [v];
  while (stack.length > 0) {
    const x = stack.pop() as Value;
    nodes++;
    if (typeof x === 'string') bytes += x.length + 2;
    else if (Array.isArray(x)) for (const e of x) stack.push(e);
    else if (x instanceof RegoSet) for (const e of x.values()) stack.push(e);
    else if (x instanceof RegoObject) {
      for (const [k, e] of x.entries()) stack.push(k, e);
    } else bytes += 8;
    if (nodes >= 4096 || bytes >= 1 << 20) {
      ctx.charge((nodes >> 6) + stepsForBytes(bytes));
      nodes = 0;
      bytes = 0;
    }
  }
  chargeBytes(ctx, bytes + nodes * 2);
}
