/**
 * Go reference layouts (`2006-01-02T15:04:05Z07:00`) for time.parse_ns and time.format, following
 * Go's time package: the layout is cut into chunks the way Go's nextStdChunk cuts it, and the value
 * is parsed left to right in one pass without backtracking, so a hostile layout or value costs time
 * linear in their lengths. Parsing is in time-parse.ts.
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
export type Std =
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

export const isDigitAt = (s: string, i: number): boolean =>
  i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
const startsLower = (s: string): boolean => s.length > 0 && s.charCodeAt(0) >= 97 && s.charCodeAt(0) <= 122;

/** Go's nextStdChunk: the first element in `layout`. */
export function nextChunk(layout: string): Chunk {
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

/** Wall-clock fields of an instant in a zone. */
export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number;
  offsetSeconds: number;
}

/** The wall-clock fields time.format needs: the day of the year and the zone's abbreviation too. */
export interface LayoutWall extends Wall {
  yday: number;
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
