/**
 * The set-up most LSP tests share: a temporary copy of examples/shop with a freshly minted token
 * and key set for alice in its `identity/`, extra files written into it, and the built server
 * started on it for a suite (optionally under a forced analysis deadline or other environment variables), stopped and removed
 * after the suite.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { startServer, type TestServer } from './lsp-client';

/** The sample workspace the tests copy. */
export const shopExample = join(__dirname, '..', '..', 'examples', 'shop');

/** How a test's copy of the shop is made. */
export interface ShopWorkspaceOptions {
  /** The temporary folder's name prefix, e.g. `clearance-perm-`. */
  prefix: string;
  /** Files written into the copy, by path relative to its root (given the root, when they name it). */
  files?: Record<string, string> | ((root: string) => Record<string, string>);
  /** False: the copy has no `policy/` folder. */
  withPolicy?: boolean;
  /** False: the copy has no `src/` folder (the test's `files` are its only source files). */
  withSource?: boolean;
  /** The token's lifetime (mintDemoIdentity's default, 15 minutes, when absent). */
  ttlSeconds?: number;
  /** Alice's display name claim, when the test's identity has one. */
  name?: string;
}

/** A copy of examples/shop with alice's fresh token and key set in `identity/`; returns its root and the token. */
export async function makeShopWorkspace(
  options: ShopWorkspaceOptions,
): Promise<{ root: string; token: string }> {
  const root = mkdtempSync(join(tmpdir(), options.prefix));
  cpSync(shopExample, root, { recursive: true });
  if (options.withPolicy === false) rmSync(join(root, 'policy'), { recursive: true });
  if (options.withSource === false) rmSync(join(root, 'src'), { recursive: true });
  const minted = await mintDemoIdentity({
    outDir: join(root, 'identity'),
    ...(options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds }),
    users: [
      {
        sub: 'alice',
        email: 'alice@example.com',
        ...(options.name === undefined ? {} : { name: options.name }),
        role: 'developer',
      },
    ],
  });
  const files = typeof options.files === 'function' ? options.files(root) : (options.files ?? {});
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return { root, token: minted.tokens.alice as string };
}

/** A suite's shop workspace and the server on it; filled in before the suite's tests run. */
export interface ShopSuite {
  root: string;
  token: string;
  server: TestServer;
}

/** How a suite's server is started on its shop workspace. */
export interface ShopServerOptions extends ShopWorkspaceOptions {
  /** The `clearance` settings (given the root, when they name it). */
  settings: Record<string, unknown> | ((root: string) => Record<string, unknown>);
  /** Sent as the editor's client sends them (e.g. `workspaceTrusted`, `richHovers`). */
  initializationOptions?: Record<string, unknown>;
  /** `CLEARANCE_ANALYSIS_DEADLINE_MS` for this server (restored after the suite). */
  deadlineMs?: number;
  /** More environment variables for this server, e.g. `CLEARANCE_SCAN_WORKERS` (restored after the suite). */
  env?: Record<string, string>;
}

/**
 * Registers the suite's `before` (make the workspace, start the server) and `after` (stop it,
 * remove the workspace); call it inside `describe`. The returned object is filled in by `before`.
 */
export function useShopServer(options: ShopServerOptions): ShopSuite {
  const suite = {} as ShopSuite;
  const env: Record<string, string> = { ...options.env };
  if (options.deadlineMs !== undefined) env.CLEARANCE_ANALYSIS_DEADLINE_MS = String(options.deadlineMs);
  const saved = Object.keys(env).map((name) => [name, process.env[name]] as const);
  before(async () => {
    Object.assign(suite, await makeShopWorkspace(options));
    Object.assign(process.env, env);
    const settings = typeof options.settings === 'function' ? options.settings(suite.root) : options.settings;
    suite.server = await startServer(suite.root, settings, options.initializationOptions);
  });
  after(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await suite.server?.stop();
    if (suite.root) rmSync(suite.root, { recursive: true, force: true });
  });
  return suite;
}
