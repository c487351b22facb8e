/**
 * Go's `fmt.Sprintf` for Rego values, as OPA's `sprintf` uses it: verbs %v %s %d %f %e %g %x %X
 * %o %b %q %t %c %U %%, with flags, width and precision; values print the way Go prints OPA's
 * AST values (strings bare with %v, composites in Rego syntax).
 */
import { formatNumber, RegoNumber, toBigInt, toJsNumber } from '../number';
import { formatRegoValue, type Value } from '../value';

/** Parsed flags, width and precision of one verb. */
interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  width?: number;
  precision?: number;
}

/** Pads to the spec's width. */
function pad(s: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  const fill = width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && numeric) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

/** Adds `+` or space for non-negative numbers as the flags ask. */
function signed(s: string, spec: Spec): string {
  if (s.startsWith('-')) return s;
  if (spec.plus) return `+${s}`;
  if (spec.space) return ` ${s}`;
  return s;
}

/** A value as `%v` prints it. */
export function formatValueV(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof RegoNumber) return formatNumber(v);
  return formatRegoValue(v);
}

/** Go's %e/%g exponent style: at least two digits. */
function goExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Formats a float with Go's %g and the shortest representation when no precision is given. */
function formatG(x: number, precision: number | undefined): string {
  if (precision === undefined) {
    const abs = Math.abs(x);
    if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) return goExponent(x.toExponential());
    return String(x);
  }
  const p = precision === 0 ? 1 : precision;
  const exp = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  // JavaScript formats at most 100 digits; a double has no more significant digits than that anyway.
  if (exp < -4 || exp >= p) return goExponent(x.toExponential(Math.min(p - 1, 100)).replace(/\.?0+e/, 'e'));
  return String(Number(x.toPrecision(Math.min(p, 100))));
}

/** Formats one verb. */
function formatVerb(verb: string, v: Value, spec: Spec): string {
  switch (verb) {
    case 'v':
      return pad(formatValueV(v), spec, false);
    case 's':
      if (typeof v === 'string')
        return pad(spec.precision === undefined ? v : [...v].slice(0, spec.precision).join(''), spec, false);
      return pad(formatValueV(v), spec, false);
    case 'q':
      if (typeof v === 'string') return pad(JSON.stringify(v), spec, false);
      return pad(`%!q(${formatValueV(v)})`, spec, false);
    case 't':
      if (typeof v === 'boolean') return pad(String(v), spec, false);
      return `%!t(${formatValueV(v)})`;
    case 'd':
    case 'x':
    case 'X':
    case 'o':
    case 'b':
    case 'c':
    case 'U': {
      if (!(v instanceof RegoNumber)) {
        if (typeof v === 'string' && (verb === 'x' || verb === 'X')) {
          const hex = [...new TextEncoder().encode(v)].map((b) => b.toString(16).padStart(2, '0')).join('');
          return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
        }
        return `%!${verb}(${goTypeName(v)}=${formatValueV(v)})`;
      }
      const i = toBigInt(v);
      if (i === undefined) {
        if (verb === 'x' || verb === 'X') return pad(floatHex(toJsNumber(v), verb === 'X'), spec, true);
        return `%!${verb}(big.Float=${formatNumber(v)})`;
      }
      if (verb === 'c') return pad(String.fromCodePoint(Number(i)), spec, false);
      if (verb === 'U') return pad(`U+${i.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
      const base = verb === 'd' ? 10 : verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
      const neg = i < 0n;
      let digits = (neg ? -i : i).toString(base);
      if (verb === 'X') digits = digits.toUpperCase();
      if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
      if (spec.sharp && verb === 'x') digits = `0x${digits}`;
      if (spec.sharp && verb === 'X') digits = `0X${digits}`;
      if (spec.sharp && verb === 'o') digits = `0${digits}`;
      return pad(signed(neg ? `-${digits}` : digits, spec), spec, true);
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      if (!(v instanceof RegoNumber)) return `%!${verb}(${goTypeName(v)}=${formatValueV(v)})`;
      const x = toJsNumber(v);
      let s: string;
      if (verb === 'f' || verb === 'F') s = formatFixed(v, spec.precision ?? 6);
      else if (verb === 'e' || verb === 'E')
        s = goExponent(x.toExponential(Math.min(spec.precision ?? 6, 100)));
      else s = formatG(x, spec.precision);
      if (verb === 'E' || verb === 'G') s = s.toUpperCase();
      return pad(signed(s, spec), spec, true);
    }
    default:
      return `%!${verb}(${goTypeName(v)}=${formatValueV(v)})`;
  }
}

/** Fixed-point formatting that stays exact for big integers. */
function formatFixed(v: RegoNumber, precision: number): string {
  const i = toBigInt(v);
  if (i !== undefined) return precision > 0 ? `${i}.${'0'.repeat(precision)}` : `${i}`;
  return toJsNumber(v).toFixed(Math.min(precision, 100));
}

/** Go's %x for floats (hexadecimal mantissa and binary exponent). */
function floatHex(x: number, upper: boolean): string {
  const s = x.toString(16);
  return upper ? s.toUpperCase() : s;
}

/** Names Go would print for a mismatched verb's operand. */
function goTypeName(v: Value): string {
  // OPA hands fmt an int (or *big.Int, or float64) for a number and a Go string for anything else.
  if (v instanceof RegoNumber) {
    const i = toBigInt(v);
    if (i === undefined) return 'float64';
    return i >= -(2n ** 63n) && i < 2n ** 63n ? 'int' : '*big.Int';
  }
  return 'string';
}

/** Go's fmt rejects widths and precisions beyond a million (and so never allocates for them). */
const MAX_FMT_NUMBER = 1_000_000;

/**
 * Go's `parsenum`: the digits at `start`, or, when the number grows beyond a million, no number
 * and the rest of the format consumed (so the verb reads as missing: `%!(NOVERB)`).
 */
function parseNum(format: string, start: number): { num?: number; next: number } {
  let num = 0;
  let i = start;
  for (; i < format.length && /\d/.test(format[i] as string); i++) {
    if (num > MAX_FMT_NUMBER) return { next: format.length };
    num = num * 10 + Number(format[i]);
  }
  return i === start ? { next: i } : { num, next: i };
}

/** Formats `format` with `args` like Go's fmt.Sprintf. */
export function goSprintf(format: string, args: Value[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const ch = format[i] as string;
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    i++;
    const spec: Spec = { minus: false, plus: false, space: false, zero: false, sharp: false };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = true;
      else if (c === '#') spec.sharp = true;
      else break;
    }
    const w = parseNum(format, i);
    i = w.next;
    if (w.num !== undefined) spec.width = w.num;
    if (format[i] === '.') {
      const p = parseNum(format, i + 1);
      i = p.next;
      spec.precision = p.num ?? 0;
    }
    const verb = format[i];
    i++;
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatVerb(verb, args[argIndex++] as Value, spec);
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((a) => `${goTypeName(a)}=${formatValueV(a)}`)
      .join(', ')})`;
  }
  return out;
}
