/**
 * `clearance lsp`: runs the language server itself, for editors other than VS Code (Neovim, Helix,
 * Zed, Emacs, JetBrains through LSP4IJ). The server is a bundle of its own (dist/server/server.js)
 * that the CLI loads only for this command, so the other commands stay as fast to start as before.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The transports the server's connection understands (vscode-languageserver reads them from argv). */
export const lspTransports = ['--stdio', '--node-ipc', '--socket', '--pipe'] as const;

/** Where the server bundle sits beside the CLI bundle (dist/cli/clearance.js -> dist/server/server.js). */
export function serverBundlePath(cliDir: string = __dirname): string {
  return join(cliDir, '..', 'server', 'server.js');
}

/**
 * Starts the language server in this process on the transport named in `argv` (stdio when none is),
 * and returns undefined; returns an error message when the server bundle is missing.
 */
export function runLanguageServer(
  argv: string[] = process.argv,
  cliDir: string = __dirname,
): string | undefined {
  const bundle = serverBundlePath(cliDir);
  if (!existsSync(bundle)) {
    return `the language server is not built (${bundle} is missing); run \`npm run build\`\n`;
  }
  // The connection picks its transport from process.argv; stdio is what every editor's config uses.
  if (!argv.some((arg) => lspTransports.some((t) => arg === t || arg.startsWith(`${t}=`)))) {
    process.argv.push('--stdio');
  }
  // A computed path keeps esbuild from inlining the server into the CLI bundle.
  require(bundle);
  return undefined;
}
