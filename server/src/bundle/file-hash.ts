/**
 * The digests OPA signs a bundle's files with. Policy and wasm files are hashed as bytes; the
 * structured files (`data.json`, `data.yaml`, `.manifest`) as their JSON value, written compactly
 * with object keys in byte order and numbers exactly as written, so whitespace and key order do
 * not change the digest (OPA's `bundle/hash.go`).
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';

/** The hash algorithms OPA's `.signatures.json` may name per file, by OPA's spelling. */
export const hashAlgorithms: Readonly<Record<string, string>> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-224': 'sha224',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

/** Whether OPA hashes `path` as a JSON value rather than as bytes. */
export function isStructuredFile(path: string): boolean {
  const base = path.split('/').pop() ?? '';
  return ['data.json', 'data.yaml', 'data.yml', '.manifest', '.signatures.json'].includes(base);
}

/** The hex digest of a bundle file as OPA computes it for signatures. Throws on malformed JSON/YAML. */
export function hashBundleFile(path: string, content: Uint8Array, algorithm = 'SHA-256'): string {
  const name = hashAlgorithms[algorithm];
  if (!name) throw new Error(`unsupported hashing algorithm: ${algorithm}`);
  const hash = createHash(name);
  if (!isStructuredFile(path)) hash.update(content);
  else {
    const text = Buffer.from(content).toString('utf8');
    const value: Node = /\.ya?ml$/.test(path)
      ? fromPlain(parseYaml(text) ?? null)
      : parseJsonKeepingNumbers(text);
    hash.update(canonical(value), 'utf8');
  }
  return hash.digest('hex');
}

/** A JSON value whose numbers keep their literal text. */
type Node = null | boolean | string | { num: string } | Node[] | { obj: Map<string, Node> };

function canonical(v: Node): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return encodeString(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if ('num' in v) return v.num;
  const keys = [...v.obj.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${encodeString(k)}:${canonical(v.obj.get(k) as Node)}`).join(',')}}`;
}

/** A string as Go's encoder writes it without HTML escaping (it also escapes U+2028 and U+2029). */
function encodeString(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function fromPlain(v: unknown): Node {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return { num: JSON.stringify(v) };
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    return { obj: new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromPlain(x)])) };
  }
  return String(v);
}

/** Parses JSON text, keeping each number's literal (Go's `UseNumber`). Throws `SyntaxError`. */
export function parseJsonKeepingNumbers(text: string): Node {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const value = (depth: number): Node => {
    if (depth > 1000) fail('nested too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = new Map<string, Node>();
      ws();
      if (text[i] === '}') {
        i++;
        return { obj };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const key = str();
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        obj.set(key, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { obj };
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: Node[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return arr;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return { num: m[0] };
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail('unexpected text after the value');
  return result;
}
