/** Unit parsing: units.parse (SI and binary SI quantities) and units.parse_bytes. */
import {
  multiplyNumbers,
  numberFromBigInt,
  parseNumber,
  pow10,
  RegoNumber,
  roundToDigits,
} from '../value/number';
import { type BuiltinDef, builtinError, defineBuiltin, param, stringArg } from './registry';

const KI = 1024n;

/** Binary and decimal multipliers by (lower-cased) suffix, shared by both builtins. */
const BINARY: Record<string, bigint> = {
  ki: KI,
  mi: KI ** 2n,
  gi: KI ** 3n,
  ti: KI ** 4n,
  pi: KI ** 5n,
  ei: KI ** 6n,
};
const DECIMAL: Record<string, bigint> = {
  k: 10n ** 3n,
  m: 10n ** 6n,
  g: 10n ** 9n,
  t: 10n ** 12n,
  p: 10n ** 15n,
  e: 10n ** 18n,
};

/** Splits "10.5Gi" into "10.5" and "Gi", as OPA does (exponents allowed, at most 6 digits). */
function splitAmount(s: string, fail: (m: string) => never): [string, string] {
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (/[0-9.+-]/.test(c)) {
      i++;
      continue;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (next === undefined || !/[0-9+-]/.test(next)) break;
      let j = next === '+' || next === '-' ? i + 2 : i + 1;
      const start = j;
      while (j < s.length && /[0-9]/.test(s[j] as string)) j++;
      if (j - start > 6) fail('exponent too large');
      i = j;
      continue;
    }
    break;
  }
  return [s.slice(0, i), s.slice(i)];
}

/** Parses the amount part. */
function amount(text: string, fail: (m: string) => never, message: string): RegoNumber {
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)
    ? parseNumber(text.replace(/^\+/, ''))
    : undefined;
  return n ?? fail(message);
}

/** The unit builtins. */
export const unitBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'units.parse',
    signature: { args: [param('x', 'string')], result: param('y', 'number') },
    description:
      'Converts strings like "10G", "5K", "4M", "1500m" and the like into a number (SI and binary SI units).',
    implementation: (args) => {
      const fail = (m: string): never => builtinError(`units.parse: ${m}`);
      const s = stringArg(args, 0).replace(/"/g, '');
      if (s.includes(' ')) fail('spaces not allowed in resource strings');
      const [num, rawUnit] = splitAmount(s, fail);
      if (num === '') fail('no amount provided');
      const unit = rawUnit.length > 1 ? rawUnit[0] + rawUnit.slice(1).toLowerCase() : rawUnit;
      let factor: RegoNumber;
      if (unit === 'm') factor = new RegoNumber(1n, -3);
      else if (unit === '') factor = numberFromBigInt(1n);
      else if (unit === 'M') factor = numberFromBigInt(DECIMAL.m as bigint);
      else {
        const lower = unit.toLowerCase();
        const f = lower.length === 2 ? BINARY[lower] : lower === 'm' ? undefined : DECIMAL[lower];
        if (f === undefined) return fail(`unit ${unit} not recognized`);
        factor = numberFromBigInt(f);
      }
      const value = multiplyNumbers(amount(num, fail, 'could not parse amount to a number'), factor);
      if (value.exp >= 0) return value;
      // OPA prints non-integers with 10 decimal places; keep that precision.
      const digits = value.coef.toString().replace('-', '').length;
      return roundToDigits(value, Math.max(1, digits + value.exp + 10));
    },
  }),
  defineBuiltin({
    name: 'units.parse_bytes',
    signature: { args: [param('x', 'string')], result: param('y', 'number') },
    description: 'Converts strings like "10GB", "5K", "4mb" into an integer number of bytes.',
    implementation: (args) => {
      const fail = (m: string): never => builtinError(`units.parse_bytes: ${m}`);
      const s = stringArg(args, 0).toLowerCase().replace(/"/g, '');
      if (s.includes(' ')) fail('spaces not allowed in resource strings');
      const [num, unit] = splitAmount(s, fail);
      if (num === '') fail('no byte amount provided');
      let factor: bigint | undefined;
      if (unit === '') factor = 1n;
      else {
        const base = unit.endsWith('b') ? unit.slice(0, -1) : unit;
        factor = base.length === 2 ? BINARY[base] : DECIMAL[base];
        if (unit.length === 3 && !unit.endsWith('ib')) factor = undefined;
      }
      if (factor === undefined) return fail(`byte unit ${unit} not recognized`);
      const value = multiplyNumbers(
        amount(num, fail, 'could not parse byte amount to a number'),
        numberFromBigInt(factor),
      );
      if (value.exp >= 0) return value;
      return numberFromBigInt(value.coef / pow10(-value.exp));
    },
  }),
];
