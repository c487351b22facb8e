/** Human-readable time spans for status-bar text ('3h 5m') and reasons ('3 minutes'). */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Formats whole seconds compactly: '45s', '12m', '3h 5m', '2d 4h'; zero minor units are dropped. */
export function formatShortDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < MINUTE) return `${s}s`;
  if (s < HOUR) return `${Math.floor(s / MINUTE)}m`;
  if (s < DAY) return joinUnits(Math.floor(s / HOUR), 'h', Math.floor((s % HOUR) / MINUTE), 'm');
  return joinUnits(Math.floor(s / DAY), 'd', Math.floor((s % DAY) / HOUR), 'h');
}

/** Formats whole seconds in words using the largest unit: '45 seconds', '1 minute', '2 days'. */
export function formatLongDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < MINUTE) return pluralize(s, 'second');
  if (s < HOUR) return pluralize(Math.floor(s / MINUTE), 'minute');
  if (s < DAY) return pluralize(Math.floor(s / HOUR), 'hour');
  return pluralize(Math.floor(s / DAY), 'day');
}

function joinUnits(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit} ${minor}${minorUnit}`;
}

function pluralize(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
