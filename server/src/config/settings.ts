/**
 * Clearance's settings: one shape shared by the language server (which receives them from VS Code's
 * `clearance.*` configuration) and the CLI (which reads the same keys from a workspace's
 * `.vscode/settings.json`, then applies its flags), so the editor and CI decide alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { ClearanceError } from '../errors';

/** How severe the diagnostic on a denied call is. */
export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint';

/** Every setting Clearance reads, with defaults applied. Mirrors `contributes.configuration`. */
export interface ClearanceSettings {
  policy: { paths: string[]; entrypoint: string };
  identity: {
    tokenFile: string;
    tokenEnv: string;
    jwksFile: string;
    jwksUrl: string;
    issuer: string;
    audience: string;
    clockSkewSeconds: number;
  };
  diagnostics: { deniedSeverity: SeveritySetting };
  evaluation: { timeoutMs: number; maxSteps: number };
  index: { maxFiles: number };
  impact: { notify: boolean };
}

/** The defaults, identical to those declared in package.json. */
export const defaultSettings: ClearanceSettings = {
  policy: { paths: [], entrypoint: 'data.api.authz.allow' },
  identity: {
    tokenFile: '',
    tokenEnv: 'CLEARANCE_TOKEN',
    jwksFile: '',
    jwksUrl: '',
    issuer: '',
    audience: '',
    clockSkewSeconds: 60,
  },
  diagnostics: { deniedSeverity: 'warning' },
  evaluation: { timeoutMs: 2000, maxSteps: 1_000_000 },
  index: { maxFiles: 20_000 },
  impact: { notify: true },
};

const severities: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint'];

/**
 * Builds settings from the nested object VS Code returns for the `clearance` section (or from flat
 * `clearance.a.b` keys): unknown keys are ignored, values of the wrong type fall back to the default
 * and are reported, so one bad value never disables the rest.
 */
export function normalizeSettings(
  raw: unknown,
  file = 'settings',
): { settings: ClearanceSettings; errors: ClearanceError[] } {
  const errors: ClearanceError[] = [];
  const tree = isRecord(raw) ? unflatten(raw) : {};
  const pick = <T>(path: string, fallback: T, accept: (v: unknown) => v is T): T => {
    const value = path
      .split('.')
      .reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), tree);
    if (value === undefined || value === null) return fallback;
    if (accept(value)) return value;
    errors.push({
      code: 'config_error',
      message: `${file}: clearance.${path} must be ${describeExpected(fallback)}, not ${JSON.stringify(value)}; using the default ${JSON.stringify(fallback)}`,
    });
    return fallback;
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const inRange =
    (min: number, max: number) =>
    (v: unknown): v is number =>
      typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
  const isSeverity = (v: unknown): v is SeveritySetting => severities.includes(v as SeveritySetting);
  const d = defaultSettings;
  const settings: ClearanceSettings = {
    policy: {
      paths: pick('policy.paths', d.policy.paths, isStrings),
      entrypoint: pick('policy.entrypoint', d.policy.entrypoint, isString) || d.policy.entrypoint,
    },
    identity: {
      tokenFile: pick('identity.tokenFile', d.identity.tokenFile, isString),
      tokenEnv: pick('identity.tokenEnv', d.identity.tokenEnv, isString),
      jwksFile: pick('identity.jwksFile', d.identity.jwksFile, isString),
      jwksUrl: pick('identity.jwksUrl', d.identity.jwksUrl, isString),
      issuer: pick('identity.issuer', d.identity.issuer, isString),
      audience: pick('identity.audience', d.identity.audience, isString),
      clockSkewSeconds: pick('identity.clockSkewSeconds', d.identity.clockSkewSeconds, inRange(0, 600)),
    },
    diagnostics: {
      deniedSeverity: pick('diagnostics.deniedSeverity', d.diagnostics.deniedSeverity, isSeverity),
    },
    evaluation: {
      timeoutMs: pick('evaluation.timeoutMs', d.evaluation.timeoutMs, inRange(10, 30_000)),
      maxSteps: pick('evaluation.maxSteps', d.evaluation.maxSteps, inRange(1000, 100_000_000)),
    },
    index: { maxFiles: pick('index.maxFiles', d.index.maxFiles, inRange(0, 1_000_000)) },
    impact: { notify: pick('impact.notify', d.impact.notify, isBoolean) },
  };
  return { settings, errors };
}

/**
 * Reads the `clearance.*` keys of `<dir>/.vscode/settings.json` (JSON with comments), for the CLI.
 * A missing file gives the defaults; an unreadable or malformed one gives the defaults and an error
 * that names the file, line and column.
 */
export function readWorkspaceSettings(dir: string): {
  settings: ClearanceSettings;
  errors: ClearanceError[];
} {
  const file = join(dir, '.vscode', 'settings.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return normalizeSettings({});
    const result = normalizeSettings({});
    result.errors.push({
      code: 'config_parse_error',
      message: `cannot read ${file}: ${(error as Error).message}`,
    });
    return result;
  }
  const parseErrors: ParseError[] = [];
  const raw: unknown = parseJsonc(text, parseErrors, { allowTrailingComma: true });
  const result = normalizeSettings(raw, file);
  for (const e of parseErrors) {
    const before = text.slice(0, e.offset);
    const line = before.split('\n').length;
    const column = e.offset - before.lastIndexOf('\n');
    const position = { line, column, offset: e.offset };
    result.errors.push({
      code: 'config_parse_error',
      message: `malformed settings file: ${describeParseError(printParseErrorCode(e.error))}`,
      location: {
        file,
        start: position,
        end: { ...position, column: column + e.length, offset: e.offset + e.length },
      },
    });
  }
  return result;
}

/** `PropertyNameExpected` -> `property name expected`. */
function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Says what kind of value a setting takes, from its default, for error messages. */
function describeExpected(fallback: unknown): string {
  if (Array.isArray(fallback)) return 'a list of strings';
  if (typeof fallback === 'number') return 'a number in the range package.json declares';
  return `a ${typeof fallback}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns `{"clearance.policy.paths": x}` and `{"policy": {"paths": x}}` alike into the nested form. */
function unflatten(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const parts = key.replace(/^clearance\./, '').split('.');
    if (key.includes('.') && !key.startsWith('clearance.')) continue;
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      const child: Record<string, unknown> = isRecord(next) ? next : {};
      node[part] = child;
      node = child;
    }
    const last = parts[parts.length - 1] as string;
    node[last] = isRecord(value) && isRecord(node[last]) ? { ...(node[last] as object), ...value } : value;
  }
  return out;
}
