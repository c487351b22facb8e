/**
 * Mints demo identities for the sample workspace and for tests: a fresh RS256 key pair, its public
 * half as `jwks.json`, and one signed token per user. The private key exists only in memory (it is
 * generated non-extractable) and is never written or printed.
 *
 *   npx tsx scripts/mint-demo-identity.ts [--out DIR] [--ttl 10y]
 *     [--sub alice --email alice@example.com --name 'Alice Example' --role developer] [--sub bob ...]
 *
 * Each --sub starts a user; the --email/--name/--role after it describe that user. With no --sub,
 * alice (developer) and bob (admin) are minted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type KeySetJson, loadJose } from '../server/src/identity/jose';

/** One user to mint a token for; `sub` also names the token file, so it must be a plain file name. */
export interface DemoUser {
  sub: string;
  email?: string;
  name?: string;
  role?: string;
}

/** What to mint; only `users` is required. */
export interface MintOptions {
  users: DemoUser[];
  /** Writes `jwks.json` and `<sub>.jwt` here when set. */
  outDir?: string;
  /** Token lifetime in seconds; default 15 minutes, suited to tests. */
  ttlSeconds?: number;
  /** Clock for `iat`/`exp`, epoch milliseconds; default now. */
  nowMs?: number;
  /** `iss`; default https://id.example.com. */
  issuer?: string;
  /** `aud`; default clearance-demo. */
  audience?: string;
}

/** The public key set and the tokens by `sub`. */
export interface MintedIdentities {
  jwks: KeySetJson;
  tokens: Record<string, string>;
}

/** Issuer of demo tokens. */
export const DEMO_ISSUER = 'https://id.example.com';
/** Audience of demo tokens. */
export const DEMO_AUDIENCE = 'clearance-demo';

const DEFAULT_USERS: DemoUser[] = [
  { sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' },
  { sub: 'bob', email: 'bob@example.com', name: 'Bob Example', role: 'admin' },
];
const SAFE_SUB = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, y: 31_557_600 };

/** Generates a key pair and signs one token per user with it; rejects a `sub` unfit for a file name. */
export async function mintDemoIdentity(options: MintOptions): Promise<MintedIdentities> {
  for (const user of options.users) {
    if (!SAFE_SUB.test(user.sub))
      throw new Error(`sub "${user.sub}" must be letters, digits, '.', '_' or '-'`);
  }
  const jose = await loadJose();
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { modulusLength: 2048 });
  const publicJwk = await jose.exportJWK(publicKey);
  const kid = `demo-${(await jose.calculateJwkThumbprint(publicJwk)).slice(0, 16)}`;
  const jwks: KeySetJson = { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] };

  const iat = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const exp = iat + Math.floor(options.ttlSeconds ?? 15 * 60);
  const tokens: Record<string, string> = {};
  for (const user of options.users) {
    const role = user.role ?? 'developer';
    const claims = {
      email: user.email ?? `${user.sub}@example.com`,
      name: user.name ?? user.sub,
      role,
      roles: [role],
      demo: true,
    };
    tokens[user.sub] = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? DEMO_ISSUER)
      .setAudience(options.audience ?? DEMO_AUDIENCE)
      .setSubject(user.sub)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(privateKey);
  }

  if (options.outDir !== undefined) {
    await mkdir(options.outDir, { recursive: true });
    await writeFile(join(options.outDir, 'jwks.json'), `${JSON.stringify(jwks, null, 2)}\n`);
    for (const [sub, token] of Object.entries(tokens)) {
      await writeFile(join(options.outDir, `${sub}.jwt`), `${token}\n`);
    }
  }
  return { jwks, tokens };
}

/** Parses a lifetime such as `15m`, `10y` or `3600` (seconds); undefined when it is not one. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+)([smhdy]?)$/.exec(text.trim());
  if (match === null) return undefined;
  const seconds = Number(match[1]) * (TTL_UNITS[match[2] || 's'] ?? 1);
  return seconds > 0 ? seconds : undefined;
}

/** Reads the command line into mint options; returns an error message for bad arguments. */
export function parseMintArgs(args: string[]): { options: MintOptions } | { error: string } {
  let parsed: ReturnType<typeof parseMintTokens>;
  try {
    parsed = parseMintTokens(args);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const users: DemoUser[] = [];
  let ttlSeconds = parseTtl('10y');
  let outDir = resolve(__dirname, '../examples/shop/identity');
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    const { name, value } = token;
    if (name === 'out') outDir = resolve(value);
    else if (name === 'ttl') ttlSeconds = parseTtl(value);
    else if (name === 'sub') users.push({ sub: value });
    else {
      const current = users.at(-1);
      if (current === undefined) return { error: `--${name} must follow a --sub` };
      if (name === 'email') current.email = value;
      else if (name === 'name') current.name = value;
      else if (name === 'role') current.role = value;
    }
  }
  if (ttlSeconds === undefined) return { error: '--ttl must look like 15m, 12h, 30d or 10y' };
  return { options: { users: users.length > 0 ? users : DEFAULT_USERS, outDir, ttlSeconds } };
}

function parseMintTokens(args: string[]) {
  const text = { type: 'string', multiple: true } as const;
  return parseArgs({
    args,
    tokens: true,
    options: { out: text, ttl: text, sub: text, email: text, name: text, role: text },
  });
}

const usage = `Usage: npx tsx scripts/mint-demo-identity.ts [--out DIR] [--ttl 10y]
         [--sub alice --email alice@example.com --name 'Alice Example' --role developer] [--sub bob ...]

Mints demo identities: a fresh RS256 key pair, its public half as DIR/jwks.json, and one signed token
per --sub as DIR/<sub>.jwt. The private key is never written. With no --sub, alice (developer) and bob
(admin) are minted. Defaults: --out examples/shop/identity, --ttl 10y (15m, 12h, 30d, 10y).
`;

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  const parsed = parseMintArgs(process.argv.slice(2));
  if ('error' in parsed) {
    process.stderr.write(`mint-demo-identity: ${parsed.error}\n`);
    return 2;
  }
  const { options } = parsed;
  const outDir = options.outDir ?? '.';
  const shown = relative(process.cwd(), outDir) || '.';
  try {
    const { jwks, tokens } = await mintDemoIdentity(options);
    const kid = jwks.keys[0]?.kid ?? '';
    const expires = new Date((Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 0)) * 1000);
    process.stdout.write(`wrote ${join(shown, 'jwks.json')} (public key, kid ${kid})\n`);
    for (const sub of Object.keys(tokens)) {
      process.stdout.write(
        `wrote ${join(shown, `${sub}.jwt`)} (demo token, expires ${expires.toISOString()})\n`,
      );
    }
    return 0;
  } catch (error) {
    process.stderr.write(`mint-demo-identity: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  });
}
