/**
 * Encodings and casts: json.* (marshal, unmarshal, is_valid, marshal_with_options), yaml.*,
 * base64, base64url, hex, urlquery, to_number. JSON numbers are read exactly.
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { numberFromJs, parseNumber, RegoNumber } from '../value/number';
import { formatJsonValue, RegoObject, RegoSet, toJson, type Value } from '../value/value';
import {
  type BuiltinDef,
  builtinError,
  chargeSerialised,
  defineBuiltin,
  objectArg,
  operandTypeError,
  param,
  stringArg,
  typeError,
} from './registry';

/** Parses JSON text into a Rego value, keeping numbers exact; undefined when the text is invalid. */
export function parseJsonExact(text: string): Value | undefined {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxError('invalid JSON');
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const value = (): Value => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o = new RegoObject();
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = str();
        ws();
        if (text[i++] !== ':') fail();
        o.set(k, value());
        ws();
        const d = text[i++];
        if (d === '}') return o;
        if (d !== ',') fail();
      }
    }
    if (c === '[') {
      i++;
      const a: Value[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return a;
        if (d !== ',') fail();
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) return fail();
    i += m[0].length;
    return parseNumber(m[0]) ?? fail();
  };
  const str = (): string => {
    // Scan to the closing quote, rejecting raw control characters as JSON does.
    let j = i + 1;
    while (j < text.length && text[j] !== '"') {
      const code = text.charCodeAt(j);
      if (code < 0x20) return fail();
      j += text[j] === '\\' ? 2 : 1;
    }
    if (j >= text.length) return fail();
    const raw = text.slice(i, j + 1);
    i = j + 1;
    return JSON.parse(raw) as string;
  };
  try {
    const v = value();
    ws();
    return i === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Converts YAML-parsed JavaScript data to a Rego value. */
function fromPlain(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'boolean' || typeof x === 'string') return x;
  if (typeof x === 'number') return numberFromJs(x);
  if (typeof x === 'bigint') return new RegoNumber(x, 0);
  if (Array.isArray(x)) return x.map(fromPlain);
  if (x instanceof Map)
    return RegoObject.of([...x].map(([k, v]) => [fromPlain(k), fromPlain(v)] as [Value, Value]));
  if (x instanceof Set) return RegoSet.of([...x].map(fromPlain));
  return RegoObject.of(
    Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, fromPlain(v)] as [Value, Value]),
  );
}

/** UTF-8 bytes of a string. */
function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Decodes bytes as UTF-8 (invalid sequences become U+FFFD, as Go's string conversion keeps bytes). */
function text(b: Buffer): string {
  return b.toString('utf8');
}

/** Strict standard base64 check (with padding). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's url.QueryEscape. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/~/g, '~');
}

/** Go's url.QueryUnescape. */
function queryUnescape(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return builtinError(`invalid URL escape "${s}"`);
  }
}

/** JSON text of a value with sets as arrays and keys sorted (Go's json.Marshal of OPA values). */
function marshal(v: Value): string {
  return formatJsonValue(v);
}

/** The encoding builtins. */
export const encodingBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'json.marshal',
    signature: { args: [param('x', 'any')], result: param('y', 'string') },
    description: 'Serializes the input term to JSON.',
    implementation: ([x], ctx) => {
      chargeSerialised(ctx, x ?? null);
      return marshal(x ?? null);
    },
  }),
  defineBuiltin({
    name: 'json.marshal_with_options',
    signature: {
      args: [param('x', 'any'), param('opts', 'object[string: any]')],
      result: param('y', 'string'),
    },
    description: 'Serializes the input term to JSON, with pretty-printing options (prefix, indent).',
    implementation: (args, ctx) => {
      const opts = objectArg(args, 1);
      chargeSerialised(ctx, args[0] ?? null);
      const pretty = opts.get('pretty');
      const indent = opts.get('indent');
      const prefix = opts.get('prefix');
      const plain = marshal(args[0] ?? null);
      if (pretty === false || (pretty === undefined && indent === undefined && prefix === undefined))
        return plain;
      const ind = typeof indent === 'string' ? indent : '\t';
      const pre = typeof prefix === 'string' ? prefix : '';
      const out = JSON.stringify(JSON.parse(plain), null, ind);
      return out
        .split('\n')
        .map((l) => pre + l)
        .join('\n');
    },
  }),
  defineBuiltin({
    name: 'json.unmarshal',
    signature: { args: [param('x', 'string')], result: param('y', 'any') },
    description: 'Deserializes the input string.',
    implementation: (args) => {
      const s = stringArg(args, 0);
      const v = parseJsonExact(s);
      if (v === undefined) builtinError('invalid character in JSON input');
      return v;
    },
  }),
  defineBuiltin({
    name: 'json.is_valid',
    signature: { args: [param('x', 'string')], result: param('result', 'boolean') },
    description: 'Verifies the input string is a valid JSON document.',
    implementation: ([x]) => (typeof x === 'string' ? parseJsonExact(x) !== undefined : false),
  }),
  defineBuiltin({
    name: 'yaml.marshal',
    signature: { args: [param('x', 'any')], result: param('y', 'string') },
    description: 'Serializes the input term to YAML.',
    implementation: ([x], ctx) =>
      chargeSerialised(ctx, x ?? null) ??
      stringifyYaml(toJson(x ?? null), (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
  }),
  defineBuiltin({
    name: 'yaml.unmarshal',
    signature: { args: [param('x', 'string')], result: param('y', 'any') },
    description: 'Deserializes the input string.',
    implementation: (args) => {
      const s = stringArg(args, 0);
      try {
        return fromPlain(parseYaml(s, { intAsBigInt: true, uniqueKeys: false }));
      } catch (e) {
        return builtinError(
          `yaml: line 1: did not find expected node content (${e instanceof Error ? e.message.split('\n')[0] : ''})`,
        );
      }
    },
  }),
  defineBuiltin({
    name: 'yaml.is_valid',
    signature: { args: [param('x', 'string')], result: param('result', 'boolean') },
    description: 'Verifies the input string is a valid YAML document.',
    implementation: ([x]) => {
      if (typeof x !== 'string') return false;
      try {
        parseYaml(x);
        return true;
      } catch {
        return false;
      }
    },
  }),
  defineBuiltin({
    name: 'base64.encode',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Serializes the input string into base64 encoding.',
    implementation: (args) => utf8(stringArg(args, 0)).toString('base64'),
  }),
  defineBuiltin({
    name: 'base64.decode',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Deserializes the base64 encoded input string.',
    implementation: (args) => {
      const s = stringArg(args, 0);
      if (!BASE64.test(s)) builtinError('illegal base64 data at input byte 0');
      return text(Buffer.from(s, 'base64'));
    },
  }),
  defineBuiltin({
    name: 'base64.is_valid',
    signature: { args: [param('x', 'string')], result: param('result', 'boolean') },
    description: 'Verifies the input string is base64 encoded.',
    implementation: (args) => BASE64.test(stringArg(args, 0)),
  }),
  defineBuiltin({
    name: 'base64url.encode',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Serializes the input string into base64url encoding (with padding).',
    implementation: (args) =>
      utf8(stringArg(args, 0)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
  }),
  defineBuiltin({
    name: 'base64url.encode_no_pad',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Serializes the input string into base64url encoding without padding.',
    implementation: (args) => utf8(stringArg(args, 0)).toString('base64url'),
  }),
  defineBuiltin({
    name: 'base64url.decode',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Deserializes the base64url encoded input string (padding optional).',
    implementation: (args) => {
      const s = stringArg(args, 0);
      if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s) || s.replace(/=+$/, '').length % 4 === 1) {
        builtinError('illegal base64 data at input byte 0');
      }
      return text(Buffer.from(s, 'base64url'));
    },
  }),
  defineBuiltin({
    name: 'hex.encode',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Serializes the input string using hex-encoding.',
    implementation: (args) => utf8(stringArg(args, 0)).toString('hex'),
  }),
  defineBuiltin({
    name: 'hex.decode',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Deserializes the hex-encoded input string.',
    implementation: (args) => {
      const s = stringArg(args, 0);
      const bad = /[^0-9a-fA-F]/.exec(s);
      if (bad)
        builtinError(
          `encoding/hex: invalid byte: U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${bad[0]}'`,
        );
      if (s.length % 2 === 1) builtinError('encoding/hex: odd length hex string');
      return text(Buffer.from(s, 'hex'));
    },
  }),
  defineBuiltin({
    name: 'urlquery.encode',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Encodes the input string into a URL-encoded string.',
    implementation: (args) => queryEscape(stringArg(args, 0)),
  }),
  defineBuiltin({
    name: 'urlquery.decode',
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: 'Decodes a URL-encoded input string.',
    implementation: (args) => queryUnescape(stringArg(args, 0)),
  }),
  defineBuiltin({
    name: 'urlquery.encode_object',
    signature: {
      args: [param('object', 'object[string: any<string, array[string], set[string]>]')],
      result: param('y', 'string'),
    },
    description: 'Encodes the given object into a URL encoded query string.',
    implementation: (args) => {
      const parts: string[] = [];
      for (const [k, v] of objectArg(args, 0).entries()) {
        if (typeof k !== 'string') operandTypeError(1, k, 'string');
        const vals =
          typeof v === 'string' ? [v] : Array.isArray(v) ? v : v instanceof RegoSet ? v.values() : [v];
        for (const x of vals) {
          if (typeof x !== 'string') operandTypeError(1, x, 'string');
          parts.push(`${queryEscape(k)}=${queryEscape(x)}`);
        }
      }
      return parts.join('&');
    },
  }),
  defineBuiltin({
    name: 'urlquery.decode_object',
    signature: { args: [param('x', 'string')], result: param('object', 'object[string: array[string]]') },
    description: 'Decodes the given URL query string into an object.',
    implementation: (args) => {
      const out = new Map<string, Value[]>();
      for (const part of stringArg(args, 0).split(/[&;]/)) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        const k = queryUnescape(eq < 0 ? part : part.slice(0, eq));
        const v = eq < 0 ? '' : queryUnescape(part.slice(eq + 1));
        const list = out.get(k) ?? [];
        list.push(v);
        out.set(k, list);
      }
      return RegoObject.of([...out].map(([k, v]) => [k, v] as [Value, Value]));
    },
  }),
  defineBuiltin({
    name: 'to_number',
    signature: { args: [param('x', 'any<null, boolean, number, string>')], result: param('num', 'number') },
    description: 'Converts a string, bool, or number value to a number (null is 0).',
    implementation: ([x]) => {
      const v = x ?? null;
      if (v === null) return numberFromJs(0);
      if (typeof v === 'boolean') return numberFromJs(v ? 1 : 0);
      if (v instanceof RegoNumber) return v;
      if (typeof v === 'string') {
        if (/^[+-]?(inf|infinity|nan)$/i.test(v)) typeError(`invalid number ${JSON.stringify(v)}`);
        const n = parseNumber(v);
        if (!n || /^\s|\s$/.test(v))
          builtinError(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
        return n;
      }
      return operandTypeError(1, v, 'null', 'boolean', 'number', 'string');
    },
  }),
];
