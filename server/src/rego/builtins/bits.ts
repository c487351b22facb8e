/** Bitwise operations on integers (`bits.and`, `bits.or`, `bits.xor`, `bits.negate`, shifts). */
import { numberFromBigInt } from '../value/number';
import { type BuiltinDef, bigIntArg, builtinError, defineBuiltin, param, typeError } from './registry';

/** Declares a binary bitwise builtin. */
function bitwise(name: string, op: (a: bigint, b: bigint) => bigint, description: string): BuiltinDef {
  return defineBuiltin({
    name,
    signature: { args: [param('x', 'number'), param('y', 'number')], result: param('z', 'number') },
    description,
    implementation: (args) => numberFromBigInt(op(bigIntArg(args, 0), bigIntArg(args, 1))),
  });
}

/** Checks a shift amount. */
function shiftBy(n: bigint): bigint {
  if (n < 0n) typeError('operand 2 must be an unsigned integer number but got a negative integer');
  if (n > 100000n) builtinError('shift count too large');
  return n;
}

/** The bitwise builtins. */
export const bitsBuiltins: BuiltinDef[] = [
  bitwise('bits.and', (a, b) => a & b, 'Returns the bitwise "AND" of two integers.'),
  bitwise('bits.or', (a, b) => a | b, 'Returns the bitwise "OR" of two integers.'),
  bitwise('bits.xor', (a, b) => a ^ b, 'Returns the bitwise "XOR" (exclusive-or) of two integers.'),
  bitwise(
    'bits.lsh',
    (a, b) => a << shiftBy(b),
    'Returns a new integer with its bits shifted `s` bits to the left.',
  ),
  bitwise(
    'bits.rsh',
    (a, b) => a >> shiftBy(b),
    'Returns a new integer with its bits shifted `s` bits to the right.',
  ),
  defineBuiltin({
    name: 'bits.negate',
    signature: { args: [param('x', 'number')], result: param('z', 'number') },
    description: 'Returns the bitwise negation (flip) of an integer.',
    implementation: (args) => numberFromBigInt(~bigIntArg(args, 0)),
  }),
];
