/**
 * time.parse_ns's Go layouts: Go's time.Parse step for step, in one left-to-right pass without
 * backtracking (linear in the layout and value), with Go's error messages (`parsing time "x" as
 * "y": cannot parse ...`). The layout chunks come from time-layout.ts.
 */
import { DAY_NAMES, isDigitAt, MONTH_NAMES, nextChunk, type Std, type Wall } from './time-layout';

/** The fields a parse produces; the caller turns them into an instant. */
export interface ParsedTime
  extends Pick<Wall, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'nanos'> {
  /** Seconds east of UTC, when the value named one. */
  offsetSeconds: number | undefined;
}

/** Go's ParseError, as its message. */
export class LayoutParseError extends Error {}

/** `"s"` as Go's quote writes it for these messages. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) return fixed ? undefined : [s.charCodeAt(0) - 48, s.slice(1)];
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

/** Go's getnum3: one to three digits (exactly three when `fixed`). */
function getnum3(s: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + (s.charCodeAt(i) - 48);
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, s.slice(i)];
}

/** Go's lookup: a case-insensitive prefix match against a table. */
function lookup(table: string[], s: string): [number, string] | undefined {
  for (let i = 0; i < table.length; i++) {
    const name = table[i] as string;
    if (s.length >= name.length && s.slice(0, name.length).toLowerCase() === name.toLowerCase()) {
      return [i, s.slice(name.length)];
    }
  }
  return undefined;
}

/** Go's skip: matches literal layout text; a space matches one or more spaces. */
function skip(value: string, prefix: string): string | undefined {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') return undefined;
      p = p.replace(/^ +/, '');
      v = v.replace(/^ +/, '');
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) return undefined;
    v = v.slice(1);
    p = p.slice(1);
  }
  return v;
}

/** Go's atoi: an optional sign and decimal digits, nothing else (the empty string is 0). */
function atoi(s: string): number | undefined {
  let t = s;
  let neg = false;
  if (t[0] === '-' || t[0] === '+') {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  if (!/^\d*$/.test(t)) return undefined;
  const n = t === '' ? 0 : Number(t);
  return neg ? -n : n;
}

/** Go's parseNanoseconds over the first `n` characters (separator included). */
function parseNanos(value: string, n: number): { ns: number; range?: string } | undefined {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  const len = Math.min(n, 10);
  const ns = atoi(value.slice(1, len));
  if (ns === undefined) return undefined;
  if (ns < 0) return { ns, range: 'fractional second' };
  return { ns: ns * 10 ** (10 - len) };
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of `value`, or 0. */
function zoneLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return 3 + signedOffsetLength(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return signedOffsetLength(value);
  let upper = 0;
  while (upper < value.length && value.charCodeAt(upper) >= 65 && value.charCodeAt(upper) <= 90) upper++;
  switch (upper) {
    case 3:
      return 3;
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
    case 5:
      return value[4] === 'T' ? 5 : 0;
    default:
      return 0;
  }
}

/** Go's parseSignedOffset: `+h`/`-hh` (hours within ±23), its length or 0. */
function signedOffsetLength(value: string): number {
  const sign = value[0];
  if (sign !== '+' && sign !== '-') return 0;
  let i = 1;
  let x = 0;
  while (isDigitAt(value, i)) {
    x = x * 10 + (value.charCodeAt(i) - 48);
    if (x > 1e9) return 0;
    i++;
  }
  if (i === 1 || x > 23) return 0;
  return i;
}

/** Days in a month of a (proleptic Gregorian) year. */
function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}

/** Days before each month in a non-leap year (Go's daysBefore). */
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/** Parses `value` with a Go layout: Go's time.Parse, step for step, with UTC as the local zone. */
export function parseLayout(layout: string, value: string): ParsedTime {
  const parseError = (message: string): never => {
    throw new LayoutParseError(`parsing time ${quote(value)}${message}`);
  };
  let rest = layout;
  let v = value;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let zoneOffset: number | undefined;
  let pm = false;
  let am = false;
  for (;;) {
    const ch = nextChunk(rest);
    const after = skip(v, ch.prefix);
    if (after === undefined) {
      throw new LayoutParseError(
        `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(v)} as ${quote(ch.prefix)}`,
      );
    }
    v = after;
    if (ch.std === undefined) {
      if (v.length > 0) parseError(`: extra text: ${quote(v)}`);
      break;
    }
    rest = ch.suffix;
    let err = false;
    let rangeErr = '';
    // Go's parseNanoseconds over the next `n` characters; like Go, its error replaces any earlier one.
    const readNanos = (n: number): void => {
      const r = parseNanos(v, n);
      err = r === undefined;
      if (r) {
        nanos = r.ns;
        rangeErr = r.range ?? '';
      }
      v = v.slice(n);
    };
    const num = (r: [number, string] | undefined, set: (n: number) => void): void => {
      if (r === undefined) err = true;
      else {
        set(r[0]);
        v = r[1];
      }
    };
    switch (ch.std) {
      case '06': {
        if (v.length < 2) {
          err = true;
          break;
        }
        const y = atoi(v.slice(0, 2));
        if (y === undefined) err = true;
        else {
          year = y + (y >= 69 ? 1900 : 2000);
          v = v.slice(2);
        }
        break;
      }
      case '2006': {
        if (v.length < 4 || !isDigitAt(v, 0)) {
          err = true;
          break;
        }
        const y = atoi(v.slice(0, 4));
        v = v.slice(4);
        if (y === undefined) err = true;
        else year = y;
        break;
      }
      case 'Jan':
      case 'January':
        num(lookup(ch.std === 'Jan' ? MONTH_NAMES.map((m) => m.slice(0, 3)) : MONTH_NAMES, v), (n) => {
          month = n + 1;
        });
        break;
      case '1':
      case '01':
        num(getnum(v, ch.std === '01'), (n) => {
          month = n;
          if (n <= 0 || n > 12) rangeErr = 'month';
        });
        break;
      case 'Mon':
      case 'Monday':
        num(lookup(ch.std === 'Mon' ? DAY_NAMES.map((d) => d.slice(0, 3)) : DAY_NAMES, v), () => undefined);
        break;
      case '2':
      case '_2':
      case '02':
        if (ch.std === '_2' && v[0] === ' ') v = v.slice(1);
        num(getnum(v, ch.std === '02'), (n) => {
          day = n;
        });
        break;
      case '__2':
      case '002':
        for (let k = 0; k < 2; k++) if (ch.std === '__2' && v[0] === ' ') v = v.slice(1);
        num(getnum3(v, ch.std === '002'), (n) => {
          yday = n;
        });
        break;
      case '15':
        num(getnum(v, false), (n) => {
          hour = n;
        });
        if (hour >= 24) rangeErr = 'hour';
        break;
      case '3':
      case '03':
        num(getnum(v, ch.std === '03'), (n) => {
          hour = n;
        });
        if (hour > 12) rangeErr = 'hour';
        break;
      case '4':
      case '04':
        num(getnum(v, ch.std === '04'), (n) => {
          minute = n;
        });
        if (minute >= 60) rangeErr = 'minute';
        break;
      case '5':
      case '05': {
        num(getnum(v, ch.std === '05'), (n) => {
          second = n;
        });
        if (second >= 60) {
          rangeErr = 'second';
          break;
        }
        // A fractional second in the value with none in the layout is still read.
        if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigitAt(v, 1)) {
          const next = nextChunk(rest).std;
          if (next === 'frac0' || next === 'frac9') break;
          let n = 2;
          while (isDigitAt(v, n)) n++;
          readNanos(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        if (v.length < 2) {
          err = true;
          break;
        }
        const p = v.slice(0, 2);
        v = v.slice(2);
        if (p === (ch.std === 'PM' ? 'PM' : 'pm')) pm = true;
        else if (p === (ch.std === 'PM' ? 'AM' : 'am')) am = true;
        else err = true;
        break;
      }
      case 'MST': {
        if (v.startsWith('UTC')) {
          v = v.slice(3);
          break;
        }
        // A zone abbreviation names the zone but, unless it is the local zone's, not the instant:
        // Go reads the wall clock as UTC (OPA runs with UTC as its local zone).
        const n = zoneLength(v);
        if (n === 0) err = true;
        else v = v.slice(n);
        break;
      }
      case 'frac0': {
        const n = 1 + ch.digits;
        if (v.length < n) {
          err = true;
          break;
        }
        readNanos(n);
        break;
      }
      case 'frac9': {
        if (v.length < 2 || (v[0] !== '.' && v[0] !== ',') || !isDigitAt(v, 1)) break;
        let i = 0;
        while (i < 9 && isDigitAt(v, i + 1)) i++;
        readNanos(1 + i);
        break;
      }
      default: {
        if ((ch.std === 'Z0700' || ch.std === 'Z07' || ch.std === 'Z07:00') && v[0] === 'Z') {
          v = v.slice(1);
          zoneOffset = 0;
          break;
        }
        const r = parseOffset(ch.std, v);
        if (r === undefined) err = true;
        else {
          v = r.rest;
          if (r.offset === undefined) err = true;
          else zoneOffset = r.offset;
        }
      }
    }
    if (rangeErr !== '') parseError(`: ${rangeErr} out of range`);
    if (err) {
      throw new LayoutParseError(
        `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(v)} as ${quote(ch.stdText)}`,
      );
    }
  }
  if (pm && hour < 12) hour += 12;
  else if (am && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = 0;
    let m = 0;
    let yd = yday;
    if (daysIn(2, year) === 29) {
      if (yd === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yd > 31 + 29) yd--;
    }
    if (yd < 1 || yd > 365) parseError(': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yd - 1) / 31) + 1;
      if ((DAYS_BEFORE[m] as number) < yd) m++;
      d = yd - (DAYS_BEFORE[m - 1] as number);
    }
    if (month >= 0 && month !== m) parseError(': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) parseError(': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) parseError(': day out of range');
  return { year, month, day, hour, minute, second, nanos, offsetSeconds: zoneOffset };
}

/** Numeric zone offsets in a value: the seconds east (undefined when malformed) and the rest. */
function parseOffset(std: Std, v: string): { offset: number | undefined; rest: string } | undefined {
  let sign: string;
  let hh: string;
  let mm = '00';
  let ss = '00';
  let rest: string;
  if (std === 'Z07:00' || std === '-07:00') {
    if (v.length < 6 || v[3] !== ':') return undefined;
    [sign, hh, mm, rest] = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), v.slice(6)];
  } else if (std === 'Z07' || std === '-07') {
    if (v.length < 3) return undefined;
    [sign, hh, rest] = [v.slice(0, 1), v.slice(1, 3), v.slice(3)];
  } else if (std === 'Z07:00:00' || std === '-07:00:00') {
    if (v.length < 9 || v[3] !== ':' || v[6] !== ':') return undefined;
    [sign, hh, mm, ss, rest] = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), v.slice(7, 9), v.slice(9)];
  } else if (std === 'Z070000' || std === '-070000') {
    if (v.length < 7) return undefined;
    [sign, hh, mm, ss, rest] = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), v.slice(5, 7), v.slice(7)];
  } else {
    if (v.length < 5) return undefined;
    [sign, hh, mm, rest] = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), v.slice(5)];
  }
  const h = atoi(hh);
  const m = h === undefined ? undefined : atoi(mm);
  const s = m === undefined ? undefined : atoi(ss);
  if (h === undefined || m === undefined || s === undefined) return { offset: undefined, rest };
  const off = (h * 60 + m) * 60 + s;
  if (sign === '+') return { offset: off, rest };
  if (sign === '-') return { offset: -off, rest };
  return { offset: undefined, rest };
}
