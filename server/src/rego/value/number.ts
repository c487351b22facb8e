/**
 * Rego numbers: exact decimals (`coef × 10^exp` with a bigint coefficient), so integers of any size
 * and decimal literals such as `0.1234567890123456789` keep every digit, the way OPA keeps numbers
 * as their literal text (and prints literals as written, like OPA's json.Number). Addition,
 * subtraction and multiplication are exact; a division that does not terminate is rounded to
 * `DIVISION_DIGITS` significant digits.
 */

/** Significant digits kept by a division whose decimal expansion does not terminate. */
export const DIVISION_DIGITS = 20;

/** Coefficients beyond this magnitude are normalised through their decimal text. */
const BIG_COEF = 10n ** 40n;

/** Beyond this many digits of alignment an addition keeps only the larger operand (avoids 10^huge). */
const MAX_ALIGN = 4000;

/** An exact decimal number, normalised: no trailing zeros in `coef`; zero is `0 × 10^0`. */
export class RegoNumber {
  /** The coefficient, without trailing decimal zeros. */
  readonly coef: bigint;
  /** The power of ten the coefficient is scaled by. */
  readonly exp: number;
  /** The literal text the number was written as (JSON grammar), kept for printing as OPA does. */
  literal: string | undefined;
  private cachedKey: string | undefined;

  constructor(coef: bigint, exp: number) {
    if (coef === 0n) {
      this.coef = 0n;
      this.exp = 0;
      return;
    }
    let c = coef;
    let e = exp;
    if (c % 10n === 0n) {
      if (c < BIG_COEF && c > -BIG_COEF) {
        while (c % 10n === 0n) {
          c /= 10n;
          e += 1;
        }
      } else {
        // Dividing a huge coefficient by ten once per trailing zero is quadratic: cut the zeros
        // off its decimal text instead (400,000 trailing zeros took 52 s).
        const text = c.toString();
        let end = text.length;
        while (text.charCodeAt(end - 1) === 48) end--;
        c = BigInt(text.slice(0, end));
        e += text.length - end;
      }
    }
    this.coef = c;
    this.exp = e;
  }

  /** A canonical text usable as a map key: equal numbers give equal keys. */
  get key(): string {
    if (this.cachedKey === undefined) this.cachedKey = `${this.coef}e${this.exp}`;
    return this.cachedKey;
  }

  /** Rego and JSON text for the number. */
  toString(): string {
    return formatNumber(this);
  }
}

const POW10_CACHE: bigint[] = [];

/** Returns 10^n as a bigint (n ≥ 0), caching the small powers. */
export function pow10(n: number): bigint {
  if (n < 64) {
    let cached = POW10_CACHE[n];
    if (cached === undefined) {
      cached = 10n ** BigInt(n);
      POW10_CACHE[n] = cached;
    }
    return cached;
  }
  return 10n ** BigInt(n);
}

const NUMBER_PATTERN = /^(-)?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^(-)?\.(\d+)(?:[eE]([+-]?\d+))?$/;

/** Parses a JSON or Rego number literal (`-1.5e3`); undefined when the text is not one. */
export function parseNumber(text: string): RegoNumber | undefined {
  const m = NUMBER_PATTERN.exec(text.trim());
  if (!m) return undefined;
  const negative = m[1] !== undefined || m[5] !== undefined;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? m[6] ?? '';
  const expText = m[4] ?? m[7];
  const exponent = expText === undefined ? 0 : Number.parseInt(expText, 10);
  if (!Number.isFinite(exponent) || Math.abs(exponent) > 1e8) return undefined;
  // Leading and trailing zeros are cut from the text, not the bigint (linear in the literal's length).
  const all = `${intPart}${fracPart}`;
  let start = 0;
  let end = all.length;
  while (start < end && all.charCodeAt(start) === 48) start++;
  while (end > start && all.charCodeAt(end - 1) === 48) end--;
  const digits = all.slice(start, end);
  const coef = BigInt(digits === '' ? '0' : digits);
  const scale = digits === '' ? 0 : exponent - fracPart.length + (all.length - end);
  const n = new RegoNumber(negative ? -coef : coef, scale);
  const trimmed = text.trim();
  if (JSON_NUMBER.test(trimmed)) n.literal = trimmed;
  return n;
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Converts a JavaScript number (finite) to an exact Rego number via its shortest decimal text. */
export function numberFromJs(n: number): RegoNumber {
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) return new RegoNumber(BigInt(n), 0);
  return parseNumber(String(n)) ?? new RegoNumber(0n, 0);
}

/** Converts a bigint to a Rego number. */
export function numberFromBigInt(n: bigint): RegoNumber {
  return new RegoNumber(n, 0);
}

/** True when the number has no fractional part. */
export function isInteger(n: RegoNumber): boolean {
  return n.exp >= 0;
}

/** The number as a bigint when it is an integer, else undefined. */
export function toBigInt(n: RegoNumber): bigint | undefined {
  if (n.exp < 0) return undefined;
  if (n.exp > 100000) return undefined;
  return n.coef * pow10(n.exp);
}

/** The number as a JavaScript integer when it is one and fits exactly, else undefined. */
export function toSafeInteger(n: RegoNumber): number | undefined {
  const b = toBigInt(n);
  if (b === undefined) return undefined;
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(b);
}

/** The nearest JavaScript number (may round or overflow to ±Infinity). */
export function toJsNumber(n: RegoNumber): number {
  if (
    n.exp === 0 &&
    n.coef <= BigInt(Number.MAX_SAFE_INTEGER) &&
    n.coef >= -BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return Number(n.coef);
  }
  return Number(`${n.coef}e${n.exp}`);
}

/** True when the JavaScript number for `n` reads back as exactly `n`. */
export function isExactJs(n: RegoNumber): boolean {
  const js = toJsNumber(n);
  if (!Number.isFinite(js)) return false;
  return numberFromJs(js).key === n.key;
}

/** Number of decimal digits of |c| (c ≠ 0). */
function digitCount(c: bigint): number {
  return (c < 0n ? -c : c).toString().length;
}

/** Compares two numbers: negative, zero or positive. */
export function compareNumbers(a: RegoNumber, b: RegoNumber): number {
  if (a.exp === b.exp) return a.coef < b.coef ? -1 : a.coef > b.coef ? 1 : 0;
  const sa = a.coef < 0n ? -1 : a.coef > 0n ? 1 : 0;
  const sb = b.coef < 0n ? -1 : b.coef > 0n ? 1 : 0;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const magA = digitCount(a.coef) + a.exp;
  const magB = digitCount(b.coef) + b.exp;
  if (magA !== magB) return (magA < magB ? -1 : 1) * sa;
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when both numbers denote the same value. */
export function equalNumbers(a: RegoNumber, b: RegoNumber): boolean {
  return a.coef === b.coef && a.exp === b.exp;
}

/** Scales both coefficients to the smaller exponent. */
function align(a: RegoNumber, b: RegoNumber): [bigint, bigint, number] {
  if (a.exp === b.exp) return [a.coef, b.coef, a.exp];
  if (a.exp > b.exp) return [a.coef * pow10(a.exp - b.exp), b.coef, b.exp];
  return [a.coef, b.coef * pow10(b.exp - a.exp), a.exp];
}

/** a + b, exact. */
export function addNumbers(a: RegoNumber, b: RegoNumber): RegoNumber {
  if (a.coef === 0n) return fresh(b);
  if (b.coef === 0n) return fresh(a);
  if (Math.abs(a.exp - b.exp) > MAX_ALIGN) return compareMagnitude(a, b) >= 0 ? a : b;
  const [x, y, e] = align(a, b);
  return new RegoNumber(x + y, e);
}

/** Compares |a| and |b| by order of magnitude only (used when exact alignment is too costly). */
function compareMagnitude(a: RegoNumber, b: RegoNumber): number {
  return digitCount(a.coef) + a.exp - (digitCount(b.coef) + b.exp);
}

/** -a */
export function negateNumber(a: RegoNumber): RegoNumber {
  return new RegoNumber(-a.coef, a.exp);
}

/** a - b, exact. */
export function subtractNumbers(a: RegoNumber, b: RegoNumber): RegoNumber {
  return addNumbers(a, negateNumber(b));
}

/** a × b, exact. */
export function multiplyNumbers(a: RegoNumber, b: RegoNumber): RegoNumber {
  return new RegoNumber(a.coef * b.coef, a.exp + b.exp);
}

/** a / b: exact when the quotient's decimal expansion terminates; undefined when b is zero. */
export function divideNumbers(a: RegoNumber, b: RegoNumber): RegoNumber | undefined {
  if (b.coef === 0n) return undefined;
  if (a.coef === 0n) return fresh(a);
  let m = b.coef < 0n ? -b.coef : b.coef;
  let twos = 0;
  let fives = 0;
  while (m % 2n === 0n) {
    m /= 2n;
    twos++;
  }
  while (m % 5n === 0n) {
    m /= 5n;
    fives++;
  }
  const sign = b.coef < 0n ? -1n : 1n;
  if (a.coef % m === 0n) {
    // b = ±2^twos·5^fives·m, so a/b = (a/m)·2^(k-twos)·5^(k-fives) / 10^k with k = max(twos, fives).
    const k = Math.max(twos, fives);
    const scaled = (a.coef / m) * 2n ** BigInt(k - twos) * 5n ** BigInt(k - fives) * sign;
    return new RegoNumber(scaled, a.exp - b.exp - k);
  }
  const extra = DIVISION_DIGITS + digitCount(b.coef) - digitCount(a.coef) + 1;
  const shift = Math.max(0, extra);
  const numerator = a.coef * pow10(shift);
  const q = roundedQuotient(numerator, b.coef);
  return roundToDigits(new RegoNumber(q, a.exp - b.exp - shift), DIVISION_DIGITS);
}

/** n / d rounded half away from zero. */
function roundedQuotient(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = (r < 0n ? -r : r) * 2n;
  const absD = d < 0n ? -d : d;
  if (twice >= absD) return n < 0n !== d < 0n ? q - 1n : q + 1n;
  return q;
}

/** Rounds to at most `digits` significant digits (half away from zero). */
export function roundToDigits(a: RegoNumber, digits: number): RegoNumber {
  const count = digitCount(a.coef);
  if (a.coef === 0n || count <= digits) return a;
  const drop = count - digits;
  return new RegoNumber(roundedQuotient(a.coef, pow10(drop)), a.exp + drop);
}

/** Integer remainder with the sign of the dividend (Go's `%`); undefined for non-integers. */
export function remainderNumbers(a: RegoNumber, b: RegoNumber): RegoNumber | 'zero' | undefined {
  const x = toBigInt(a);
  const y = toBigInt(b);
  if (x === undefined || y === undefined) return undefined;
  if (y === 0n) return 'zero';
  return new RegoNumber(x % y, 0);
}

/** Rounds to the nearest integer, halves away from zero. */
export function roundNumber(a: RegoNumber): RegoNumber {
  if (a.exp >= 0) return fresh(a);
  return new RegoNumber(roundedQuotient(a.coef, pow10(-a.exp)), 0);
}

/** Rounds towards −∞. */
export function floorNumber(a: RegoNumber): RegoNumber {
  if (a.exp >= 0) return fresh(a);
  const d = pow10(-a.exp);
  const q = a.coef / d;
  return new RegoNumber(a.coef < 0n && q * d !== a.coef ? q - 1n : q, 0);
}

/** Rounds towards +∞. */
export function ceilNumber(a: RegoNumber): RegoNumber {
  if (a.exp >= 0) return fresh(a);
  const d = pow10(-a.exp);
  const q = a.coef / d;
  return new RegoNumber(a.coef > 0n && q * d !== a.coef ? q + 1n : q, 0);
}

/** |a| */
export function absNumber(a: RegoNumber): RegoNumber {
  return a.coef < 0n ? negateNumber(a) : fresh(a);
}

/** The same number without its literal text (results print canonically, as OPA's do). */
function fresh(a: RegoNumber): RegoNumber {
  return a.literal === undefined ? a : new RegoNumber(a.coef, a.exp);
}

/** The sign of a: -1, 0 or 1. */
export function signOf(a: RegoNumber): number {
  return a.coef < 0n ? -1 : a.coef > 0n ? 1 : 0;
}

/** Formats a number as JSON text: integers in full, fractions in plain or exponent notation. */
export function formatNumber(n: RegoNumber): string {
  if (n.literal !== undefined) return n.literal;
  if (n.exp === 0) return n.coef.toString();
  const negative = n.coef < 0n;
  const digits = (negative ? -n.coef : n.coef).toString();
  const sign = negative ? '-' : '';
  const adjusted = digits.length + n.exp - 1;
  if (n.exp > 0) {
    if (adjusted < 10000) return `${sign}${digits}${'0'.repeat(n.exp)}`;
    return `${sign}${digits}e${n.exp}`;
  }
  if (adjusted >= -7) {
    const point = digits.length + n.exp;
    if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
    return `${sign}0.${'0'.repeat(-point)}${digits}`;
  }
  return `${sign}${mantissaText(digits)}e${adjusted}`;
}

/** `d.ddd` from a digit string. */
function mantissaText(digits: string): string {
  return digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
}
