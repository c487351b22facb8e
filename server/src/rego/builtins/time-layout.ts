/**
 * Go reference layouts (`2006-01-02T15:04:05Z07:00`) for time.parse_ns and time.format, following
 * Go's time package: the layout is cut into chunks the way Go's nextStdChunk cuts it, and the value
 * is parsed left to right in one pass without backtracking, so a hostile layout or value costs time
 * linear in their lengths. Error messages are Go's (`parsing time "x" as "y": cannot parse ...`).
 */

/** Month names, January first. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Day names, Sunday first. */
export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** One layout element, as Go's std codes. `frac` elements carry their digit count and separator. */
type Std =
  | 'Jan'
  | 'January'
  | '1'
  | '01'
  | 'Mon'
  | 'Monday'
  | '2'
  | '_2'
  | '02'
  | '__2'
  | '002'
  | '15'
  | '3'
  | '03'
  | '4'
  | '04'
  | '5'
  | '05'
  | '06'
  | '2006'
  | 'PM'
  | 'pm'
  | 'MST'
  | 'Z0700'
  | 'Z070000'
  | 'Z07'
  | 'Z07:00'
  | 'Z07:00:00'
  | '-0700'
  | '-070000'
  | '-07'
  | '-07:00'
  | '-07:00:00'
  | 'frac0'
  | 'frac9';

/** A chunk: literal text before an element, the element (if any), and the rest of the layout. */
interface Chunk {
  prefix: string;
  std: Std | undefined;
  /** The element's text in the layout. */
  stdText: string;
  suffix: string;
  /** Fractional-second digit count. */
  digits: number;
}

const isDigitAt = (s: string, i: number): boolean =>
  i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
const startsLower = (s: string): boolean => s.length > 0 && s.charCodeAt(0) >= 97 && s.charCodeAt(0) <= 122;

/** Go's nextStdChunk: the first element in `layout`. */
function nextChunk(layout: string): Chunk {
  const found = (i: number, std: Std, len: number, digits = 0): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    stdText: layout.slice(i, i + len),
    suffix: layout.slice(i + len),
    digits,
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    const rest = layout.slice(i);
    switch (c) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return found(i, 'January', 7);
          if (!startsLower(layout.slice(i + 3))) return found(i, 'Jan', 3);
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return found(i, 'Monday', 6);
          if (!startsLower(layout.slice(i + 3))) return found(i, 'Mon', 3);
        }
        if (rest.startsWith('MST')) return found(i, 'MST', 3);
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') return found(i, `0${n}` as Std, 2);
        if (rest.startsWith('002')) return found(i, '002', 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return found(i, '15', 2);
        return found(i, '1', 1);
      case '2':
        if (rest.startsWith('2006')) return found(i, '2006', 4);
        return found(i, '2', 1);
      case '_':
        if (layout[i + 1] === '2') {
          // `_2006` is a literal `_` followed by the year.
          if (rest.startsWith('_2006')) return found(i + 1, '2006', 4);
          return found(i, '_2', 2);
        }
        if (rest.startsWith('__2')) return found(i, '__2', 3);
        break;
      case '3':
      case '4':
      case '5':
        return found(i, c, 1);
      case 'P':
        if (layout[i + 1] === 'M') return found(i, 'PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return found(i, 'pm', 2);
        break;
      case '-':
        for (const s of ['-070000', '-07:00:00', '-0700', '-07:00', '-07'] as const) {
          if (rest.startsWith(s)) return found(i, s, s.length);
        }
        break;
      case 'Z':
        for (const s of ['Z070000', 'Z07:00:00', 'Z0700', 'Z07:00', 'Z07'] as const) {
          if (rest.startsWith(s)) return found(i, s, s.length);
        }
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) return found(i, ch === '0' ? 'frac0' : 'frac9', j - i, j - i - 1);
        }
        break;
      }
    }
  }
  return { prefix: layout, std: undefined, stdText: '', suffix: '', digits: 0 };
}

/** The wall-clock fields time.format needs. */
export interface LayoutWall {
  year: number;
  month: number;
  day: number;
  yday: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number;
  offsetSeconds: number;
  zoneName: string;
}

/** Go's appendInt: `n` zero-padded to `width` digits, sign first. */
function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

/** Formats a wall clock with a Go layout (Go's Time.AppendFormat). */
export function formatLayout(layout: string, w: LayoutWall): string {
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const ch = nextChunk(rest);
    out += ch.prefix;
    if (ch.std === undefined) break;
    rest = ch.suffix;
    out += formatStd(ch, w);
  }
  return out;
}

/** One element of a formatted time. */
function formatStd(ch: Chunk, w: LayoutWall): string {
  const hour12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
  switch (ch.std) {
    case '06':
      return pad(((w.year % 100) + 100) % 100, 2);
    case '2006':
      return pad(w.year, 4);
    case 'Jan':
      return (MONTH_NAMES[w.month - 1] as string).slice(0, 3);
    case 'January':
      return MONTH_NAMES[w.month - 1] as string;
    case '1':
      return String(w.month);
    case '01':
      return pad(w.month, 2);
    case 'Mon':
      return (DAY_NAMES[w.weekday] as string).slice(0, 3);
    case 'Monday':
      return DAY_NAMES[w.weekday] as string;
    case '2':
      return String(w.day);
    case '_2':
      return w.day < 10 ? ` ${w.day}` : String(w.day);
    case '02':
      return pad(w.day, 2);
    case '__2':
      return String(w.yday).padStart(3, ' ');
    case '002':
      return pad(w.yday, 3);
    case '15':
      return pad(w.hour, 2);
    case '3':
      return String(hour12);
    case '03':
      return pad(hour12, 2);
    case '4':
      return String(w.minute);
    case '04':
      return pad(w.minute, 2);
    case '5':
      return String(w.second);
    case '05':
      return pad(w.second, 2);
    case 'PM':
      return w.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return w.hour >= 12 ? 'pm' : 'am';
    case 'MST': {
      if (w.zoneName !== '') return w.zoneName;
      const zone = Math.trunc(w.offsetSeconds / 60);
      const a = Math.abs(zone);
      return `${zone < 0 ? '-' : '+'}${pad(Math.trunc(a / 60), 2)}${pad(a % 60, 2)}`;
    }
    case 'frac0':
    case 'frac9':
      return formatNanos(w.nanos, ch);
    default:
      return formatOffset(ch.std as Std, w.offsetSeconds);
  }
}

/** Fractional seconds: `.000` keeps all digits, `.999` trims trailing zeros (and the dot). */
function formatNanos(nanos: number, ch: Chunk): string {
  const trim = ch.std === 'frac9';
  if (trim && (ch.digits === 0 || nanos === 0)) return '';
  const sep = ch.stdText[0] as string;
  let digits = pad(nanos, 9).slice(0, ch.digits);
  if (trim) digits = digits.replace(/0+$/, '');
  return digits === '' ? '' : `${sep}${digits}`;
}

/** Numeric zone offsets (`Z07:00`, `-0700`, ...). */
function formatOffset(std: Std, offset: number): string {
  const iso = std.startsWith('Z');
  if (offset === 0 && iso) return 'Z';
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let sign = '+';
  if (zone < 0) {
    sign = '-';
    zone = -zone;
    abs = -abs;
  }
  let out = `${sign}${pad(Math.trunc(zone / 60), 2)}`;
  const colon = std.includes(':');
  if (colon) out += ':';
  if (std !== '-07' && std !== 'Z07') out += pad(zone % 60, 2);
  if (std === 'Z070000' || std === '-070000' || std === 'Z07:00:00' || std === '-07:00:00') {
    if (colon) out += ':';
    out += pad(abs % 60, 2);
  }
  return out;
}

/** The fields a parse produces; the caller turns them into an instant. */
export interface ParsedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
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

/** Go's parseNanoseconds over the first `n` characters (separator included). */
function parseNanos(value: string, n: number): number | string | undefined {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  const len = Math.min(n, 10);
  const digits = value.slice(1, len);
  if (!/^\d+$/.test(digits)) return undefined;
  return Number(digits) * 10 ** (10 - len);
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

/** Parses `value` with a Go layout (Go's time.Parse with UTC as the default zone). */
export function parseLayout(layout: string, value: string): ParsedTime {
  const fail = (elem: string, valueElem: string): never => {
    throw new LayoutParseError(
      `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(elem)}`,
    );
  };
  const range = (what: string): never => {
    throw new LayoutParseError(`parsing time ${quote(value)}: ${what} out of range`);
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
  let offset: number | undefined;
  let pm = false;
  let am = false;
  for (;;) {
    const ch = nextChunk(rest);
    const after = skip(v, ch.prefix);
    if (after === undefined) return fail(ch.prefix, v);
    v = after;
    if (ch.std === undefined) {
      if (v.length > 0) throw new LayoutParseError(`parsing time ${quote(value)}: extra text: ${quote(v)}`);
      break;
    }
    rest = ch.suffix;
    const hold = v;
    const bad = (): never => fail(ch.stdText, hold);
    switch (ch.std) {
      case '06': {
        if (v.length < 2 || !/^\d\d/.test(v)) bad();
        year = Number(v.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        v = v.slice(2);
        break;
      }
      case '2006':
        if (v.length < 4 || !isDigitAt(v, 0) || !/^\d{4}/.test(v)) bad();
        year = Number(v.slice(0, 4));
        v = v.slice(4);
        break;
      case 'Jan':
      case 'January': {
        const table = ch.std === 'Jan' ? MONTH_NAMES.map((m) => m.slice(0, 3)) : MONTH_NAMES;
        const r = lookup(table, v) ?? bad();
        month = r[0] + 1;
        v = r[1];
        break;
      }
      case '1':
      case '01': {
        const r = getnum(v, ch.std === '01') ?? bad();
        [month, v] = r;
        if (month <= 0 || month > 12) range('month');
        break;
      }
      case 'Mon':
      case 'Monday': {
        const table = ch.std === 'Mon' ? DAY_NAMES.map((d) => d.slice(0, 3)) : DAY_NAMES;
        v = (lookup(table, v) ?? bad())[1];
        break;
      }
      case '2':
      case '_2':
      case '02': {
        if (ch.std === '_2' && v[0] === ' ') v = v.slice(1);
        [day, v] = getnum(v, ch.std === '02') ?? bad();
        break;
      }
      case '__2':
      case '002': {
        for (let k = 0; k < 2; k++) if (ch.std === '__2' && v[0] === ' ') v = v.slice(1);
        [yday, v] = getnum3(v, ch.std === '002') ?? bad();
        break;
      }
      case '15':
        [hour, v] = getnum(v, false) ?? bad();
        if (hour >= 24) range('hour');
        break;
      case '3':
      case '03':
        [hour, v] = getnum(v, ch.std === '03') ?? bad();
        if (hour > 12) range('hour');
        break;
      case '4':
      case '04':
        [minute, v] = getnum(v, ch.std === '04') ?? bad();
        if (minute >= 60) range('minute');
        break;
      case '5':
      case '05': {
        [second, v] = getnum(v, ch.std === '05') ?? bad();
        if (second >= 60) range('second');
        // A fractional second in the value with none in the layout is still read.
        if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigitAt(v, 1)) {
          const next = nextChunk(rest).std;
          if (next === 'frac0' || next === 'frac9') break;
          let n = 2;
          while (isDigitAt(v, n)) n++;
          const ns = parseNanos(v, n);
          if (typeof ns !== 'number') bad();
          nanos = ns as number;
          v = v.slice(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        if (v.length < 2) bad();
        const p = v.slice(0, 2);
        v = v.slice(2);
        if (p === (ch.std === 'PM' ? 'PM' : 'pm')) pm = true;
        else if (p === (ch.std === 'PM' ? 'AM' : 'am')) am = true;
        else bad();
        break;
      }
      case 'MST': {
        if (v.startsWith('UTC')) {
          offset = 0;
          v = v.slice(3);
          break;
        }
        const n = zoneLength(v);
        if (n === 0) bad();
        const name = v.slice(0, n);
        v = v.slice(n);
        offset = name.length > 3 && name.startsWith('GMT') ? Number(name.slice(3)) * 3600 : 0;
        break;
      }
      case 'frac0': {
        const n = 1 + ch.digits;
        if (v.length < n) bad();
        const ns = parseNanos(v, n);
        if (typeof ns !== 'number') bad();
        nanos = ns as number;
        v = v.slice(n);
        break;
      }
      case 'frac9': {
        if (v.length < 2 || (v[0] !== '.' && v[0] !== ',') || !isDigitAt(v, 1)) break;
        let i = 0;
        while (isDigitAt(v, i + 1)) i++;
        const ns = parseNanos(v, 1 + i);
        if (typeof ns !== 'number') bad();
        nanos = ns as number;
        v = v.slice(1 + i);
        break;
      }
      default: {
        const r = parseOffset(ch.std, v) ?? bad();
        [offset, v] = r;
      }
    }
  }
  if (pm && hour < 12) hour += 12;
  else if (am && hour === 12) hour = 0;
  if (yday >= 0) {
    const leap = daysIn(2, year) === 29;
    if (yday < 1 || yday > (leap ? 366 : 365)) range('day-of-year');
    if (month < 0) {
      let m = 1;
      let d = yday;
      while (d > daysIn(m, year)) {
        d -= daysIn(m, year);
        m++;
      }
      month = m;
      if (day >= 0 && day !== d) range('day-of-year');
      day = d;
    } else if (day >= 0) {
      // Both a month/day and a day of the year: they must agree.
      let d = yday;
      for (let m = 1; m < month; m++) d -= daysIn(m, year);
      if (d !== day) range('day-of-year');
    }
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) range('day');
  return { year, month, day, hour, minute, second, nanos, offsetSeconds: offset };
}

/** Numeric zone offsets in a value; `Z` for the ISO forms. Returns [seconds east, rest]. */
function parseOffset(std: Std, v: string): [number, string] | undefined {
  if (std.startsWith('Z') && v[0] === 'Z') return [0, v.slice(1)];
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
  const h = getnum(hh, true);
  const m = getnum(mm, true);
  const s = getnum(ss, true);
  if (!h || !m || !s) return undefined;
  const off = (h[0] * 60 + m[0]) * 60 + s[0];
  if (sign === '+') return [off, rest];
  if (sign === '-') return [-off, rest];
  return undefined;
}
