/**
 * Arithmetic on exact numbers (`+ - * / %`, abs, round, ceil, floor, numbers.range): integers of
 * any size stay exact, as in OPA; `-` on two sets is set difference.
 */
import {
  absNumber,
  addNumbers,
  ceilNumber,
  divideNumbers,
  floorNumber,
  multiplyNumbers,
  numberFromBigInt,
  remainderNumbers,
  roundNumber,
  subtractNumbers,
} from '../value/number';
import { RegoNumber, RegoSet, type Value } from '../value/value';
import {
  type BuiltinContext,
  type BuiltinDef,
  bigIntArg,
  builtinError,
  chargeBytes,
  defineBuiltin,
  numberArg,
  numberBytes,
  operandTypeError,
  param,
} from './registry';

/** Declares a binary number operator. */
function binary(
  name: string,
  infix: string,
  op: (a: RegoNumber, b: RegoNumber) => Value,
  description: string,
): BuiltinDef {
  return defineBuiltin({
    name,
    infix,
    signature: { args: [param('x', 'number'), param('y', 'number')], result: param('z', 'number') },
    description,
    implementation: (args, ctx) => {
      const a = numberArg(args, 0);
      const b = numberArg(args, 1);
      chargeOperands(ctx, a, b);
      return op(a, b);
    },
  });
}

/** Operands below this magnitude cost nothing beyond the call's step. */
const SMALL = 2n ** 128n;

/**
 * Charges arithmetic on huge numbers by size: the bytes of both coefficients plus the decimal
 * alignment one exponent forces on the other, so repeated squaring ends at the step limit.
 */
function chargeOperands(ctx: BuiltinContext, a: RegoNumber, b: RegoNumber): void {
  const big = (n: RegoNumber) => n.coef >= SMALL || n.coef <= -SMALL;
  const shift = Math.abs(a.exp - b.exp);
  if (!big(a) && !big(b) && shift < 64) return;
  chargeBytes(ctx, numberBytes(a) + numberBytes(b) + Math.min(shift, 1e9) / 2);
}

/** Declares a unary number function. */
function unary(name: string, op: (a: RegoNumber) => RegoNumber, description: string): BuiltinDef {
  return defineBuiltin({
    name,
    signature: { args: [param('x', 'number')], result: param('y', 'number') },
    description,
    implementation: (args) => op(numberArg(args, 0)),
  });
}

/** Materialises an integer range, refusing absurd sizes. */
function range(a: bigint, b: bigint, step: bigint, ctx: BuiltinContext): Value[] {
  const count = (a > b ? a - b : b - a) / step + 1n;
  if (count > 100_000_000n) builtinError('range too large');
  ctx.charge(Number(count));
  const out: Value[] = [];
  if (a <= b) for (let i = a; i <= b; i += step) out.push(numberFromBigInt(i));
  else for (let i = a; i >= b; i -= step) out.push(numberFromBigInt(i));
  return out;
}

/** The arithmetic builtins. */
export const arithmeticBuiltins: BuiltinDef[] = [
  binary('plus', '+', addNumbers, 'Plus adds two numbers together.'),
  defineBuiltin({
    name: 'minus',
    infix: '-',
    signature: {
      args: [param('x', 'any<number, set[any]>'), param('y', 'any<number, set[any]>')],
      result: param('z', 'any<number, set[any]>'),
    },
    description:
      'Minus subtracts the second number from the first number or computes the difference between two sets.',
    implementation: ([x, y], ctx) => {
      const a = x ?? null;
      const b = y ?? null;
      if (a instanceof RegoNumber && b instanceof RegoNumber) {
        chargeOperands(ctx, a, b);
        return subtractNumbers(a, b);
      }
      if (a instanceof RegoSet && b instanceof RegoSet)
        return RegoSet.of(a.values().filter((v) => !b.has(v)));
      if (!(a instanceof RegoNumber) && !(a instanceof RegoSet))
        return operandTypeError(1, a, 'number', 'set');
      if (a instanceof RegoNumber) return operandTypeError(2, b, 'number');
      return operandTypeError(2, b, 'set');
    },
  }),
  binary('mul', '*', multiplyNumbers, 'Multiplies two numbers.'),
  binary(
    'div',
    '/',
    (a, b) => divideNumbers(a, b) ?? builtinError('divide by zero'),
    'Divides the first number by the second number.',
  ),
  binary(
    'rem',
    '%',
    (a, b) => {
      const r = remainderNumbers(a, b);
      if (r === 'zero') return builtinError('modulo by zero');
      return r ?? builtinError('modulo on floating-point number');
    },
    'Returns the remainder for of `x` divided by `y`, for `y != 0`.',
  ),
  unary('abs', absNumber, 'Returns the number without its sign.'),
  unary('round', roundNumber, 'Rounds the number to the nearest integer.'),
  unary('ceil', ceilNumber, 'Rounds the number _up_ to the nearest integer.'),
  unary('floor', floorNumber, 'Rounds the number _down_ to the nearest integer.'),
  defineBuiltin({
    name: 'numbers.range',
    signature: {
      args: [param('a', 'number'), param('b', 'number')],
      result: param('range', 'array[number]'),
    },
    description: 'Returns an array of numbers in the given (inclusive) range.',
    implementation: (args, ctx) => range(bigIntArg(args, 0), bigIntArg(args, 1), 1n, ctx),
  }),
  defineBuiltin({
    name: 'numbers.range_step',
    signature: {
      args: [param('a', 'number'), param('b', 'number'), param('step', 'number')],
      result: param('range', 'array[number]'),
    },
    description: 'Returns an array of numbers in the given (inclusive) range incremented by a positive step.',
    implementation: (args, ctx) => {
      const a = bigIntArg(args, 0);
      const b = bigIntArg(args, 1);
      const step = bigIntArg(args, 2);
      if (step <= 0n) builtinError('step must be a positive integer');
      return range(a, b, step, ctx);
    },
  }),
];
