/**
 * Go's `fmt.Sprintf` as OPA's `sprintf` calls it. OPA hands fmt each Rego value converted to a Go
 * value: a number whose text is an int64 becomes an `int`, another integer a `*big.Int`, any other
 * number a `float64` (or its text when even that overflows); a string stays a string; everything
 * else becomes its Rego text, a string. This file follows Go 1.19's fmt (print.go, format.go) for
 * exactly those four types: flags, width, precision, `*`, argument indexes `[n]`, and the
 * `%!verb(type=value)`, `%!v(MISSING)`, `%!(EXTRA ...)` diagnostics. Checked against Go itself
 * by test/unit/rego/go-oracle.test.ts.
 */
import { formatNumber, RegoNumber } from '../value/number';
import { formatRegoValue, type Value } from '../value/value';
import { clearFlags, type GoArg, Printer, typeName } from './go-fmt';

export type { GoArg } from './go-fmt';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Converts a Rego value as OPA's builtinSprintf does. */
function toGoArg(v: Value): GoArg {
  if (typeof v === 'string') return { k: 'string', v };
  if (v instanceof RegoNumber) {
    const text = formatNumber(v);
    if (/^[+-]?\d+$/.test(text)) {
      const i = BigInt(text);
      return i >= INT64_MIN && i <= INT64_MAX ? { k: 'int', v: i } : { k: 'big', v: i };
    }
    const f = Number(text);
    return Number.isFinite(f) ? { k: 'float', v: f } : { k: 'string', v: text };
  }
  return { k: 'string', v: formatRegoValue(v) };
}

/** Go's tooLarge: widths and precisions beyond a million are refused. */
const tooLarge = (n: number) => n > 1e6 || n < -1e6;

/** Go's parsenum over `s[start:end]`. */
function parsenum(s: string, start: number, end: number): { num: number; isnum: boolean; next: number } {
  if (start >= end) return { num: 0, isnum: false, next: end };
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    if (tooLarge(num)) return { num: 0, isnum: false, next: end };
    num = num * 10 + (s.charCodeAt(i) - 48);
    isnum = true;
  }
  return { num, isnum, next: i };
}

/** Go's argNumber: an explicit `[n]` argument index at `i`. */
function argNumber(
  format: string,
  i: number,
  argNum: number,
  numArgs: number,
): { argNum: number; i: number; found: boolean; bad: boolean } {
  if (format.length <= i || format[i] !== '[') return { argNum, i, found: false, bad: false };
  if (format.length - i < 3) return { argNum, i: i + 1, found: false, bad: true };
  for (let j = i + 1; j < format.length; j++) {
    if (format[j] === ']') {
      const n = parsenum(format, i + 1, j);
      if (!n.isnum || n.next !== j) return { argNum, i: j + 1, found: false, bad: true };
      const index = n.num - 1;
      if (index >= 0 && index < numArgs) return { argNum: index, i: j + 1, found: true, bad: false };
      return { argNum, i: j + 1, found: true, bad: true };
    }
  }
  return { argNum, i: i + 1, found: false, bad: true };
}

/** `*` width or precision from the arguments: only a Go int is accepted. */
function intFromArg(args: GoArg[], argNum: number): { num: number; isInt: boolean; argNum: number } {
  const a = args[argNum];
  if (a === undefined) return { num: 0, isInt: false, argNum };
  if (a.k !== 'int' || a.v > 1_000_000n || a.v < -1_000_000n)
    return { num: 0, isInt: false, argNum: argNum + 1 };
  return { num: Number(a.v), isInt: true, argNum: argNum + 1 };
}

/** Formats `format` with Rego `values` exactly as OPA's sprintf (Go's fmt.Sprintf) does. */
export function goSprintf(format: string, values: Value[]): string {
  return goSprintfArgs(format, values.map(toGoArg));
}

/** Go's fmt.Sprintf over Go values. */
export function goSprintfArgs(format: string, args: GoArg[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let i = 0;
  while (i < end) {
    let goodArgNum = true;
    const last = i;
    while (i < end && format[i] !== '%') i++;
    if (i > last) p.out += format.slice(last, i);
    if (i >= end) break;
    i++;
    p.f = clearFlags();
    const f = p.f;
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    // An explicit argument index `[n]` at `i` (Go's argNumber), which may appear in three places.
    const takeIndex = () => {
      const r = argNumber(format, i, argNum, args.length);
      argNum = r.argNum;
      i = r.i;
      afterIndex = r.found;
      if (r.found || r.bad) reordered = true;
      if (r.bad) goodArgNum = false;
    };
    takeIndex();
    if (i < end && format[i] === '*') {
      i++;
      const w = intFromArg(args, argNum);
      f.wid = w.num;
      f.widPresent = w.isInt;
      argNum = w.argNum;
      if (!f.widPresent) p.out += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      const w = parsenum(format, i, end);
      f.wid = w.num;
      f.widPresent = w.isnum;
      i = w.next;
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      takeIndex();
      if (i < end && format[i] === '*') {
        i++;
        const pr = intFromArg(args, argNum);
        f.prec = pr.num;
        f.precPresent = pr.isInt;
        argNum = pr.argNum;
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) p.out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const pr = parsenum(format, i, end);
        f.prec = pr.num;
        f.precPresent = pr.isnum;
        i = pr.next;
        if (!f.precPresent) {
          f.prec = 0;
          f.precPresent = true;
        }
      }
    }
    if (!afterIndex) {
      takeIndex();
    }
    if (i >= end) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === '%') {
      p.out += '%';
    } else if (!goodArgNum) {
      p.out += `%!${verb}(BADINDEX)`;
    } else if (argNum >= args.length) {
      p.out += `%!${verb}(MISSING)`;
    } else {
      if (verb === 'v') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      p.printArg(args[argNum] as GoArg, verb);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    p.f = clearFlags();
    p.out += '%!(EXTRA ';
    args.slice(argNum).forEach((a, k) => {
      if (k > 0) p.out += ', ';
      if (a.k === 'nil') p.out += '<nil>';
      else {
        p.out += `${typeName(a)}=`;
        p.printArg(a, 'v');
      }
    });
    p.out += ')';
  }
  return p.out;
}
