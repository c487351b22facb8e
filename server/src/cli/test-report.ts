/** `clearance policy test`'s JSON report (OPA's `opa test --format json` shape) and capabilities file reading. */
import { readFileSync, statSync } from 'node:fs';
import type { ClearanceError } from '../errors';
import { type Capabilities, parseCapabilities } from '../rego';
import { displayPath, errorAsJson } from './given-paths';
import type { TestResult } from './test-command';

/** A capabilities file above this size is not read. */
const maxCapabilitiesBytes = 8 * 1024 * 1024;

/** Reads an OPA capabilities JSON file (bounded). */
export function readCapabilities(file: string): { capabilities?: Capabilities; error?: ClearanceError } {
  try {
    if (statSync(file).size > maxCapabilitiesBytes) {
      return {
        error: { code: 'capabilities_error', message: `${file} is over ${maxCapabilitiesBytes} bytes` },
      };
    }
    return parseCapabilities(file, readFileSync(file, 'utf8'));
  } catch (e) {
    return { error: { code: 'capabilities_error', message: `cannot read ${file}: ${(e as Error).message}` } };
  }
}

/** The capabilities a command's `--capabilities` names: read from a file, or given as they are (the API). */
export function selectCapabilities(flag: Capabilities | string | undefined): {
  capabilities?: Capabilities;
  error?: ClearanceError;
} {
  if (typeof flag === 'string') return readCapabilities(flag);
  return flag ? { capabilities: flag } : {};
}

/**
 * One test as `opa test --format json` reports it: location, package, name, duration (ns), and
 * `fail`, `skip` or `error` when it did not pass; print/trace output base64-encoded.
 */
export function jsonReport(r: TestResult): Record<string, unknown> {
  const dot = r.name.lastIndexOf('.', r.name.indexOf('[') >= 0 ? r.name.indexOf('[') : r.name.length);
  const out: Record<string, unknown> = {
    location: { file: displayPath(r.file), row: r.line, col: 1 },
    package: r.name.slice(0, dot),
    name: r.name.slice(dot + 1),
    duration: Number(r.durationNs),
  };
  if (r.outcome === 'FAIL') out.fail = true;
  if (r.outcome === 'SKIPPED') out.skip = true;
  if (r.outcome === 'ERROR') {
    const e = r.errorData?.[0];
    out.error = e ? errorAsJson(e) : { code: 'eval_error', message: r.errors.join('; ') };
  }
  if (r.output.length > 0) out.output = Buffer.from(`${r.output.join('\n')}\n`).toString('base64');
  return out;
}
