/**
 * Go's fmt printer (print.go's pp and format.go's fmt) for the Go values sprintf and the template
 * functions hand it: int, *big.Int, float64, string (and string-kinded named types), nil. The verb
 * loop that drives it is in sprintf.ts.
 */
import { formatFloat } from './go-float';

/**
 * A Go value handed to fmt: OPA's sprintf passes int, *big.Int, float64 and string; the template
 * functions also pass nil and string-kinded named types (json.Number) whose `type` names them.
 */
export type GoArg =
  | { k: 'int'; v: bigint }
  | { k: 'big'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'string'; v: string; type?: string }
  | { k: 'nil' };

/** Go's type name for an argument (in `%!d(string=x)` and `%T`). */
export function typeName(a: GoArg): string {
  if (a.k === 'string') return a.type ?? 'string';
  return a.k === 'big' ? '*big.Int' : a.k === 'float' ? 'float64' : a.k;
}

/** Go's fmt flags and width/precision for one verb. */
export interface Flags {
  minus: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  sharpV: boolean;
  plusV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

export const clearFlags = (): Flags => ({
  minus: false,
  plus: false,
  space: false,
  zero: false,
  sharp: false,
  sharpV: false,
  plusV: false,
  wid: 0,
  widPresent: false,
  prec: 0,
  precPresent: false,
});

const IS_PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** strconv.IsPrint. */
function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return IS_PRINT.test(String.fromCodePoint(cp));
}

/** strconv's appendEscapedRune. */
function escapeRune(cp: number, quote: string, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return ch;
  const named: Record<number, string> = {
    7: '\\a',
    8: '\\b',
    12: '\\f',
    10: '\\n',
    13: '\\r',
    9: '\\t',
    11: '\\v',
  };
  const n = named[cp];
  if (n !== undefined) return n;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  const r = cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
  if (r < 0x10000) return `\\u${r.toString(16).padStart(4, '0')}`;
  return `\\U${r.toString(16).padStart(8, '0')}`;
}

/** strconv.Quote / QuoteToASCII. */
function quote(s: string, asciiOnly: boolean): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0) as number, '"', asciiOnly);
  return `${out}"`;
}

/** strconv.CanBackquote. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if ((cp < 0x20 && cp !== 9) || cp === 0x60 || cp === 0x7f) return false;
  }
  return true;
}

/** One Sprintf call: Go's pp, writing into `out`. */
export class Printer {
  out = '';
  f = clearFlags();
  private erroring = false;

  private padding(n: number): string {
    return n > 0 ? (this.f.zero ? '0' : ' ').repeat(n) : '';
  }

  /** fmt.pad / padString: width counted in runes. */
  pad(s: string): void {
    const f = this.f;
    if (!f.widPresent || f.wid === 0) {
      this.out += s;
      return;
    }
    let runes = 0;
    for (const _ of s) runes++;
    const width = f.wid - runes;
    this.out += f.minus ? s + this.padding(width) : this.padding(width) + s;
  }

  /** pad with the zero flag off (numbers already zero-padded by precision). */
  private padNoZero(s: string): void {
    const zero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = zero;
  }

  printArg(a: GoArg, verb: string): void {
    if (a.k === 'nil') {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.out += `%!${verb}(<nil>)`;
      return;
    }
    if (verb === 'T') {
      this.fmtS(typeName(a));
      return;
    }
    if (verb === 'p') {
      this.badVerb(a, verb);
      return;
    }
    switch (a.k) {
      case 'int':
        this.fmtInteger(a, verb);
        return;
      case 'big':
        this.fmtBig(a.v, verb);
        return;
      case 'float':
        this.fmtFloatVerb(a, verb);
        return;
      case 'string':
        this.fmtString(a, verb);
    }
  }

  badVerb(a: GoArg, verb: string): void {
    this.erroring = true;
    this.out += a.k === 'nil' ? `%!${verb}(<nil>` : `%!${verb}(${typeName(a)}=`;
    this.printArg(a, 'v');
    this.out += ')';
    this.erroring = false;
  }

  private fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  private truncate(s: string): string {
    if (!this.f.precPresent) return s;
    return Array.from(s).slice(0, this.f.prec).join('');
  }

  private fmtString(a: Extract<GoArg, { k: 'string' }>, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(a.v);
        else this.fmtS(a.v);
        return;
      case 's':
        this.fmtS(a.v);
        return;
      case 'x':
      case 'X':
        this.fmtSx(a.v, verb === 'X' ? '0123456789ABCDEFX' : '0123456789abcdefx');
        return;
      case 'q':
        this.fmtQ(a.v);
        return;
      default:
        this.badVerb(a, verb);
    }
  }

  private fmtQ(s0: string): void {
    const s = this.truncate(s0);
    if (this.f.sharp && canBackquote(s)) {
      this.pad(`\`${s}\``);
      return;
    }
    this.pad(quote(s, this.f.plus));
  }

  private fmtSx(s: string, digits: string): void {
    const f = this.f;
    const bytes = new TextEncoder().encode(s);
    let length = bytes.length;
    if (f.precPresent && f.prec < length) length = f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) width += 2;
    } else {
      if (f.widPresent) this.out += this.padding(f.wid);
      return;
    }
    if (f.widPresent && f.wid > width && !f.minus) this.out += this.padding(f.wid - width);
    let buf = '';
    const prefix = `0${digits[16]}`;
    if (f.sharp) buf += prefix;
    for (let i = 0; i < length; i++) {
      if (f.space && i > 0) {
        buf += ' ';
        if (f.sharp) buf += prefix;
      }
      const c = bytes[i] as number;
      buf += (digits[c >> 4] as string) + (digits[c & 15] as string);
    }
    this.out += buf;
    if (f.widPresent && f.wid > width && f.minus) this.out += this.padding(f.wid - width);
  }

  private fmtInteger(a: Extract<GoArg, { k: 'int' }>, verb: string): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.integer(a.v, 10, verb, false);
        return;
      case 'b':
        this.integer(a.v, 2, verb, false);
        return;
      case 'o':
      case 'O':
        this.integer(a.v, 8, verb, false);
        return;
      case 'x':
        this.integer(a.v, 16, verb, false);
        return;
      case 'X':
        this.integer(a.v, 16, verb, true);
        return;
      case 'c':
        this.padNoZeroless(String.fromCodePoint(runeOf(a.v)));
        return;
      case 'q': {
        const r = runeOf(a.v);
        this.pad(`'${escapeRune(r, "'", this.f.plus)}'`);
        return;
      }
      case 'U':
        this.fmtUnicode(a.v);
        return;
      default:
        this.badVerb(a, verb);
    }
  }

  /** fmtC pads with the zero flag as given. */
  private padNoZeroless(s: string): void {
    this.pad(s);
  }

  /** fmt.fmtInteger for a signed int64. */
  private integer(v: bigint, base: number, verb: string, upper: boolean): void {
    const f = this.f;
    const negative = v < 0n;
    const abs = negative ? -v : v;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && v === 0n) {
        const zero = f.zero;
        f.zero = false;
        this.out += this.padding(f.wid);
        f.zero = zero;
        return;
      }
    } else if (f.zero && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let digits = abs.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (f.sharp) {
      if (base === 2) digits = `0b${digits}`;
      else if (base === 8 && digits[0] !== '0') digits = `0${digits}`;
      else if (base === 16) digits = `0${upper ? 'X' : 'x'}${digits}`;
    }
    if (verb === 'O') digits = `0o${digits}`;
    if (negative) digits = `-${digits}`;
    else if (f.plus) digits = `+${digits}`;
    else if (f.space) digits = ` ${digits}`;
    this.padNoZero(digits);
  }

  private fmtUnicode(v: bigint): void {
    const f = this.f;
    const u = v < 0n ? v + 2n ** 64n : v;
    let prec = 4;
    if (f.precPresent && f.prec > 4) prec = f.prec;
    let s = u.toString(16).toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    s = `U+${s}`;
    if (f.sharp && u <= 0x10ffffn && isPrint(Number(u))) s += ` '${String.fromCodePoint(Number(u))}'`;
    this.padNoZero(s);
  }

  private fmtFloatVerb(a: Extract<GoArg, { k: 'float' }>, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(a.v, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloat(a.v, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloat(a.v, verb, 6);
        return;
      case 'F':
        this.fmtFloat(a.v, 'f', 6);
        return;
      default:
        this.badVerb(a, verb);
    }
  }

  /** fmt.fmtFloat. */
  private fmtFloat(v: number, verb: string, defaultPrec: number): void {
    const f = this.f;
    const prec = f.precPresent ? f.prec : defaultPrec;
    let num = formatFloat(v, verb, prec);
    if (num[0] === '-' || num[0] === '+') {
      // already signed
    } else num = `+${num}`;
    if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
    if (num[1] === 'I' || num[1] === 'N') {
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.padNoZero(num);
      return;
    }
    if (f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
      let tail = '';
      let body = num;
      let hasPoint = false;
      let sawNonzero = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i] as string;
        if (c === '.') hasPoint = true;
        else if (c === 'p' || c === 'P') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else {
          if (c !== '0') sawNonzero = true;
          if (sawNonzero) digits--;
        }
      }
      if (!hasPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (f.plus || num[0] !== '+') {
      if (f.zero && f.widPresent && f.wid > num.length) {
        this.out += (num[0] as string) + this.padding(f.wid - num.length) + num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  /** (*big.Int).Format. */
  private fmtBig(x: bigint, verb: string): void {
    const f = this.f;
    let base: number;
    switch (verb) {
      case 'b':
        base = 2;
        break;
      case 'o':
      case 'O':
        base = 8;
        break;
      case 'd':
      case 's':
      case 'v':
        base = 10;
        break;
      case 'x':
      case 'X':
        base = 16;
        break;
      default:
        this.out += `%!${verb}(big.Int=${x})`;
        return;
    }
    const plus = f.plus || f.plusV;
    const sharp = f.sharp || f.sharpV;
    const sign = x < 0n ? '-' : plus ? '+' : f.space ? ' ' : '';
    let prefix = '';
    if (sharp) {
      if (verb === 'b') prefix = '0b';
      else if (verb === 'o') prefix = '0';
      else if (verb === 'x') prefix = '0x';
      else if (verb === 'X') prefix = '0X';
    }
    if (verb === 'O') prefix = '0o';
    let digits = (x < 0n ? -x : x).toString(base);
    if (verb === 'X') digits = digits.toUpperCase();
    let left = 0;
    let zeros = 0;
    let right = 0;
    if (f.precPresent) {
      if (digits.length < f.prec) zeros = f.prec - digits.length;
      else if (digits === '0' && f.prec === 0) return;
    }
    const length = sign.length + prefix.length + zeros + digits.length;
    if (f.widPresent && length < f.wid) {
      const d = f.wid - length;
      if (f.minus) right = d;
      else if (f.zero && !f.precPresent) zeros = d;
      else left = d;
    }
    this.out += ' '.repeat(left) + sign + prefix + '0'.repeat(zeros) + digits + ' '.repeat(right);
  }

  /** Whether this printer is inside a `%!verb(...)` diagnostic (kept for parity with Go's pp). */
  get isErroring(): boolean {
    return this.erroring;
  }
}

/** A code point for %c/%q: out-of-range values and surrogates print as U+FFFD, as Go does. */
function runeOf(v: bigint): number {
  if (v < 0n || v > 0x10ffffn) return 0xfffd;
  const r = Number(v);
  return r >= 0xd800 && r <= 0xdfff ? 0xfffd : r;
}
