/**
 * Cloud provider helpers: providers.aws.sign_req (AWS Signature Version 4, with Node's crypto),
 * computed as OPA's internal/providers/aws signer computes it, so signatures match byte for byte.
 */
import { createHash, createHmac } from 'node:crypto';
import { RegoObject, stringifyJson, toJson, type Value } from '../value/value';
import {
  type BuiltinDef,
  defineBuiltin,
  formatNameSet,
  numberArg,
  objectArg,
  param,
  typeError,
} from './registry';

/** Headers OPA leaves out of the signature (they are changed by proxies and clients). */
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id', 'expect']);

/** The largest and smallest int64, the range Go's `Int64()` accepts. */
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Checks that `keys` are present in `obj` and are strings, with OPA's operand errors. */
function requireStringKeys(obj: RegoObject, keys: string[], operand: number, what: string): void {
  const missing = keys.filter((k) => obj.get(k) === undefined);
  if (missing.length > 0)
    typeError(`operand ${operand} missing required ${what} parameters(s): ${formatNameSet(missing)}`);
  const invalid = keys.filter((k) => typeof obj.get(k) !== 'string');
  if (invalid.length > 0)
    typeError(
      `operand ${operand} invalid values for required ${what} parameters(s): ${formatNameSet(invalid)}`,
    );
}

/** Reads the signing time (nanoseconds) the way Go's `json.Number.Int64` does: integer text only. */
function timestampArg(args: Value[]): bigint {
  const text = numberArg(args, 2).toString();
  const ns = /^-?\d+$/.test(text) ? BigInt(text) : undefined;
  if (ns === undefined || ns > INT64_MAX || ns < INT64_MIN)
    typeError('operand 3 could not convert time_ns value into a unix timestamp');
  return ns;
}

/** Formats a UTC time with a Go-style layout subset: `20060102` or `20060102T150405Z`. */
function amzDates(ns: bigint): { date: string; stamp: string } {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  const date = iso.slice(0, 10).replace(/-/g, '');
  return { date, stamp: `${date}T${iso.slice(11, 19).replace(/:/g, '')}Z` };
}

/** HMAC-SHA256. */
function hmacSha256(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** SHA-256 in hex. */
function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The request body bytes: `raw_body` when present, else `body` as JSON, else nothing. */
function bodyOf(req: RegoObject): string {
  const raw = req.get('raw_body');
  if (typeof raw === 'string') return raw;
  const body = req.get('body');
  return body === undefined ? '' : stringifyJson(toJson(body));
}

/** The escaped path as Go's `URL.EscapedPath` gives it: empty when the URL text has no path. */
function escapedPath(text: string, url: URL): string {
  return url.pathname === '/' && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(text) ? '' : url.pathname;
}

/** Signs a request; returns the Authorization header and the AWS headers to add. */
function signV4(
  headers: Map<string, string>,
  method: string,
  url: { text: string; parsed: URL },
  body: string,
  config: { accessKey: string; secretKey: string; sessionToken: string; region: string; service: string },
  ns: bigint,
  unsignedPayload: boolean,
): { authorization: string; awsHeaders: Map<string, string> } {
  const { date, stamp } = amzDates(ns);
  const contentSha = unsignedPayload ? 'UNSIGNED-PAYLOAD' : sha256Hex(body);
  const awsHeaders = new Map<string, string>([
    ['host', url.parsed.host],
    ['x-amz-date', stamp],
  ]);
  // S3 and Glacier need the payload hash header; other services do not.
  if (config.service === 's3' || config.service === 'glacier')
    awsHeaders.set('x-amz-content-sha256', contentSha);
  if (config.sessionToken !== '') awsHeaders.set('x-amz-security-token', config.sessionToken);
  const toSign = new Map(awsHeaders);
  for (const [k, v] of headers) {
    const lower = k.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, v);
  }
  const names = [...toSign.keys()].sort();
  const canonical = [
    method,
    escapedPath(url.text, url.parsed),
    url.parsed.search.replace(/^\?/, ''),
    ...names.map((k) => `${k}:${toSign.get(k)}`),
    '',
    names.join(';'),
    contentSha,
  ].join('\n');
  const scope = `${date}/${config.region}/${config.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonical)].join('\n');
  let key = hmacSha256(`AWS4${config.secretKey}`, date);
  key = hmacSha256(key, config.region);
  key = hmacSha256(key, config.service);
  key = hmacSha256(key, 'aws4_request');
  const signature = hmacSha256(key, stringToSign).toString('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${config.accessKey}/${scope},SignedHeaders=${names.join(';')},Signature=${signature}`;
  return { authorization, awsHeaders };
}

/** The provider builtins. */
export const providerBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'providers.aws.sign_req',
    signature: {
      args: [
        param('request', 'object[string: any]'),
        param('aws_config', 'object[string: any]'),
        param('time_ns', 'number'),
      ],
      result: param('signed_request', 'object[any: any]'),
    },
    description:
      'Signs an HTTP request object for Amazon Web Services. Currently implements AWS Signature Version 4 request signing by the `Authorization` header method.',
    implementation: (args) => {
      const req = objectArg(args, 0);
      requireStringKeys(req, ['method', 'url'], 1, 'request');
      const cfg = objectArg(args, 1);
      const ns = timestampArg(args);
      requireStringKeys(
        cfg,
        ['aws_access_key', 'aws_secret_access_key', 'aws_service', 'aws_region'],
        2,
        'AWS config',
      );
      const disable = cfg.get('disable_payload_signing');
      if (disable !== undefined && typeof disable !== 'boolean')
        typeError("operand 2 invalid value for 'disable_payload_signing' in AWS config");
      const token = cfg.get('aws_session_token');
      const text = req.get('url') as string;
      let url: { text: string; parsed: URL };
      try {
        url = { text, parsed: new URL(text) };
      } catch {
        return typeError('operand 1 invalid URL in request');
      }
      const headers = new Map<string, string>();
      const given = req.get('headers');
      if (given instanceof RegoObject) {
        for (const [k, v] of given.entries())
          if (typeof k === 'string' && typeof v === 'string') headers.set(k, v);
      }
      const { authorization, awsHeaders } = signV4(
        headers,
        req.get('method') as string,
        url,
        bodyOf(req),
        {
          accessKey: cfg.get('aws_access_key') as string,
          secretKey: cfg.get('aws_secret_access_key') as string,
          sessionToken: typeof token === 'string' ? token : '',
          region: cfg.get('aws_region') as string,
          service: cfg.get('aws_service') as string,
        },
        ns,
        disable === true,
      );
      const signed = new RegoObject();
      for (const [k, v] of headers) signed.set(k, v);
      signed.set('Authorization', authorization);
      for (const [k, v] of awsHeaders) signed.set(k, v);
      const out = new RegoObject();
      for (const [k, v] of req.entries()) out.set(k, v);
      out.set('headers', signed);
      return out;
    },
  }),
];
