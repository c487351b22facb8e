// A working token command stays working when the user saves their settings (issue 15, "identity setup without
// traps"): the token command is a machine setting, set in the user's settings.json; the user opens that file in
// the editor, adds an unrelated setting and saves it; the identity the command gives is still shown and used,
// without a window reload. The packaged extension in a real VS Code (code-server) driven in Chromium.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  type CodeServer,
  openBrowser,
  openFile,
  openWorkbench,
  resultsDir,
  runCommand,
  screenshot,
  startCodeServer,
  statusBarText,
} from './harness';
import { prepareWorkspace } from './shop-workspace';
import { ensurePackagedExtension, vsixPath } from './vsix';

/** Alice, verified, from the token the command prints. */
const ALICE = /alice@example\.com · developer/;

describe('a user-settings save keeps a working token command (code-server + Chromium)', {
  timeout: 240_000,
}, () => {
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    ensurePackagedExtension();
    workspace = await prepareWorkspace();
    // The token comes only from the command: no token file, no variable in the workspace's settings.
    const printer = join(workspace, 'print-token.js');
    writeFileSync(
      printer,
      "process.stdout.write(require('node:fs').readFileSync(require('node:path').join(__dirname, 'minted', 'alice.jwt'), 'utf8'));\n",
    );
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      `${JSON.stringify(
        {
          'clearance.identity.jwksFile': 'minted/jwks.json',
          'clearance.identity.issuer': 'https://id.example.com',
          'clearance.identity.audience': 'clearance-demo',
          'clearance.identity.tokenEnv': '',
        },
        null,
        2,
      )}\n`,
    );
    server = await startCodeServer({
      vsix: vsixPath,
      workspace,
      userSettings: {
        'clearance.identity.source': 'command',
        'clearance.identity.tokenCommand': [process.execPath, printer],
      },
    });
    browser = await openBrowser();
    page = await openWorkbench(browser, server);
  });

  after(async () => {
    if (page) await screenshot(page, 'e2e-token-command-last').catch(() => undefined);
    server?.collectLogs(join(resultsDir, 'e2e-token-command-logs'));
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('the token command gives the identity', async () => {
    await openFile(page, 'src/api/orders.ts');
    await statusBarText(page, ALICE, 60_000);
  });

  test('saving the user settings in the editor keeps it, without a reload', async () => {
    await runCommand(page, 'Preferences: Open User Settings (JSON)');
    await page
      .locator('.tabs-container .tab.active', { hasText: 'settings.json' })
      .waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('"editor.fontSize": 15,', { delay: 5 });
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
    // The settings change reaches the server, which reads them again and re-resolves the identity.
    await page.waitForTimeout(3_000);
    await runCommand(page, 'Clearance: Re-evaluate Permissions');
    await page.waitForTimeout(3_000);
    const text = await statusBarText(page, /Clearance|alice/, 10_000);
    await screenshot(page, 'e2e-token-command-after-save');
    assert.match(text, ALICE);
  });
});
