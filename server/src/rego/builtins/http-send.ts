/**
 * http.send: OPA's request object (method, url, headers, body/raw_body, timeout, enable_redirect,
 * force_json_decode, force_yaml_decode, raise_error) and response object (status, status_code,
 * body, raw_body, headers). Disabled unless the embedder enables it (the editor setting
 * `clearance.evaluation.allowHttpSend`): deciding makes no network calls by default. Requests are
 * bounded by their timeout, the evaluation's deadline and a response size limit.
 */
import { parse as parseYaml } from 'yaml';
import { toSafeInteger } from '../value/number';
import {
  fromJson,
  type JsonValue,
  num,
  RegoNumber,
  RegoObject,
  stringifyJson,
  toJson,
  type Value,
} from '../value/value';
import { parseJsonExact } from './encoding';
import {
  type BuiltinContext,
  type BuiltinDef,
  BuiltinError,
  builtinError,
  defineBuiltin,
  formatNameSet,
  objectArg,
  param,
  typeError,
} from './registry';
import { fetchSync, type SyncResponse } from './sync-fetch';
import { parseDuration } from './time';

/** The setting that enables http.send, named in the error raised while it is disabled. */
export const HTTP_SEND_SETTING = 'clearance.evaluation.allowHttpSend';

/** TLS options Node's fetch cannot honour per request; asking for them is an error, not a silent no-op. */
const UNSUPPORTED_KEYS = [
  'tls_ca_cert',
  'tls_ca_cert_file',
  'tls_ca_cert_env_variable',
  'tls_client_cert',
  'tls_client_cert_file',
  'tls_client_cert_env_variable',
  'tls_client_key',
  'tls_client_key_file',
  'tls_client_key_env_variable',
  'tls_insecure_skip_verify',
  'tls_server_name',
];

/** Every request key OPA accepts (caching keys are accepted; Clearance caches no responses). */
const ALLOWED_KEYS = new Set([
  ...UNSUPPORTED_KEYS,
  'method',
  'url',
  'body',
  'enable_redirect',
  'force_json_decode',
  'force_yaml_decode',
  'headers',
  'raw_body',
  'tls_use_system_certs',
  'timeout',
  'cache',
  'force_cache',
  'force_cache_duration_seconds',
  'raise_error',
  'caching_mode',
  'max_retry_attempts',
  'cache_ignored_headers',
]);

/** OPA's default request timeout. */
const DEFAULT_TIMEOUT_MS = 5_000;

/** The largest response body read (larger ones are an error). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Checks the request's keys with OPA's messages. */
function validateKeys(req: RegoObject): void {
  const keys = req.keys().map((k) => (typeof k === 'string' ? k : stringifyJson(toJson(k))));
  const invalid = keys.filter((k) => !ALLOWED_KEYS.has(k));
  if (invalid.length > 0) typeError(`invalid request parameters(s): ${formatNameSet(invalid)}`);
  const missing = ['method', 'url'].filter((k) => req.get(k) === undefined);
  if (missing.length > 0) typeError(`missing required request parameters(s): ${formatNameSet(missing)}`);
}

/** Reads a boolean option (default false). */
function flag(req: RegoObject, key: string, fallback = false): boolean {
  const v = req.get(key);
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') typeError(`invalid value for "${key}" field: must be a boolean`);
  return v;
}

/** The request timeout in milliseconds: a Go duration string or nanoseconds. */
function timeoutOf(req: RegoObject): number {
  const v = req.get('timeout');
  if (v === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof v === 'string') return Number(parseDuration(v) / 1_000_000n);
  if (v instanceof RegoNumber) return Math.floor((toSafeInteger(v) ?? 0) / 1_000_000);
  return typeError('invalid value for "timeout" field: must be a string or a number');
}

/** The request headers (string values only, as OPA requires). */
function headersOf(req: RegoObject): Record<string, string> {
  const v = req.get('headers');
  const out: Record<string, string> = {};
  if (v === undefined) return out;
  if (!(v instanceof RegoObject)) return typeError('invalid type for headers key');
  for (const [k, x] of v.entries()) {
    if (typeof k !== 'string' || typeof x !== 'string') typeError('invalid type for headers value');
    out[k] = x;
  }
  return out;
}

/** The request body: `raw_body` as is, else `body` as JSON. */
function bodyOf(req: RegoObject): string | undefined {
  const raw = req.get('raw_body');
  if (raw !== undefined) {
    if (typeof raw !== 'string') typeError('invalid type for raw_body key');
    return raw;
  }
  const body = req.get('body');
  return body === undefined ? undefined : stringifyJson(toJson(body));
}

/** True when the response's content type is one of `types`. */
function hasContentType(headers: Record<string, string[]>, ...types: string[]): boolean {
  const value = headers['content-type']?.[0] ?? '';
  const mime = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return types.includes(mime);
}

/** OPA's response object. */
function responseValue(res: Extract<SyncResponse, { ok: true }>, req: RegoObject): Value {
  let body: Value = null;
  if (flag(req, 'force_json_decode') || hasContentType(res.headers, 'application/json')) {
    body = parseJsonExact(res.body) ?? builtinError('invalid character in JSON response body');
  } else if (
    flag(req, 'force_yaml_decode') ||
    hasContentType(res.headers, 'application/yaml', 'application/x-yaml')
  ) {
    try {
      body = fromJson(parseYaml(res.body) as JsonValue);
    } catch (e) {
      builtinError(`yaml: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const headers = new RegoObject();
  for (const [k, vs] of Object.entries(res.headers)) headers.set(k, vs);
  return RegoObject.of([
    ['status', `${res.status} ${res.statusText}`.trim()],
    ['status_code', num(res.status)],
    ['body', body],
    ['raw_body', res.body],
    ['headers', headers],
  ]);
}

/** Sends the request (when enabled) and returns OPA's response object. */
function send(args: Value[], ctx: BuiltinContext): Value {
  const req = objectArg(args, 0);
  validateKeys(req);
  if (ctx.allowHttpSend !== true) {
    throw new BuiltinError(
      'eval_builtin_error',
      `http.send is disabled: Clearance makes no network calls while deciding unless the setting ${HTTP_SEND_SETTING} is true`,
      true,
    );
  }
  const method = req.get('method');
  const url = req.get('url');
  if (typeof method !== 'string') return typeError('invalid type for method key');
  if (typeof url !== 'string') return typeError('invalid type for url key');
  const unsupported = UNSUPPORTED_KEYS.filter((k) => req.get(k) !== undefined);
  if (unsupported.length > 0)
    builtinError(`request parameters not supported by Clearance: ${formatNameSet(unsupported)}`);
  const remaining = ctx.remainingMs?.() ?? DEFAULT_TIMEOUT_MS;
  const timeoutMs = Math.max(1, Math.min(timeoutOf(req), remaining));
  const res = fetchSync({
    url,
    method: method.toUpperCase(),
    headers: headersOf(req),
    body: bodyOf(req),
    followRedirects: flag(req, 'enable_redirect'),
    timeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  if (res.ok) return responseValue(res, req);
  const message = res.timedOut
    ? `${method.toUpperCase()} ${url}: request timed out`
    : `${method.toUpperCase()} ${url}: ${res.message}`;
  if (!flag(req, 'raise_error', true)) {
    return RegoObject.of([
      ['status_code', num(0)],
      [
        'error',
        RegoObject.of([
          ['code', 'eval_http_send_network_error'],
          ['message', message],
        ]),
      ],
    ]);
  }
  throw new BuiltinError('eval_http_send_network_error', message);
}

/** The HTTP builtins. */
export const httpBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'http.send',
    nondeterministic: true,
    signature: {
      args: [param('request', 'object[string: any]')],
      result: param('response', 'object[any: any]'),
    },
    description: `Returns a HTTP response to the given HTTP request. Disabled in Clearance unless the setting \`${HTTP_SEND_SETTING}\` is true.`,
    implementation: send,
  }),
];
