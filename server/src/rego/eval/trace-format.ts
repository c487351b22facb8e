/**
 * Printing a trace as OPA's `PrettyTraceWithOpts` does: one row per event, `| ` per query depth,
 * an optional location column (`file:row`, `query:row` for the query) and, with `--var-values`,
 * the event's bound variables (`{x: "foo"}`); columns padded to their widest cell plus four.
 * Also the failure line `--var-values` prints (OPA's `PrettyEvent`): the failing expression with
 * its variables' values under arrows.
 */
import type { TraceEvent } from './trace';

/** Column padding and widths, as OPA's tracer uses them. */
const COLUMN_PADDING = 4;
const MAX_EXPR_VAR_WIDTH = 32;
const MAX_PRETTY_EXPR_VAR_WIDTH = 64;

/** How `prettyTrace` prints. */
export interface PrettyTraceOptions {
  /** A location column (OPA's `opa test` trace always has one). */
  locations?: boolean;
  /** A column with the bound variables of each event (`--var-values`). */
  varValues?: boolean;
  /** How a file path is shown (relative to the working folder, for instance). */
  fileName?: (file: string) => string;
}

/** The trace as text, one line per event, each ending in a newline. */
export function prettyTrace(events: readonly TraceEvent[], options: PrettyTraceOptions = {}): string {
  const depths = new Map<number, number>();
  const rows: string[][] = [];
  for (const e of events) {
    let depth = depths.get(e.qid) ?? 0;
    if (depth === 0) {
      depth = (depths.get(e.pqid) ?? 0) + 1;
      depths.set(e.qid, depth);
    }
    const row: string[] = [];
    if (options.locations) row.push(formatLocation(e, options.fileName));
    row.push(formatEvent(e, depth));
    if (options.varValues) {
      const vars = [...(e.vars ?? [])].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      row.push(`{${vars.map(([k, v]) => `${k}: ${truncate(v, MAX_EXPR_VAR_WIDTH)}`).join(', ')}}`);
    }
    rows.push(row);
  }
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  let out = '';
  for (const row of rows) {
    row.forEach((cell, i) => {
      out += i < row.length - 1 ? `${cell.padEnd((widths[i] ?? 0) + COLUMN_PADDING)} ` : cell;
    });
    out += '\n';
  }
  return out;
}

/** `file:row`, or `query:row` for the query itself. */
function formatLocation(e: TraceEvent, fileName?: (file: string) => string): string {
  const loc = e.location;
  if (!loc) return '';
  const file = loc.file === '' || loc.file === '<query>' ? 'query' : (fileName?.(loc.file) ?? loc.file);
  return `${file}:${loc.start.line}`;
}

/** `| | Eval x = data.a[_]`: the depth bars, the op, the node and the message. */
function formatEvent(e: TraceEvent, depth: number): string {
  const spaces = e.op === 'Enter' || (e.op === 'Redo' && e.node !== 'expr') ? depth : depth + 1;
  const padding = spaces > 1 ? '| '.repeat(spaces - 1) : '';
  if (e.op === 'Note') return `${padding}Note ${JSON.stringify(e.text)}`;
  return `${padding}${e.op} ${e.text}${e.message ? ` ${e.message}` : ''}`;
}

/** At most `width` characters, as OPA truncates values in a trace. */
function truncate(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 3)}...`;
}

/** A term of a failing expression: where it is written and its value (undefined when it has none). */
export interface FailureVar {
  /** The term as written (a variable's name, `b + c`, `data.x`). */
  name: string;
  value?: string;
  /** 1-based line and column of the term in the source. */
  row: number;
  col: number;
  /** The source line before the term, each character but a tab made a space (OPA keeps tabs). */
  pad: string;
}

/** The failing expression, for the `--var-values` failure line. */
export interface FailureExpr {
  /** The expression's source text. */
  text: string;
  /** The source line before the expression, each character but a tab made a space. */
  pad: string;
  vars: FailureVar[];
}

/**
 * The failing expression as OPA's `PrettyEvent` prints it with `PrettyVars`: the expression at its
 * column, a row of `|` under each term, then each term's value, last column first; when tabs and
 * several lines make columns unreliable, a `Where:` list by name instead.
 */
export function prettyFailure(expr: FailureExpr): string {
  let out = expr.pad + expr.text;
  const byName = new Map<string, FailureVar>();
  for (const v of expr.vars) {
    const seen = byName.get(v.name);
    if (!seen || seen.value === undefined) byName.set(v.name, v);
  }
  const all = [...byName.values()];
  if (all.length === 0) return out;
  const rows = new Set(all.map((v) => v.row));
  if (rows.size > 1 && all.some((v) => v.pad.includes('\t'))) {
    out += '\n\nWhere:\n';
    for (const v of all.sort((a, b) => compareText(a.name, b.name))) {
      out += `\n${v.name}: ${truncate(v.value ?? 'undefined', MAX_PRETTY_EXPR_VAR_WIDTH)}`;
    }
    return out;
  }
  const byCol = all.sort((a, b) => {
    if (a.col !== b.col) return a.col - b.col;
    if (a.row !== b.row) return b.row - a.row;
    return compareText(a.name, b.name);
  });
  out += `\n${arrows(byCol, -1)}`;
  for (let i = byCol.length - 1; i >= 0; i--) out += `\n${arrows(byCol, i)}`;
  return out;
}

/** Orders strings by code unit, as Go compares them. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One row of arrows; at `valueAt` (when not -1) the value of that term instead of its arrow. */
function arrows(vars: FailureVar[], valueAt: number): string {
  const slice = valueAt >= 0 ? vars.slice(0, valueAt + 1) : vars;
  let out = '';
  let prevCol = 0;
  slice.forEach((v, i) => {
    const last = i >= slice.length - 1;
    const next = vars[i + 1];
    if (!last && next && v.col === next.col) return;
    // The gap keeps the source's tabs, so arrows line up under tab-indented code.
    out += v.pad.slice(prevCol, v.col - 1).padEnd(Math.max(0, v.col - 1 - prevCol), ' ');
    if (last && valueAt >= 0) {
      const value = truncate(v.value ?? 'undefined', MAX_PRETTY_EXPR_VAR_WIDTH);
      const shared = (i > 0 && vars[i - 1]?.col === v.col) || (i < vars.length - 1 && next?.col === v.col);
      out += shared ? `${v.name}: ${value}` : value;
    } else out += '|';
    prevCol = v.col;
  });
  return out;
}
