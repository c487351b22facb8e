/**
 * The Rego formatter: a module's AST and comments back to text, laid out as `opa fmt`
 * does. The CLI (`clearance policy fmt`) and the language server's document formatting share it.
 */
import type { ClearanceError } from '../../errors';
import { parseModule } from '../syntax/parser';
import { type FormatTarget, ModuleWriter } from './module';
import { toRowComments } from './writer';

export type { FormatTarget } from './module';

/** Options for `formatSource`. */
export interface FormatOptions {
  /**
   * `v1` (the default, as `opa fmt`): read v1, or v0 when it only parses as v0, and write v1.
   * `v0`: read and write v0 (`--v0-compatible`). `v0v1`: read v0, write v1 that v0 also reads,
   * with `import rego.v1` (`--v0-v1`).
   */
  target?: FormatTarget;
  /** File name for error locations. */
  file?: string;
}

/** The formatted text, or the parse errors that stop formatting. */
export type FormatResult = { ok: true; text: string } | { ok: false; errors: ClearanceError[] };

/** Formats a Rego module's source text; never throws. */
export function formatSource(src: string, options: FormatOptions = {}): FormatResult {
  const target = options.target ?? 'v1';
  const file = options.file ?? '';
  const first = parseModule(src, { file, regoVersion: target === 'v1' ? 1 : 0 });
  let parsed = first;
  if (target === 'v1' && (first.errors.length > 0 || !first.module)) {
    const v0 = parseModule(src, { file, regoVersion: 0 });
    if (v0.module && v0.errors.length === 0) parsed = v0;
  }
  if (!parsed.module || parsed.errors.length > 0) return { ok: false, errors: parsed.errors };
  try {
    const writer = new ModuleWriter(src, toRowComments(parsed.module.comments), target);
    return { ok: true, text: writer.format(parsed.module) };
  } catch (e) {
    const start = { line: 1, column: 1, offset: 0 };
    const message = `format error: ${e instanceof Error ? e.message : String(e)}`;
    return {
      ok: false,
      errors: [{ code: 'rego_format_error', message, location: { file, start, end: start } }],
    };
  }
}
