// The Clearance Permissions view, end to end in code-server + Chromium: it lists the shop example's resources
// with each action's decision for Alice, a call site opens in the editor, and a policy edit typed into the
// open .rego file pops up the calls whose decision changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { hangGuardMs } from '../support/wait-for';
import {
  goToLine,
  openFile,
  resultsDir,
  runCommand,
  screenshot,
  statusBarText,
  useEditorSession,
} from './harness';
import { prepareWorkspace } from './shop-workspace';

/** The rows of the Permissions view as shown: each row's text, and its accessible label. */
async function readRows(view: Locator): Promise<Array<{ text: string; label: string; row: Locator }>> {
  const rows: Array<{ text: string; label: string; row: Locator }> = [];
  for (const row of await view.locator('.monaco-list-row').all()) {
    rows.push({
      text: ((await row.textContent()) ?? '').replace(/\s+/g, ' ').trim(),
      label: (await row.getAttribute('aria-label')) ?? '',
      row,
    });
  }
  return rows;
}

/** Waits until the view's rows satisfy `done`, and returns them. */
async function waitForRows(
  page: Page,
  view: Locator,
  done: (rows: Array<{ text: string; label: string }>) => boolean,
  what: string,
  timeoutMs = hangGuardMs,
) {
  const deadline = Date.now() + timeoutMs;
  let rows = await readRows(view);
  while (!done(rows)) {
    if (Date.now() > deadline) {
      throw new Error(
        `the Permissions view did not show ${what}; rows:\n${rows.map((r) => r.text).join('\n')}`,
      );
    }
    await page.waitForTimeout(250);
    rows = await readRows(view);
  }
  return rows;
}

describe('the Clearance Permissions view (code-server + Chromium)', { timeout: 240_000 }, () => {
  let view: Locator;

  const session = useEditorSession({
    workspace: prepareWorkspace,
    ready: async (page) => {
      // The extension starts with the first TypeScript or Rego file; wait for the identity to be resolved.
      await openFile(page, 'src/index.ts');
      await statusBarText(page, /alice@example\.com/);
      // The folder tree above the view is collapsed, so the whole view is on screen.
      const folderHeader = page.locator('.pane-header[aria-expanded="true"]', { hasText: /clearance-shop/i });
      if ((await folderHeader.count()) > 0) await folderHeader.first().click();
      await runCommand(page, 'Focus on Clearance Permissions View');
      view = page
        .locator('.pane')
        .filter({ has: page.locator('.pane-header', { hasText: 'Clearance Permissions' }) });
      await view.locator('.pane-body').waitFor({ state: 'visible', timeout: 30_000 });
    },
    keep: { screenshot: 'permissions-last', logs: 'e2e-permissions-logs' },
  });

  test("lists the shop's resources with each action's decision for Alice", async () => {
    const rows = await waitForRows(
      session.page,
      view,
      (found) => found.some((r) => /^order/.test(r.text)) && found.some((r) => /^report/.test(r.text)),
      'the order and report resources',
    );
    await screenshot(session.page, 'permissions');
    // The view alone, for the README.
    await view.screenshot({ path: join(resultsDir, 'permissions-view.png') });
    const texts = rows.map((r) => r.text);
    assert.deepEqual(texts, [
      'order3 actions',
      'deletedenied · 1 call',
      'readconditional · 1 call',
      'updateconditional · 1 call',
      'report1 action',
      'readconditional · 1 call',
    ]);
    // Verdict icons: a denied action shows the error icon, a conditional one the question mark.
    const [, remove, read] = rows;
    assert.ok(remove && read);
    assert.equal(await remove.row.locator('.codicon-error').count(), 1);
    assert.equal(await read.row.locator('.codicon-question').count(), 1);
    assert.match(remove.label, /delete: denied, 1 call\. no allow rule matched/);
    assert.match((await view.locator('.pane-header').textContent()) ?? '', /alice@example\.com/);
  });

  test('clicking a call site opens the file at the call', async () => {
    const remove = view.locator('.monaco-list-row', { hasText: 'deletedenied' }).first();
    await remove.click();
    const site = view.locator('.monaco-list-row', { hasText: 'DELETE /api/orders/{id}' }).first();
    await site.waitFor({ timeout: 10_000 });
    assert.match(((await site.textContent()) ?? '').replace(/\s+/g, ' '), /src\/api\/orders\.ts:\d+/);
    await site.click();
    await session.page
      .locator('.tabs-container .tab.active', { hasText: 'orders.ts' })
      .waitFor({ timeout: 15_000 });
    const lines = readFileSync(join(session.workspace, 'src/api/orders.ts'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes("method: 'DELETE'")) + 1;
    await statusBarText(session.page, new RegExp(`Ln ${line}, Col`));
    await screenshot(session.page, 'permissions-open-call');
  });

  test('a policy edit pops up the calls whose decision changed, and the view follows', async () => {
    await openFile(session.page, 'policy/authz.rego');
    const lines = readFileSync(join(session.workspace, 'policy/authz.rego'), 'utf8').split('\n');
    await goToLine(session.page, lines.length);
    await session.page.keyboard.press('End');
    // Pasted in one edit: typed a key at a time on a slow machine, a half-typed rule that loads
    // (`allow if input.action`) could be decided, and reported, on its own.
    await session.page.keyboard.insertText('\nallow if input.action == "delete"\n');
    const toast = session.page.locator('.notification-toast', { hasText: '1 call newly allowed' });
    await toast.waitFor({ timeout: 30_000 });
    await screenshot(session.page, 'permissions-impact');
    await toast.locator('a.monaco-button', { hasText: 'Show' }).click();
    const pick = session.page.locator('.quick-input-list .monaco-list-row', {
      hasText: 'DELETE /api/orders/{id}',
    });
    await pick.waitFor({ timeout: 10_000 });
    assert.match((await pick.textContent()) ?? '', /denied → allowed/);
    await pick.click();
    await session.page
      .locator('.tabs-container .tab.active', { hasText: 'orders.ts' })
      .waitFor({ timeout: 15_000 });
    await waitForRows(
      session.page,
      view,
      (found) => found.some((r) => r.text.startsWith('deleteallowed')),
      'delete allowed',
    );
  });
});
