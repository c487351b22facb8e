/**
 * Clearance's settings: one shape shared by the language server (which receives them from VS Code's
 * `clearance.*` configuration) and the CLI (which reads the same keys from a workspace's
 * `.vscode/settings.json`, then applies its flags), so the editor and CI decide alike.
 */
import { join } from 'node:path';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { type BundleSettings, defaultBundleSettings, readBundleSettings } from '../bundle/settings';
import type { ClearanceError } from '../errors';
import { platformFiles } from '../files/platform-files';
import { describeReadProblem, readBoundedFileSync } from '../identity/bounded-read';
import { isTimeZone } from '../identity/context';
import { parseCommandSetting } from '../identity/run-command';
import type { ClaimMapping, TokenSourceSetting } from '../identity/types';

/** How severe the diagnostic on a denied call is. */
export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint';

/** How the editor signs in: chosen by the kind of editor, or one grant always. */
export type SignInFlowSetting = 'auto' | 'authorizationCode' | 'deviceCode';
/** How a conditional call is marked: an Information diagnostic, a hint, or not at all. */
export type ConditionalSeveritySetting = 'information' | 'hint' | 'none';

/** Every setting Clearance reads, with defaults applied. Mirrors `contributes.configuration`. */
export interface ClearanceSettings {
  policy: {
    paths: string[];
    entrypoint: string;
    regoVersion: RegoVersionSetting;
  } & BundleSettings;
  /** Rego authoring: the JSON Schema of `input` for completion and hover (empty: Clearance's own). */
  authoring: { inputSchema: string };
  identity: {
    tokenFile: string;
    tokenEnv: string;
    jwksFile: string;
    jwksUrl: string;
    issuer: string;
    audience: string;
    clockSkewSeconds: number;
    source: TokenSourceSetting;
    /** The program and its arguments; empty: no token command. */
    tokenCommand: string[];
    tokenCommandTimeoutMs: number;
    claimsFile: string;
    claimMapping: Partial<ClaimMapping>;
    /** The program and its arguments; empty: no device probe. */
    deviceCommand: string[];
    /** Empty: the system's time zone. */
    timeZone: string;
    clientId: string;
    scopes: string;
    signInFlow: SignInFlowSetting;
    /** Ask the policy for a caller without an identity (labelled anonymous) instead of deciding nothing. */
    anonymous: boolean;
  };
  diagnostics: { deniedSeverity: SeveritySetting; conditionalSeverity: ConditionalSeveritySetting };
  evaluation: { timeoutMs: number; maxSteps: number; maxDepth: number; allowHttpSend: boolean };
  codeLens: { enabled: boolean };
  /** `file` empty: `~/.clearance/audit.jsonl`. Both are user settings only (package.json `scope`). */
  audit: { enabled: boolean; file: string };
  index: { maxFiles: number };
  impact: { notify: boolean };
}

/** Which Rego syntax policy files are parsed as (a bundle's `.manifest` may say otherwise). */
export type RegoVersionSetting = 'v1' | 'v0';

/** The parser's version number for a `clearance.policy.regoVersion` value. */
export function regoVersionOf(setting: RegoVersionSetting): 0 | 1 {
  return setting === 'v0' ? 0 : 1;
}

/** The defaults, identical to those declared in package.json. */
export const defaultSettings: ClearanceSettings = {
  policy: { paths: [], entrypoint: 'data.api.authz.allow', regoVersion: 'v1', ...defaultBundleSettings },
  authoring: { inputSchema: '' },
  identity: {
    tokenFile: '',
    tokenEnv: 'CLEARANCE_TOKEN',
    jwksFile: '',
    jwksUrl: '',
    issuer: '',
    audience: '',
    clockSkewSeconds: 60,
    source: 'auto',
    tokenCommand: [],
    tokenCommandTimeoutMs: 10_000,
    claimsFile: '',
    claimMapping: {},
    deviceCommand: [],
    timeZone: '',
    clientId: '',
    scopes: 'openid profile email offline_access',
    signInFlow: 'auto',
    anonymous: false,
  },
  diagnostics: { deniedSeverity: 'warning', conditionalSeverity: 'hint' },
  evaluation: { timeoutMs: 2000, maxSteps: 1_000_000, maxDepth: 200, allowHttpSend: false },
  codeLens: { enabled: true },
  audit: { enabled: true, file: '' },
  index: { maxFiles: 20_000 },
  impact: { notify: true },
};

const severities: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint'];
const tokenSources: readonly TokenSourceSetting[] = ['auto', 'signin', 'command', 'file', 'env'];
const mappingFields = ['id', 'email', 'name', 'roles', 'role'];
const signInFlows: readonly SignInFlowSetting[] = ['auto', 'authorizationCode', 'deviceCode'];
const conditionalSeverities: readonly ConditionalSeveritySetting[] = ['information', 'hint', 'none'];

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
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  const inRange =
    (min: number, max: number) =>
    (v: unknown): v is number =>
      typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
  const isRegoVersion = (v: unknown): v is RegoVersionSetting => v === 'v1' || v === 'v0';
  const isSeverity = (v: unknown): v is SeveritySetting => severities.includes(v as SeveritySetting);
  const isSource = (v: unknown): v is TokenSourceSetting => tokenSources.includes(v as TokenSourceSetting);
  // A command is a list (program, then arguments) or one string split at whitespace.
  const isCommand = (v: unknown): v is string[] | string => isString(v) || isStrings(v);
  const toCommand = (v: string[] | string): string[] => parseCommandSetting(v) ?? [];
  const isMapping = (v: unknown): v is Partial<ClaimMapping> =>
    isRecord(v) &&
    Object.entries(v).every(
      ([key, value]) =>
        mappingFields.includes(key) && (isString(value) || (key === 'roles' && isStrings(value))),
    );
  const isZone = (v: unknown): v is string => isString(v) && (v === '' || isTimeZone(v));
  const isSignInFlow = (v: unknown): v is SignInFlowSetting => signInFlows.includes(v as SignInFlowSetting);
  const isConditionalSeverity = (v: unknown): v is ConditionalSeveritySetting =>
    conditionalSeverities.includes(v as ConditionalSeveritySetting);
  const d = defaultSettings;
  const settings: ClearanceSettings = {
    policy: {
      paths: pick('policy.paths', d.policy.paths, isStrings),
      entrypoint: pick('policy.entrypoint', d.policy.entrypoint, isString) || d.policy.entrypoint,
      regoVersion: pick('policy.regoVersion', d.policy.regoVersion, isRegoVersion),
      ...readBundleSettings(pick),
    },
    authoring: { inputSchema: pick('authoring.inputSchema', d.authoring.inputSchema, isString) },
    identity: {
      tokenFile: pick('identity.tokenFile', d.identity.tokenFile, isString),
      tokenEnv: pick('identity.tokenEnv', d.identity.tokenEnv, isString),
      jwksFile: pick('identity.jwksFile', d.identity.jwksFile, isString),
      jwksUrl: pick('identity.jwksUrl', d.identity.jwksUrl, isString),
      issuer: pick('identity.issuer', d.identity.issuer, isString),
      audience: pick('identity.audience', d.identity.audience, isString),
      clockSkewSeconds: pick('identity.clockSkewSeconds', d.identity.clockSkewSeconds, inRange(0, 600)),
      source: pick('identity.source', d.identity.source, isSource),
      tokenCommand: toCommand(pick('identity.tokenCommand', d.identity.tokenCommand, isCommand)),
      tokenCommandTimeoutMs: pick(
        'identity.tokenCommandTimeoutMs',
        d.identity.tokenCommandTimeoutMs,
        inRange(100, 120_000),
      ),
      claimsFile: pick('identity.claimsFile', d.identity.claimsFile, isString),
      claimMapping: pick('identity.claimMapping', d.identity.claimMapping, isMapping),
      deviceCommand: toCommand(pick('identity.deviceCommand', d.identity.deviceCommand, isCommand)),
      timeZone: pick('identity.timeZone', d.identity.timeZone, isZone),
      clientId: pick('identity.clientId', d.identity.clientId, isString).trim(),
      scopes: pick('identity.scopes', d.identity.scopes, isString).trim() || d.identity.scopes,
      signInFlow: pick('identity.signInFlow', d.identity.signInFlow, isSignInFlow),
      anonymous: pick('identity.anonymous', d.identity.anonymous, isBoolean),
    },
    diagnostics: {
      deniedSeverity: pick('diagnostics.deniedSeverity', d.diagnostics.deniedSeverity, isSeverity),
      conditionalSeverity: pick(
        'diagnostics.conditionalSeverity',
        d.diagnostics.conditionalSeverity,
        isConditionalSeverity,
      ),
    },
    evaluation: {
      timeoutMs: pick('evaluation.timeoutMs', d.evaluation.timeoutMs, inRange(10, 30_000)),
      maxSteps: pick('evaluation.maxSteps', d.evaluation.maxSteps, inRange(1000, 100_000_000)),
      maxDepth: pick('evaluation.maxDepth', d.evaluation.maxDepth, inRange(10, 10_000)),
      allowHttpSend: pick('evaluation.allowHttpSend', d.evaluation.allowHttpSend, isBoolean),
    },
    codeLens: { enabled: pick('codeLens.enabled', d.codeLens.enabled, isBoolean) },
    audit: {
      enabled: pick('audit.enabled', d.audit.enabled, isBoolean),
      file: pick('audit.file', d.audit.file, isString),
    },
    index: { maxFiles: pick('index.maxFiles', d.index.maxFiles, inRange(0, 1_000_000)) },
    impact: { notify: pick('impact.notify', d.impact.notify, isBoolean) },
  };
  return { settings, errors };
}

/** Settings files larger than this are refused: real ones are a few KB. */
export const MAX_SETTINGS_BYTES = 1024 * 1024;

/**
 * Reads the `clearance.*` keys of `<dir>/.vscode/settings.json` (JSON with comments), for the CLI.
 * A missing file gives the defaults; an unreadable or malformed one, a device, a file over 1 MB or a
 * link out of `dir` gives the defaults and an error that names the file (and the line and column).
 */
export function readWorkspaceSettings(dir: string): {
  settings: ClearanceSettings;
  errors: ClearanceError[];
} {
  return readSettingsFile(join(dir, '.vscode', 'settings.json'), dir);
}

/**
 * Reads the `clearance.*` keys of a settings file: the workspace's own (`within` its folder, which
 * it may not leave through a link) or one the user named (`within` undefined). `pick` selects the
 * settings object inside the parsed file (a `.code-workspace` file keeps them under `settings`).
 */
export function readSettingsFile(
  file: string,
  within: string | undefined,
  pick: (parsed: unknown) => unknown = (parsed) => parsed,
): { settings: ClearanceSettings; errors: ClearanceError[] } {
  const read = readBoundedFileSync(file, MAX_SETTINGS_BYTES, within === undefined ? {} : { within });
  if (!read.ok) {
    if (read.problem.kind === 'not-found') return normalizeSettings({});
    const result = normalizeSettings({});
    result.errors.push({
      code: 'config_parse_error',
      message: `cannot read ${file}: it ${describeReadProblem(read.problem)}`,
      location: { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
    });
    return result;
  }
  const text = read.text;
  const parseErrors: ParseError[] = [];
  const raw: unknown = parseJsonc(text, parseErrors, { allowTrailingComma: true });
  const result = normalizeSettings(pick(raw), file);
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

/**
 * The `settings` of every `*.code-workspace` file directly in `dir`: a multi-root workspace file
 * checked into a repository is as much the repository's as `.vscode/settings.json`.
 */
export function readCodeWorkspaceSettings(
  dir: string,
): Array<{ file: string; settings: ClearanceSettings; errors: ClearanceError[] }> {
  const names = (platformFiles.list(dir) ?? [])
    .map((entry) => entry.name)
    .filter((name) => name.endsWith('.code-workspace'));
  // A repository could hold thousands; a handful is all a person keeps.
  return names
    .sort()
    .slice(0, 16)
    .map((name) => {
      const file = join(dir, name);
      const read = readSettingsFile(file, dir, (parsed) =>
        isRecord(parsed) && isRecord(parsed.settings) ? parsed.settings : {},
      );
      return { file, ...read };
    });
}

/** `PropertyNameExpected` -> `property name expected`. */
function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Says what kind of value a setting takes, from its default, for error messages. */
function describeExpected(fallback: unknown): string {
  if (Array.isArray(fallback)) return 'a list of strings';
  if (typeof fallback === 'number') return 'a number in the range package.json declares';
  if (isRecord(fallback)) return 'an object of claim names (id, email, name, roles, role)';
  if (typeof fallback === 'boolean') return 'true or false';
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
