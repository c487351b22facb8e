// How `npm start` (scripts/start.mjs) and the end-to-end harness (test/e2e/harness.ts) find and start the
// code-server that `npm run setup` installs in .e2e/. CommonJS, so that both the ESM script and the
// CommonJS tests can load it; its types are in code-server.d.cts.
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');

/** code-server's entry point as installed by scripts/setup.sh. */
const codeServerEntry = join(
  __dirname,
  '..',
  '.e2e',
  'code-server',
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);

/** Editor settings that keep the welcome page, tips and update prompts from covering the code. */
const quietUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
};

/** Creates the user data and extensions directories under a state directory and returns their paths. */
function makeStateDirs(stateDir) {
  const userDataDir = join(stateDir, 'user-data');
  const extensionsDir = join(stateDir, 'extensions');
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  return { stateDir, userDataDir, extensionsDir, settingsFile };
}

/** Builds code-server's environment: this process's, with its config and data kept under the state dir. */
function buildCodeServerEnv(stateDir) {
  // A VS Code terminal's variables would send code-server's CLI to that outer VS Code; PASSWORD and PORT
  // would override --auth and --bind-addr.
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VSCODE_') && key !== 'PASSWORD' && key !== 'HASHED_PASSWORD' && key !== 'PORT') {
      env[key] = value;
    }
  }
  env.XDG_CONFIG_HOME = join(stateDir, 'xdg-config');
  env.XDG_DATA_HOME = join(stateDir, 'xdg-data');
  return env;
}

/** Builds the node arguments that install a .vsix into the state's extensions directory. */
function buildInstallArgs(dirs, vsix) {
  return [
    codeServerEntry,
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
    '--install-extension',
    vsix,
    '--force',
  ];
}

/** Builds the node arguments that serve the editor on 127.0.0.1:port without auth, telemetry or update checks. */
function buildServeArgs(dirs, port) {
  return [
    codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--config',
    join(dirs.stateDir, 'config.yaml'),
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
  ];
}

module.exports = {
  codeServerEntry,
  quietUserSettings,
  makeStateDirs,
  buildCodeServerEnv,
  buildInstallArgs,
  buildServeArgs,
};
