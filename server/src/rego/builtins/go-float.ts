/**
 * Go's strconv.FormatFloat for float64 ('e', 'E', 'f', 'g', 'G', 'x', 'X', 'b'), as fmt uses it:
 * shortest digits come from JavaScript's shortest round-trip text (the same unique digits Go's
 * Ryū produces); fixed precisions round the exact binary value half to even, as Go does.
 */

/** Decimal digits `d` (no leading or trailing zeros) with the point after `dp` of them. */
interface Digits {
  d: string;
  dp: number;
}

/** The float's sign bit, mantissa (with the implicit bit) and binary exponent (value = mant × 2^(exp-52)). */
function decompose(x: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  return { neg, mant, exp: exp - 1023 };
}

/** The exact decimal expansion of |x|. */
function exactDigits(x: number): Digits {
  const { mant, exp } = decompose(x);
  if (mant === 0n) return { d: '', dp: 0 };
  const shift = exp - 52;
  let digits: string;
  let dp: number;
  if (shift >= 0) {
    digits = (mant << BigInt(shift)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-shift)).toString();
    dp = digits.length + shift;
  }
  return trim({ d: digits, dp });
}

/** Drops trailing zeros (and all-zero digits). */
function trim(v: Digits): Digits {
  let end = v.d.length;
  while (end > 0 && v.d[end - 1] === '0') end--;
  return end === 0 ? { d: '', dp: 0 } : { d: v.d.slice(0, end), dp: v.dp };
}

/** The shortest digits that read back as |x| (JavaScript's and Go's shortest forms agree). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mantissa, e] = Math.abs(x).toExponential().split('e') as [string, string];
  return trim({ d: mantissa.replace('.', ''), dp: Number(e) + 1 });
}

/** Go's decimal.Round: keeps `nd` digits, rounding half to even on the exact value. */
function round(v: Digits, nd: number): Digits {
  if (nd < 0 || nd >= v.d.length) return v;
  const next = v.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === v.d.length) up = nd > 0 && (v.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = next >= 5;
  if (!up) return trim({ d: v.d.slice(0, nd), dp: v.dp });
  let i = nd - 1;
  while (i >= 0 && v.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: v.dp + 1 };
  return { d: v.d.slice(0, i) + String.fromCharCode(v.d.charCodeAt(i) + 1), dp: v.dp };
}

/** %e: d.ddddde±dd. */
function fmtE(neg: boolean, v: Digits, prec: number, e: string): string {
  let out = neg ? '-' : '';
  out += v.d.length === 0 ? '0' : v.d[0];
  if (prec > 0) {
    out += '.';
    const m = Math.min(v.d.length, prec + 1);
    let i = 1;
    if (i < m) {
      out += v.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) out += '0';
  }
  let exp = v.d.length === 0 ? 0 : v.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${e}${sign}${exp < 10 ? `0${exp}` : String(exp)}`;
}

/** %f: ddd.ddd. */
function fmtF(neg: boolean, v: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (v.dp > 0) {
    const m = Math.min(v.d.length, v.dp);
    out += v.d.slice(0, m) + '0'.repeat(v.dp - m);
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = v.dp + i;
      out += j >= 0 && j < v.d.length ? v.d[j] : '0';
    }
  }
  return out;
}

/** %b: mantissa p ± binary exponent. */
function fmtB(x: number): string {
  const { neg, mant, exp } = decompose(x);
  const e = exp - 52;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

/** %x: 0x1.hhhhp±dd (hexadecimal mantissa, binary exponent). */
function fmtX(x: number, prec: number, verb: 'x' | 'X'): string {
  const { neg } = decompose(x);
  let { mant, exp } = decompose(x);
  if (mant === 0n) exp = 0;
  mant <<= 8n;
  const top = 1n << 60n;
  while (mant !== 0n && (mant & top) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (top - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = verb === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = `${neg ? '-' : ''}0${verb}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  out += verb === 'X' ? 'P' : 'p';
  const sign = exp < 0 ? '-' : '+';
  const a = Math.abs(exp);
  return `${out}${sign}${a < 10 ? `0${a}` : String(a)}`;
}

/** Go's strconv.FormatFloat(x, verb, prec, 64); `prec` -1 asks for the shortest form. */
export function formatFloat(x: number, verb: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (verb === 'b') return fmtB(x);
  if (verb === 'x' || verb === 'X') return fmtX(x, prec, verb);
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let digs: Digits;
  let p = prec;
  if (shortest) {
    digs = shortestDigits(x);
    if (verb === 'e' || verb === 'E') p = Math.max(digs.d.length - 1, 0);
    else if (verb === 'f') p = Math.max(digs.d.length - digs.dp, 0);
    else p = digs.d.length;
  } else {
    const exact = exactDigits(x);
    if (verb === 'e' || verb === 'E') digs = round(exact, p + 1);
    else if (verb === 'f') digs = round(exact, exact.dp + p);
    else {
      if (p === 0) p = 1;
      digs = round(exact, p);
    }
  }
  if (verb === 'e' || verb === 'E') return fmtE(neg, digs, p, verb);
  if (verb === 'f') return fmtF(neg, digs, p);
  // %g: %e for small and large exponents, %f otherwise.
  let eprec = p;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (p > digs.d.length) p = digs.d.length;
    return fmtE(neg, digs, p - 1, verb === 'g' ? 'e' : 'E');
  }
  if (p > digs.dp) p = digs.d.length;
  return fmtF(neg, digs, Math.max(p - digs.dp, 0));
}
