/**
 * IP networks: net.cidr_contains, cidr_intersects, cidr_is_valid, cidr_expand, cidr_merge,
 * cidr_contains_matches (IPv4 and IPv6, addresses as bigints), and net.lookup_ip_addr (IP
 * addresses answer themselves; host names go to the system resolver only when network calls are
 * enabled, like http.send).
 */
import { num, RegoObject, RegoSet, type Value } from '../value/value';
import { HTTP_SEND_SETTING } from './http-send';
import {
  type BuiltinContext,
  type BuiltinDef,
  BuiltinError,
  builtinError,
  defineBuiltin,
  operandTypeError,
  param,
  stringArg,
} from './registry';
import { lookupSync } from './sync-fetch';

/** How long a host name lookup may take at most. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** net.lookup_ip_addr: an IP address as is, else the resolver's answer when network calls are allowed. */
function lookupIpAddr(name: string, ctx: BuiltinContext): Value {
  if (parseV4(name) !== undefined || parseV6(name) !== undefined) return RegoSet.of([name]);
  if (ctx.allowHttpSend !== true) {
    throw new BuiltinError(
      'eval_builtin_error',
      `resolving host names is disabled: Clearance makes no network calls while deciding unless the setting ${HTTP_SEND_SETTING} is true`,
      true,
    );
  }
  const timeoutMs = Math.max(1, Math.min(LOOKUP_TIMEOUT_MS, ctx.remainingMs?.() ?? LOOKUP_TIMEOUT_MS));
  const found = lookupSync(name, timeoutMs);
  if (!found.ok) return builtinError(`lookup ${name}: ${found.message}`);
  return RegoSet.of(found.addresses);
}

/** A network: first address, prefix length, and family width (32 or 128). */
interface Net {
  addr: bigint;
  bits: number;
  width: number;
}

/** Parses an IPv4 address; undefined if invalid. */
function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    out = (out << 8n) | BigInt(p);
  }
  return out;
}

/** Parses an IPv6 address (with optional embedded IPv4); undefined if invalid. */
function parseV6(s: string): bigint | undefined {
  if (!s.includes(':')) return undefined;
  let text = s;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = `${text.slice(0, lastColon + 1)}x`;
    text = text.endsWith('::x') ? text.slice(0, -1) : text.slice(0, -2);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length + tail.length;
  if (halves.length === 1 && total !== 8) return undefined;
  if (halves.length === 2 && total > 7) return undefined;
  const zeros = halves.length === 2 ? 8 - total : 0;
  const all = [...head, ...new Array<bigint>(zeros).fill(0n), ...rest, ...tail];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses a CIDR ("10.0.0.0/8") or, when `allowIp`, a bare address (a /32 or /128). */
function parseNet(s: string, allowIp: boolean): Net | undefined {
  const slash = s.indexOf('/');
  const ipText = slash < 0 ? s : s.slice(0, slash);
  const v4 = parseV4(ipText);
  const width = v4 !== undefined ? 32 : 128;
  const addr = v4 ?? parseV6(ipText);
  if (addr === undefined) return undefined;
  if (slash < 0) return allowIp ? { addr, bits: width, width } : undefined;
  const prefix = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > width) return undefined;
  const bits = Number(prefix);
  return { addr: addr & mask(bits, width), bits, width };
}

/** The network mask for a prefix length. */
function mask(bits: number, width: number): bigint {
  const all = (1n << BigInt(width)) - 1n;
  return all ^ ((1n << BigInt(width - bits)) - 1n);
}

/** Reads a CIDR operand. */
function netArg(args: Value[], i: number, allowIp: boolean): Net {
  const s = stringArg(args, i);
  const n = parseNet(s, allowIp);
  if (!n) return builtinError(`invalid CIDR address: ${s}`);
  return n;
}

/** True when `inner` lies within `outer`. */
function contains(outer: Net, inner: Net): boolean {
  if (outer.width !== inner.width || inner.bits < outer.bits) return false;
  return (inner.addr & mask(outer.bits, outer.width)) === outer.addr;
}

/** Formats an address. */
function formatAddr(addr: bigint, width: number): string {
  if (width === 32) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((addr >> BigInt(i * 16)) & 0xffffn).toString(16));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Formats a network. */
function formatNet(n: Net): string {
  return `${formatAddr(n.addr, n.width)}/${n.bits}`;
}

/** Merges networks into the fewest covering CIDRs. */
function merge(nets: Net[]): Net[] {
  const out: Net[] = [];
  for (const width of [32, 128]) {
    let list = nets
      .filter((n) => n.width === width)
      .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.bits - b.bits));
    const kept: Net[] = [];
    for (const n of list) {
      const last = kept[kept.length - 1];
      if (last && contains(last, n)) continue;
      kept.push(n);
    }
    list = kept;
    let changed = true;
    while (changed) {
      changed = false;
      const next: Net[] = [];
      for (let i = 0; i < list.length; i++) {
        const a = list[i] as Net;
        const b = list[i + 1];
        if (b && a.bits === b.bits && a.bits > 0) {
          const parentBits = a.bits - 1;
          const parent = a.addr & mask(parentBits, width);
          if (parent === a.addr && (b.addr & mask(parentBits, width)) === parent) {
            next.push({ addr: parent, bits: parentBits, width });
            i++;
            changed = true;
            continue;
          }
        }
        const prev = next[next.length - 1];
        if (prev && contains(prev, a)) {
          changed = true;
          continue;
        }
        next.push(a);
      }
      list = next;
    }
    out.push(...list);
  }
  return out;
}

/** Entries of a cidr_contains_matches operand: [key, address text]. */
function matchEntries(v: Value, pos: number): Array<[Value, string]> {
  const element = (x: Value): string => {
    if (typeof x === 'string') return x;
    if (Array.isArray(x) && typeof x[0] === 'string') return x[0];
    return builtinError(`operand ${pos}: element must be string or non-empty array`);
  };
  if (typeof v === 'string') return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [num(i), element(x)]);
  if (v instanceof RegoSet) return v.values().map((x) => [x, element(x)]);
  if (v instanceof RegoObject) return v.entries().map(([k, x]) => [k, element(x)]);
  return operandTypeError(pos, v, 'string', 'array', 'set', 'object');
}

/** The network builtins. */
export const netBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'net.cidr_contains',
    signature: {
      args: [param('cidr', 'string'), param('cidr_or_ip', 'string')],
      result: param('result', 'boolean'),
    },
    description: 'Checks if a CIDR or IP is contained within another CIDR.',
    implementation: (args) => contains(netArg(args, 0, false), netArg(args, 1, true)),
  }),
  defineBuiltin({
    name: 'net.cidr_intersects',
    signature: {
      args: [param('cidr1', 'string'), param('cidr2', 'string')],
      result: param('result', 'boolean'),
    },
    description: 'Checks if a CIDR intersects with another CIDR.',
    implementation: (args) => {
      const a = netArg(args, 0, false);
      const b = netArg(args, 1, false);
      return contains(a, b) || contains(b, a);
    },
  }),
  defineBuiltin({
    name: 'net.cidr_is_valid',
    signature: { args: [param('cidr', 'string')], result: param('result', 'boolean') },
    description: 'Parses an IPv4/IPv6 CIDR and returns a boolean indicating if the provided CIDR is valid.',
    implementation: ([v]) => typeof v === 'string' && parseNet(v, false) !== undefined,
  }),
  defineBuiltin({
    name: 'net.cidr_expand',
    signature: { args: [param('cidr', 'string')], result: param('hosts', 'set[string]') },
    description:
      'Expands CIDR to set of hosts (e.g., "192.168.0.0/30" to {"192.168.0.0", ..., "192.168.0.3"}).',
    implementation: (args, ctx) => {
      const n = netArg(args, 0, false);
      const size = 1n << BigInt(n.width - n.bits);
      if (size > 16_777_216n) builtinError('CIDR too large to expand');
      ctx.charge(Number(size));
      const out = new RegoSet();
      for (let i = 0n; i < size; i++) out.add(formatAddr(n.addr + i, n.width));
      return out;
    },
  }),
  defineBuiltin({
    name: 'net.cidr_merge',
    signature: {
      args: [param('addrs', 'any<array[string], set[string]>')],
      result: param('output', 'set[string]'),
    },
    description: 'Merges IP addresses and subnets into the smallest possible list of CIDRs.',
    implementation: ([v]) => {
      const items = Array.isArray(v)
        ? v
        : v instanceof RegoSet
          ? v.values()
          : operandTypeError(1, v ?? null, 'array', 'set');
      const nets = items.map((x) => {
        if (typeof x !== 'string') return operandTypeError(1, x, 'string');
        const n = parseNet(x, true) ?? builtinError(`invalid CIDR address: ${x}`);
        if (x.includes('/')) return n;
        if (n.width === 128) return builtinError('IPv6 invalid: needs prefix length');
        // Like Go's IP.DefaultMask: a bare IPv4 address stands for its classful network.
        const first = Number(n.addr >> 24n);
        const bits = first < 128 ? 8 : first < 192 ? 16 : 24;
        return { addr: n.addr & mask(bits, 32), bits, width: 32 };
      });
      return RegoSet.of(merge(nets).map(formatNet));
    },
  }),
  defineBuiltin({
    name: 'net.cidr_contains_matches',
    signature: {
      args: [param('cidrs', 'any'), param('cidrs_or_ips', 'any')],
      result: param('output', 'set[array<any, any>]'),
    },
    description: 'Checks if collections of cidrs or ips are contained within another collection of cidrs.',
    implementation: ([a, b]) => {
      const cidrs = matchEntries(a ?? null, 1).map(
        ([k, s]) => [k, parseNet(s, true) ?? builtinError(`invalid CIDR address: ${s}`)] as const,
      );
      const addrs = matchEntries(b ?? null, 2).map(
        ([k, s]) => [k, parseNet(s, true) ?? builtinError(`invalid CIDR address: ${s}`)] as const,
      );
      const out = new RegoSet();
      for (const [ck, c] of cidrs) for (const [ak, x] of addrs) if (contains(c, x)) out.add([ck, ak]);
      return out;
    },
  }),
  defineBuiltin({
    name: 'net.lookup_ip_addr',
    nondeterministic: true,
    signature: { args: [param('name', 'string')], result: param('addrs', 'set[string]') },
    description: `Returns the set of IP addresses (both v4 and v6) that the passed-in \`name\` resolves to using the standard name resolution mechanisms available. An IP address is returned as is; host names are resolved only when the setting \`${HTTP_SEND_SETTING}\` is true.`,
    implementation: (args, ctx) => lookupIpAddr(stringArg(args, 0), ctx),
  }),
];
