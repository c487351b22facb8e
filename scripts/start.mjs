// The README's run command (`npm start`): packages the extension, starts the code-server installed by
// `npm run setup` with the extension installed, opens examples/shop, and runs until Ctrl+C.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildCodeServerEnv,
  buildInstallArgs,
  buildServeArgs,
  codeServerEntry,
  makeStateDirs,
  quietUserSettings,
} from './code-server.cjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const stateDir = join(root, '.e2e', 'start');
const vsixPath = join(root, 'dist', 'clearance.vsix');
const workspace = join(root, 'examples', 'shop');
const defaultPort = 8765;

const usage = `Usage: npm start [-- --port N] [-- --no-package]

Packages the Clearance extension (npm run package), starts VS Code in the browser (the code-server
installed by npm run setup) on 127.0.0.1 with the extension installed, and opens examples/shop.
Open the printed URL in a browser; press Ctrl+C to stop.

Options:
  --port N       port to listen on (default: $CLEARANCE_PORT, else ${defaultPort})
  --no-package   reuse dist/clearance.vsix instead of building and packaging again
  -h, --help     show this help

Editor state (settings, installed extension, logs) is kept in .e2e/start/.`;

/** Reads the command line; exits with the usage on --help or a bad argument. */
function parseCommandLine() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'no-package': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const portText = values.port ?? process.env.CLEARANCE_PORT ?? String(defaultPort);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`start: port must be a number from 1 to 65535, not "${portText}"\n`);
    process.exit(2);
  }
  return { port, packageFirst: !values['no-package'] };
}

/** Says whether nothing is listening on 127.0.0.1:port yet. */
function isPortFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Runs a command in the foreground and exits this script if it fails. */
function runOrExit(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`start: ${what} failed\n`);
    process.exit(result.status ?? 1);
  }
}

/** Polls code-server's health endpoint until it answers or the process exits. */
async function waitForHealthy(baseUrl, child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function main() {
  const { port, packageFirst } = parseCommandLine();
  if (!existsSync(codeServerEntry)) {
    process.stderr.write(
      'start: code-server is not installed. Run `npm run setup` first (it installs it in .e2e/).\n',
    );
    process.exit(1);
  }
  if (!(await isPortFree(port))) {
    process.stderr.write(
      `start: port ${port} on 127.0.0.1 is in use; pick another with --port N or CLEARANCE_PORT\n`,
    );
    process.exit(1);
  }
  if (packageFirst) runOrExit('npm', ['run', '--silent', 'package'], 'npm run package');
  if (!existsSync(vsixPath)) {
    process.stderr.write(`start: ${vsixPath} is missing; run without --no-package\n`);
    process.exit(1);
  }

  const dirs = makeStateDirs(stateDir);
  // Written once, so that settings changed in the editor survive the next start.
  if (!existsSync(dirs.settingsFile))
    writeFileSync(dirs.settingsFile, `${JSON.stringify(quietUserSettings, null, 2)}\n`);

  const env = buildCodeServerEnv(stateDir);
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  process.stdout.write(`Installing Clearance ${version} into .e2e/start/extensions\n`);
  const install = spawnSync(process.execPath, buildInstallArgs(dirs, vsixPath), { env, encoding: 'utf8' });
  if (install.status !== 0) {
    process.stderr.write(`${install.stdout}${install.stderr}start: installing the extension failed\n`);
    process.exit(1);
  }

  const logFile = join(stateDir, 'code-server.log');
  const log = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [...buildServeArgs(dirs, port), '--disable-workspace-trust', workspace],
    // Its own process group, so that stopping it also stops the extension host and language server.
    { env, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nStopping code-server (${signal})...\n`);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      process.exit(0);
    }, 5_000).unref();
  };
  process.on('SIGINT', () => stop('Ctrl+C'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  child.on('exit', (code, signal) => {
    try {
      // The extension host and language server may still be running in the group.
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Nothing left.
    }
    if (!stopping) {
      process.stderr.write(
        `start: code-server stopped on its own (${code ?? signal}); its log: ${logFile}\n`,
      );
      process.exit(1);
    }
    process.exit(0);
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  if (!(await waitForHealthy(baseUrl, child))) {
    if (!stopping) {
      process.stderr.write(`start: code-server did not answer on ${baseUrl}; its log: ${logFile}\n`);
      stop('no answer');
    }
    return;
  }
  const folder = encodeURIComponent(workspace).replace(/%2F/g, '/');
  process.stdout.write(
    `\nClearance is running in VS Code (code-server) with examples/shop open:\n\n    ${baseUrl}/?folder=${folder}\n\n` +
      `Log: ${logFile}\nPress Ctrl+C to stop.\n`,
  );
}

main();
