// Rego authoring end to end in code-server + Chromium, on a copy of the shop example: format on save
// rewrites a messy policy file to `opa fmt`'s layout (expected text written by hand), and the
// Evaluate lens above `allow` evaluates it with the input.json beside the policy (an admin, so true
// by the policy's first allow rule) and opens the results panel.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hangGuardMs } from '../support/wait-for';
import {
  clickLensAndPick,
  goToLine,
  mergeWorkspaceSettings,
  openFile,
  screenshot,
  statusBarText,
  useEditorSession,
} from './harness';
import { prepareWorkspace } from './shop-workspace';

const messy = 'package api.messy\n\nallow   if {\n  input.user.role=="admin"\n}\n';
// opa fmt's layout: one space around `if` and `==`, a tab for the body.
const formatted = 'package api.messy\n\nallow if {\n\tinput.user.role == "admin"\n}\n';

describe('Rego format on save and the Evaluate lens (code-server + Chromium)', { timeout: 300_000 }, () => {
  const session = useEditorSession({
    workspace: async () => {
      const workspace = await prepareWorkspace();
      writeFileSync(join(workspace, 'policy', 'messy.rego'), messy);
      writeFileSync(
        join(workspace, 'policy', 'input.json'),
        `${JSON.stringify({ user: { role: 'admin' }, action: 'delete' })}\n`,
      );
      mergeWorkspaceSettings(workspace, { '[rego]': { 'editor.formatOnSave': true } });
      return workspace;
    },
    ready: async (page) => {
      await openFile(page, 'policy/messy.rego');
      await statusBarText(page, /alice@example\.com/);
    },
  });

  test('saving a messy policy formats it as opa fmt does', async () => {
    const file = join(session.workspace, 'policy', 'messy.rego');
    // An edit makes the document dirty (an unchanged one is not saved): a blank line at its end.
    await goToLine(session.page, 5);
    await session.page.keyboard.press('End');
    await session.page.keyboard.press('Enter');
    const deadline = Date.now() + hangGuardMs;
    let text = '';
    while (Date.now() < deadline) {
      await session.page.keyboard.press('Control+S');
      await session.page.waitForTimeout(1_000);
      text = readFileSync(file, 'utf8');
      if (text === formatted) break;
    }
    assert.equal(text, formatted);
  });

  test('the Evaluate lens evaluates allow with input.json and opens the results panel', async () => {
    await openFile(session.page, 'policy/authz.rego');
    await clickLensAndPick(session.page, /^▶ Evaluate$/, 'input.json');
    const toast = session.page.locator('.notification-toast', { hasText: 'data.api.authz.allow = true' });
    await toast.first().waitFor({ timeout: 30_000 });
    assert.match((await toast.first().textContent()) ?? '', /with input\.json/);
    await session.page
      .locator('.tabs-container .tab', { hasText: 'Rego: data.api.authz.allow' })
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(session.page, 'rego-evaluate');
  });
});
