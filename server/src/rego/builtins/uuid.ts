/** UUIDs: uuid.rfc4122 (random version 4, stable per key within a query) and uuid.parse. */
import { randomUUID } from 'node:crypto';
import { numberFromBigInt } from '../value/number';
import { num, RegoObject, type Value } from '../value/value';
import { type BuiltinDef, defineBuiltin, param, stringArg } from './registry';

/** 100-nanosecond intervals between the Gregorian reform (1582-10-15) and the Unix epoch. */
const GREGORIAN_OFFSET = 0x01b21dd213814000n;

/** The 16 bytes of a UUID in any of its usual spellings, or undefined. */
function uuidBytes(s: string): number[] | undefined {
  let t = s;
  if (/^urn:uuid:/i.test(t)) t = t.slice(9);
  else if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  let hex: string;
  if (t.length === 36) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)) return undefined;
    hex = t.replace(/-/g, '');
  } else if (t.length === 32 && /^[0-9a-f]{32}$/i.test(t)) {
    hex = t;
  } else return undefined;
  const out: number[] = [];
  for (let i = 0; i < 32; i += 2) out.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** The variant name Go's uuid package gives. */
function variantName(b: number): string {
  if ((b & 0x80) === 0) return 'Reserved, NCS backward compatibility.';
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Reserved, Microsoft Corporation backward compatibility.';
  return 'Reserved for future definition.';
}

/** The UUID builtins. */
export const uuidBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'uuid.rfc4122',
    nondeterministic: true,
    signature: { args: [param('k', 'string')], result: param('output', 'string') },
    description: 'Returns a new UUIDv4, the same for the same `k` within one evaluation.',
    implementation: (args, ctx) => {
      const key = `uuid.rfc4122/${stringArg(args, 0)}`;
      const cached = ctx.cache.get(key);
      if (cached !== undefined) return cached;
      const v = randomUUID();
      ctx.cache.set(key, v);
      return v;
    },
  }),
  defineBuiltin({
    name: 'uuid.parse',
    signature: { args: [param('uuid', 'string')], result: param('result', 'object[string: any]') },
    description:
      'Parses the string value as a UUID and returns an object with the well-defined fields of the UUID if valid.',
    implementation: (args) => {
      const b = uuidBytes(stringArg(args, 0));
      if (!b) return undefined;
      const byte = (i: number) => b[i] as number;
      const version = byte(6) >> 4;
      const variant = variantName(byte(8));
      const pairs: Array<[Value, Value]> = [
        ['variant', variant],
        ['version', num(version)],
      ];
      if (variant === 'RFC4122' && (version === 1 || version === 2)) {
        const u16 = (i: number) => BigInt((byte(i) << 8) | byte(i + 1));
        const low = BigInt(((byte(0) << 24) >>> 0) + (byte(1) << 16) + (byte(2) << 8) + byte(3));
        const t = low | (u16(4) << 32n) | ((u16(6) & 0xfffn) << 48n);
        pairs.push(['time', numberFromBigInt((t - GREGORIAN_OFFSET) * 100n)]);
        pairs.push(['clocksequence', num(((byte(8) << 8) | byte(9)) & 0x3fff)]);
        pairs.push([
          'nodeid',
          b
            .slice(10)
            .map((x) => x.toString(16).padStart(2, '0'))
            .join('-'),
        ]);
        const local = (byte(10) & 0x02) !== 0 ? 'local' : 'global';
        const cast = (byte(10) & 0x01) !== 0 ? 'multicast' : 'unicast';
        pairs.push(['macvariables', `${local}:${cast}`]);
        if (version === 2) {
          const domains = ['Person', 'Group', 'Org'];
          pairs.push(['domain', domains[byte(9)] ?? `Domain${byte(9)}`]);
          pairs.push(['id', num(((byte(0) << 24) >>> 0) + (byte(1) << 16) + (byte(2) << 8) + byte(3))]);
        }
      }
      return RegoObject.of(pairs);
    },
  }),
];
