// Rego authoring end to end in code-server + Chromium, on a copy of the shop example: format on save
// rewrites a messy policy file to `opa fmt`'s layout (expected text written by hand), and the
// Evaluate lens above `allow` evaluates it with the input.json beside the policy (an admin, so true
// by the policy's first allow rule) and opens the results panel.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  type CodeServer,
  goToLine,
  openBrowser,
  openFile,
  openWorkbench,
  screenshot,
  startCodeServer,
  statusBarText,
} from './harness';
import { prepareWorkspace } from './shop-workspace';
import { ensurePackagedExtension, vsixPath } from './vsix';

const messy = 'package api.messy\n\nallow   if {\n  input.user.role=="admin"\n}\n';
// opa fmt's layout: one space around `if` and `==`, a tab for the body.
const formatted = 'package api.messy\n\nallow if {\n\tinput.user.role == "admin"\n}\n';

describe('Rego format on save and the Evaluate lens (code-server + Chromium)', { timeout: 300_000 }, () => {
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    ensurePackagedExtension();
    workspace = await prepareWorkspace();
    writeFileSync(join(workspace, 'policy', 'messy.rego'), messy);
    writeFileSync(
      join(workspace, 'policy', 'input.json'),
      `${JSON.stringify({ user: { role: 'admin' }, action: 'delete' })}\n`,
    );
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    settings['[rego]'] = { 'editor.formatOnSave': true };
    writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
    server = await startCodeServer({ vsix: vsixPath, workspace });
    browser = await openBrowser();
    page = await openWorkbench(browser, server);
    await openFile(page, 'policy/messy.rego');
    await statusBarText(page, /alice@example\.com/, 60_000);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('saving a messy policy formats it as opa fmt does', async () => {
    const file = join(workspace, 'policy', 'messy.rego');
    // An edit makes the document dirty (an unchanged one is not saved): a blank line at its end.
    await goToLine(page, 5);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 60_000;
    let text = '';
    while (Date.now() < deadline) {
      await page.keyboard.press('Control+S');
      await page.waitForTimeout(1_000);
      text = readFileSync(file, 'utf8');
      if (text === formatted) break;
    }
    assert.equal(text, formatted);
  });

  test('the Evaluate lens evaluates allow with input.json and opens the results panel', async () => {
    await openFile(page, 'policy/authz.rego');
    const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: /^▶ Evaluate$/ }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'input.json' }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const toast = page.locator('.notification-toast', { hasText: 'data.api.authz.allow = true' });
    await toast.first().waitFor({ timeout: 30_000 });
    assert.match((await toast.first().textContent()) ?? '', /with input\.json/);
    await page
      .locator('.tabs-container .tab', { hasText: 'Rego: data.api.authz.allow' })
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'rego-evaluate');
  });
});
