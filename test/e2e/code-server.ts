/**
 * code-server for the end-to-end tests: started on a free 127.0.0.1 port with fresh user data and
 * extensions folders and the extension installed, in its own process group, which is killed when it
 * is stopped or when the test process ends without stopping it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  buildCodeServerEnv,
  buildInstallArgs,
  buildServeArgs,
  codeServerEntry,
  makeStateDirs,
  quietUserSettings,
} from '../../scripts/code-server.cjs';

const execFileAsync = promisify(execFile);

// Over the shared quiet settings: no experiments, git or chat prompts, a plain editor, and hovers quick. No auto
// save (on by default in the browser): a test that types into a file decides whether it is written.
const testUserSettings: Record<string, unknown> = {
  ...quietUserSettings,
  'files.autoSave': 'off',
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'editor.hover.delay': 150,
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
};

/** How to start code-server: the extension to install (a .vsix or an unpacked folder) and the folder to open. */
export interface CodeServerOptions {
  /** A packaged extension, installed with `--install-extension`. */
  vsix?: string;
  /** An unpacked extension folder (holding its package.json), copied into the extensions dir. */
  extensionDir?: string;
  /** Absolute path of the folder to open. */
  workspace: string;
  /** User settings merged over the harness's quiet defaults. */
  userSettings?: Record<string, unknown>;
  /** Keep Workspace Trust on (default false: started with --disable-workspace-trust). */
  trust?: boolean;
  /** How long to wait for the HTTP port to answer, in ms. */
  startTimeoutMs?: number;
}

/** A running code-server and how to reach and stop it. */
export interface CodeServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** URL that opens the workspace folder. */
  workspaceUrl: string;
  /** Temporary directory holding the user data, extensions and logs. */
  stateDir: string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Copies VS Code's logs (server, extension host, output channels) into a folder, for a failed run. */
  collectLogs(destination: string): void;
  /**
   * The text of VS Code's log files whose name matches (e.g. `Clearance.log`, the extension's output
   * channel, which holds what the language server logs): what the server said it did, for a test to
   * wait for instead of a pause.
   */
  readLogs(name: RegExp): string;
  /** Stops code-server's whole process group and removes its temporary directory. */
  stop(): Promise<void>;
}

/** Finds a free TCP port on 127.0.0.1. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Installs an extension into an extensions dir: a .vsix through code-server's CLI, a folder by copying it. */
export async function installExtension(
  extensionsDir: string,
  userDataDir: string,
  source: { vsix?: string; extensionDir?: string },
  env: NodeJS.ProcessEnv = buildCodeServerEnv(userDataDir),
): Promise<void> {
  if (source.vsix) {
    await execFileAsync(
      process.execPath,
      buildInstallArgs({ userDataDir, extensionsDir }, resolve(source.vsix)),
      {
        env,
        timeout: 60_000,
      },
    );
    return;
  }
  if (source.extensionDir) {
    const manifest = JSON.parse(readFileSync(join(source.extensionDir, 'package.json'), 'utf8')) as {
      publisher: string;
      name: string;
      version: string;
    };
    const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    cpSync(source.extensionDir, target, { recursive: true, dereference: true });
  }
}

// Groups of the code-servers still running, killed if this process exits without stopping them (a failed
// hook, an uncaught error, Ctrl+C on the test runner).
const runningGroups = new Set<number>();

/** Kills every code-server group still running; safe to call from an exit handler (synchronous). */
function killRunningGroups(): void {
  for (const pid of runningGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  runningGroups.clear();
}

process.once('exit', killRunningGroups);
// A signal ends the process without running exit handlers: clean up first, then re-raise it (which ends the
// process unless another listener, such as Playwright's, handles it).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killRunningGroups();
    process.kill(process.pid, signal);
  });
}

/** Sends a signal to a whole process group, ignoring one that is already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group has already exited.
  }
}

/** Waits until a process has exited, or the timeout passes; says whether it exited. */
async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/** Polls the HTTP port until code-server answers, failing early if it exits. */
async function waitForHttp(baseUrl: string, child: ChildProcess, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `code-server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on ${baseUrl} within ${timeoutMs} ms:\n${output()}`);
}

/** Starts code-server on a free 127.0.0.1 port with fresh user data and extensions dirs and the extension installed. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed at ${codeServerEntry}: run \`npm run setup\` first`);
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'clearance-e2e-'));
  const dirs = makeStateDirs(stateDir);
  const { userDataDir, extensionsDir } = dirs;
  const settings = {
    ...testUserSettings,
    'security.workspace.trust.enabled': options.trust ?? false,
    ...options.userSettings,
  };
  writeFileSync(dirs.settingsFile, JSON.stringify(settings, null, 2));
  const env = buildCodeServerEnv(stateDir);
  try {
    await installExtension(extensionsDir, userDataDir, options, env);
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }

  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = [...buildServeArgs(dirs, port), '--ignore-last-opened'];
  if (!options.trust) args.push('--disable-workspace-trust');
  args.push(options.workspace);

  // Its own process group, so that stopping it also stops the extension host and language servers it forks.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) runningGroups.add(child.pid);
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const output = () => printed;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    signalGroup(child, 'SIGTERM');
    if (!(await waitForExit(child, 5_000))) signalGroup(child, 'SIGKILL');
    // Children can outlive the leader by a moment; a last SIGKILL to the group leaves none behind.
    await new Promise((r) => setTimeout(r, 200));
    signalGroup(child, 'SIGKILL');
    await waitForExit(child, 2_000);
    if (child.pid !== undefined) runningGroups.delete(child.pid);
    rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    await waitForHttp(baseUrl, child, options.startTimeoutMs ?? 60_000, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl,
    workspaceUrl: `${baseUrl}/?folder=${encodeURIComponent(options.workspace)}`,
    stateDir,
    output,
    collectLogs: (destination: string) => {
      rmSync(destination, { recursive: true, force: true });
      mkdirSync(destination, { recursive: true });
      writeFileSync(join(destination, 'code-server.out.log'), printed);
      const logsDir = join(userDataDir, 'logs');
      if (existsSync(logsDir)) cpSync(logsDir, destination, { recursive: true });
    },
    readLogs: (name: RegExp) => {
      const logsDir = join(userDataDir, 'logs');
      if (!existsSync(logsDir)) return '';
      const files = readdirSync(logsDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
        name.test(file.split(/[\\/]/).pop() ?? ''),
      );
      return files
        .sort()
        .map((file) => {
          try {
            return readFileSync(join(logsDir, file), 'utf8');
          } catch {
            // A folder of that name, or a file rotated away meanwhile.
            return '';
          }
        })
        .join('\n');
    },
    stop,
  };
}
