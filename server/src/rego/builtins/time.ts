/**
 * Time functions on nanosecond timestamps: time.now_ns lives in misc.ts; here parse_rfc3339_ns,
 * parse_ns (Go layouts), parse_duration_ns, date, clock, weekday, add_date, diff, format. Times
 * are int64 nanoseconds; a `[ns, "Zone"]` pair selects an IANA time zone.
 */
import { numberFromBigInt } from '../value/number';
import { num, type Value } from '../value/value';
import {
  type BuiltinDef,
  bigIntArg,
  builtinError,
  defineBuiltin,
  operandTypeError,
  param,
  stringArg,
} from './registry';
import { DAY_NAMES, formatLayout, type Wall } from './time-layout';
import { LayoutParseError, type ParsedTime, parseLayout } from './time-parse';

const NS_PER_MS = 1_000_000n;
const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

/** Checks the int64 range. */
function checkRange(ns: bigint): bigint {
  if (ns < MIN_NS || ns > MAX_NS) builtinError('time outside of valid range');
  return ns;
}

/** Reads a time operand: ns, or [ns, zone]. */
function timeArg(args: Value[], i: number): { ns: bigint; zone: string } {
  const v = args[i] ?? null;
  if (Array.isArray(v)) {
    if (v.length !== 2) builtinError('array should have 2 elements');
    const ns = checkTimestamp(bigIntArg(v, 0));
    const zone = v[1];
    if (typeof zone !== 'string') return operandTypeError(i + 1, zone ?? null, 'string');
    return { ns, zone: zone === '' ? 'UTC' : zone };
  }
  return { ns: checkTimestamp(bigIntArg(args, i)), zone: 'UTC' };
}

/** Rejects timestamps outside int64 nanoseconds. */
function checkTimestamp(ns: bigint): bigint {
  if (ns < MIN_NS || ns > MAX_NS) builtinError('timestamp too big');
  return ns;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of `ns` in `zone` (IANA name, "UTC" or "Local"). */
function wall(ns: bigint, zone: string): Wall {
  const ms = ns / NS_PER_MS - (ns % NS_PER_MS < 0n ? 1n : 0n);
  const nanos = Number(ns - ms * NS_PER_MS);
  const date = new Date(Number(ms));
  if (zone === 'UTC') {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      nanos: date.getUTCMilliseconds() * 1_000_000 + (nanos % 1_000_000),
      weekday: date.getUTCDay(),
      offsetSeconds: 0,
    };
  }
  const tz = zone === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : zone;
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
        era: 'short',
      });
    } catch {
      return builtinError(`unknown time zone ${zone}`);
    }
    formatters.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const w: Wall = {
    year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    nanos: date.getUTCMilliseconds() * 1_000_000 + (nanos % 1_000_000),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? 'Sun'),
    offsetSeconds: 0,
  };
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  w.offsetSeconds = Math.round((asUtc - Math.floor(Number(ms) / 1000) * 1000) / 1000);
  return w;
}

/** Nanoseconds for a UTC wall clock (fields may overflow; they normalise like Go's time.Date). */
function utcNs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanos: number,
): bigint {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return BigInt(d.getTime()) * NS_PER_MS + BigInt(nanos);
}

/** Parses an RFC 3339 timestamp. */
function parseRfc3339(s: string): bigint {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(
      s,
    );
  if (!m)
    return builtinError(`parsing time ${JSON.stringify(s)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  const [, y, mo, d, h, mi, se, frac, , sign, oh, om] = m;
  const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
  let ns = utcNs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(se), nanos);
  if (sign) {
    const off = BigInt((Number(oh) * 60 + Number(om)) * 60) * 1_000_000_000n;
    ns = sign === '+' ? ns - off : ns + off;
  }
  return checkRange(ns);
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Parses a Go duration string ("1h30m", "-1.5s"). */
export function parseDuration(s: string): bigint {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m && s !== '0') return builtinError(`time: invalid duration ${JSON.stringify(s)}`);
  if (s === '0') return 0n;
  let total = 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  for (let part = re.exec(s); part; part = re.exec(s)) {
    total += Number(part[1]) * (DURATION_UNITS[part[2] as string] as number);
  }
  const ns = BigInt(Math.round(total));
  return s.startsWith('-') ? -ns : ns;
}

/** The layouts OPA accepts by their Go constant names (`RFC822Z` for `02 Jan 06 15:04 -0700`). */
const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
  DateTime: '2006-01-02 15:04:05',
  DateOnly: '2006-01-02',
  TimeOnly: '15:04:05',
};

/** Parses `value` with a Go layout or a layout's Go name (linear time: see time-layout.ts). */
function parseWithLayout(named: string, value: string): bigint {
  const layout = NAMED_LAYOUTS[named] ?? named;
  let t: ParsedTime;
  try {
    t = parseLayout(layout, value);
  } catch (err) {
    if (err instanceof LayoutParseError) return builtinError(err.message);
    throw err;
  }
  const ns = utcNs(t.year, t.month, t.day, t.hour, t.minute, t.second, t.nanos);
  return checkRange(ns - BigInt(t.offsetSeconds ?? 0) * 1_000_000_000n);
}

/** Formats an instant with a Go layout (or a layout's Go name) in its zone. */
function formatWithLayout(ns: bigint, zone: string, named: string): string {
  const w = wall(ns, zone);
  const startOfYear = Date.UTC(w.year, 0, 1);
  const yday = Math.round((Date.UTC(w.year, w.month - 1, w.day) - startOfYear) / 86_400_000) + 1;
  return formatLayout(NAMED_LAYOUTS[named] ?? named, { ...w, yday, zoneName: zoneAbbreviation(ns, zone) });
}

/** Locales whose CLDR names give the tz database's abbreviation for more zones (IST, CET, JST...). */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'ja-JP'];

/** The zone's abbreviation at an instant ("UTC", "EST", "IST"), or "" when only an offset is known. */
function zoneAbbreviation(ns: bigint, zone: string): string {
  if (zone === 'UTC') return 'UTC';
  const at = abbreviationAt(new Date(Number(ns / NS_PER_MS)), zone);
  if (at !== '') return at;
  // CLDR names zones only from the dates its metazones start; before that, the tz database still
  // uses the zone's standard abbreviation when the offset is the standard one.
  const offset = wall(ns, zone).offsetSeconds;
  for (const month of [0, 6]) {
    const probe = new Date(Date.UTC(2000, month, 1));
    const probeNs = BigInt(probe.getTime()) * NS_PER_MS;
    if (wall(probeNs, zone).offsetSeconds === offset) return abbreviationAt(probe, zone);
  }
  return '';
}

/** Intl's short zone name at a date, when it is an abbreviation rather than "GMT+1". */
function abbreviationAt(date: Date, zone: string): string {
  for (const locale of ABBREVIATION_LOCALES) {
    try {
      const f = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
      const name = f.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
      if (/^[A-Z]{3,5}$/.test(name)) return name;
    } catch {
      return '';
    }
  }
  return '';
}

/** Years, months, days, hours, minutes, seconds between two instants (OPA's time.diff). */
function diff(a: Wall, b: Wall): number[] {
  let year = b.year - a.year;
  let month = b.month - a.month;
  let day = b.day - a.day;
  let hour = b.hour - a.hour;
  let minute = b.minute - a.minute;
  let second = b.second - a.second;
  if (second < 0) {
    second += 60;
    minute--;
  }
  if (minute < 0) {
    minute += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    const daysInMonth = new Date(Date.UTC(a.year, a.month, 0)).getUTCDate();
    day += daysInMonth;
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, minute, second];
}

/** Formats an instant as RFC 3339 with nanoseconds in its zone. */
function formatRfc3339(ns: bigint, zone: string): string {
  const w = wall(ns, zone);
  const pad = (n: number, l = 2) => String(n).padStart(l, '0');
  const frac = w.nanos ? `.${pad(w.nanos, 9).replace(/0+$/, '')}` : '';
  const off = w.offsetSeconds;
  const tz =
    off === 0
      ? 'Z'
      : `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 3600))}:${pad(Math.floor((Math.abs(off) % 3600) / 60))}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${frac}${tz}`;
}

/** The time builtins. */
export const timeBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'time.parse_rfc3339_ns',
    signature: { args: [param('value', 'string')], result: param('ns', 'number') },
    description: 'Returns the time in nanoseconds parsed from the string in RFC3339 format.',
    implementation: (args) => numberFromBigInt(parseRfc3339(stringArg(args, 0))),
  }),
  defineBuiltin({
    name: 'time.parse_ns',
    signature: { args: [param('layout', 'string'), param('value', 'string')], result: param('ns', 'number') },
    description: 'Returns the time in nanoseconds parsed from the string in the given Go layout.',
    implementation: (args) => numberFromBigInt(parseWithLayout(stringArg(args, 0), stringArg(args, 1))),
  }),
  defineBuiltin({
    name: 'time.parse_duration_ns',
    signature: { args: [param('duration', 'string')], result: param('ns', 'number') },
    description: 'Returns the duration in nanoseconds represented by a duration string ("1h30m").',
    implementation: (args) => numberFromBigInt(parseDuration(stringArg(args, 0))),
  }),
  defineBuiltin({
    name: 'time.date',
    signature: {
      args: [param('x', 'any<number, array<number, string>>')],
      result: param('date', 'array<number, number, number>'),
    },
    description: 'Returns the `[year, month, day]` for the nanoseconds since epoch.',
    implementation: (args) => {
      const { ns, zone } = timeArg(args, 0);
      const w = wall(ns, zone);
      return [num(w.year), num(w.month), num(w.day)];
    },
  }),
  defineBuiltin({
    name: 'time.clock',
    signature: {
      args: [param('x', 'any<number, array<number, string>>')],
      result: param('output', 'array<number, number, number>'),
    },
    description: 'Returns the `[hour, minute, second]` of the day for the nanoseconds since epoch.',
    implementation: (args) => {
      const { ns, zone } = timeArg(args, 0);
      const w = wall(ns, zone);
      return [num(w.hour), num(w.minute), num(w.second)];
    },
  }),
  defineBuiltin({
    name: 'time.weekday',
    signature: { args: [param('x', 'any<number, array<number, string>>')], result: param('day', 'string') },
    description: 'Returns the day of the week (Monday, Tuesday, ...) for the nanoseconds since epoch.',
    implementation: (args) => {
      const { ns, zone } = timeArg(args, 0);
      return DAY_NAMES[wall(ns, zone).weekday] as string;
    },
  }),
  defineBuiltin({
    name: 'time.add_date',
    signature: {
      args: [
        param('ns', 'number'),
        param('years', 'number'),
        param('months', 'number'),
        param('days', 'number'),
      ],
      result: param('output', 'number'),
    },
    description: 'Returns the nanoseconds since epoch after adding years, months and days.',
    implementation: (args) => {
      const ns = bigIntArg(args, 0);
      const w = wall(ns, 'UTC');
      const out = utcNs(
        w.year + Number(bigIntArg(args, 1)),
        w.month + Number(bigIntArg(args, 2)),
        w.day + Number(bigIntArg(args, 3)),
        w.hour,
        w.minute,
        w.second,
        w.nanos,
      );
      return numberFromBigInt(checkRange(out));
    },
  }),
  defineBuiltin({
    name: 'time.diff',
    signature: {
      args: [
        param('ns1', 'any<number, array<number, string>>'),
        param('ns2', 'any<number, array<number, string>>'),
      ],
      result: param('output', 'array<number, number, number, number, number, number>'),
    },
    description:
      'Returns the difference between two unix timestamps in nanoseconds (with optional timezone strings).',
    implementation: (args) => {
      let a = timeArg(args, 0);
      let b = timeArg(args, 1);
      if (a.ns > b.ns) [a, b] = [b, a];
      return diff(wall(a.ns, 'UTC'), wall(b.ns, 'UTC')).map(num);
    },
  }),
  defineBuiltin({
    name: 'time.format',
    signature: {
      args: [param('x', 'any<number, array<number, string>, array<number, string, string>>')],
      result: param('formatted', 'string'),
    },
    description:
      'Returns the formatted timestamp for the nanoseconds since epoch (RFC3339 with nanoseconds, or a Go layout given as the third array element).',
    implementation: (args) => {
      const x = args[0] ?? null;
      if (Array.isArray(x) && x.length === 3) {
        const layout = x[2];
        if (typeof layout !== 'string') return operandTypeError(1, layout ?? null, 'string');
        const { ns, zone } = timeArg([[x[0] ?? null, x[1] ?? null]], 0);
        return formatWithLayout(ns, zone, layout);
      }
      const { ns, zone } = timeArg(args, 0);
      return formatRfc3339(ns, zone);
    },
  }),
];
