/**
 * The web extension in a browser-hosted VS Code (issue 14): code-server with the packaged .vsix,
 * told to run Clearance in its web worker extension host (`remote.extensionKind: web`), so the
 * `browser` entry starts and its language server runs in a web worker: the policy comes through
 * `workspace.fs`, the scanner's wasm through the client. No identity source works there but
 * sign-in, so the user settings ask for an anonymous caller; by the shop policy (read by hand) an
 * anonymous caller may not DELETE an order. In the policy, the Evaluate lens evaluates `allow` in
 * the worker with the input.json beside it (an admin: true by the policy's first rule, read by hand),
 * lint's quick fix for Regal's `use-assignment-operator` turns `=` into `:=`, and the Test Explorer
 * runs `authz_test.rego` (one test of two passes). A command that needs Node says so.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { hangGuardMs } from '../support/wait-for';
import {
  clickLensAndPick,
  goToLine,
  hoverText,
  openFile,
  repoRoot,
  runAllTests,
  runCommand,
  useEditorSession,
} from './harness';

/** Waits for a notification toast whose text matches. */
async function waitForToast(page: Page, pattern: RegExp, timeoutMs = hangGuardMs): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (
      (await page
        .locator('.notifications-toasts')
        .textContent()
        .catch(() => '')) ?? ''
    ).trim();
    if (pattern.test(seen)) return seen;
    await page.waitForTimeout(200);
  }
  throw new Error(`no notification matched ${pattern} within ${timeoutMs} ms; seen: ${JSON.stringify(seen)}`);
}

/** Two tests of the shop policy: one passes, one fails (see the fixture). */
const testText = readFileSync(join(repoRoot, 'test', 'e2e', 'web', 'authz_test.rego'), 'utf8');

describe('the web extension in code-server’s web worker extension host', { timeout: 400_000 }, () => {
  const session = useEditorSession({
    workspace: () => {
      const workspace = mkdtempSync(join(tmpdir(), 'clearance-web-'));
      mkdirSync(join(workspace, 'policy'));
      mkdirSync(join(workspace, 'src'));
      cpSync(
        join(repoRoot, 'examples', 'shop', 'policy', 'authz.rego'),
        join(workspace, 'policy', 'authz.rego'),
      );
      writeFileSync(
        join(workspace, 'policy', 'input.json'),
        `${JSON.stringify({ user: { role: 'admin' }, action: 'delete' })}\n`,
      );
      writeFileSync(join(workspace, 'policy', 'fix.rego'), 'package fix\n\nlimit = 3\n');
      writeFileSync(join(workspace, 'policy', 'authz_test.rego'), testText);
      writeFileSync(
        join(workspace, 'src', 'orders.ts'),
        `export async function removeOrder(id: string): Promise<void> {\n  await fetch(\`/api/orders/\${id}\`, { method: "DELETE" });\n}\n`,
      );
      return workspace;
    },
    userSettings: () => ({
      'remote.extensionKind': { 'clearance.clearance': ['web'] },
      'clearance.identity.anonymous': true,
    }),
    keep: { screenshot: 'web-extension', logs: 'web-extension-logs' },
  });

  it('decides the DELETE call in the web worker and explains it in the hover', async () => {
    await openFile(session.page, 'src/orders.ts');
    await goToLine(session.page, 2);
    // The worker's first answers can come before it has read the policy and loaded the grammars
    // (a busy machine): hover again until the decision is there.
    const text = await hoverText(session.page, 2, 'fetch', { until: /Denied/ });
    assert.match(text, /Denied: an anonymous caller may not delete/);
  });

  it('evaluates allow from the Evaluate lens in the web worker, with the input.json beside the policy', async () => {
    await openFile(session.page, 'policy/authz.rego');
    await clickLensAndPick(session.page, /^▶ Evaluate$/, 'input.json');
    const toast = await waitForToast(session.page, /data\.api\.authz\.allow = true/);
    assert.match(toast, /with input\.json/);
    await session.page
      .locator('.tabs-container .tab', { hasText: 'Rego: data.api.authz.allow' })
      .first()
      .waitFor({ timeout: 30_000 });
  });

  it("applies lint's quick fix in a policy file", async () => {
    await openFile(session.page, 'policy/fix.rego');
    const menu = session.page.locator('.action-widget');
    const fix = menu.locator('.monaco-list-row', { hasText: '(use-assignment-operator)' }).first();
    // The worker answers once it has read the workspace: ask again until the fix is offered.
    for (let tries = 0; tries < 6; tries++) {
      await session.page.keyboard.press('Escape');
      await goToLine(session.page, 3);
      await session.page.keyboard.press('Control+.');
      if (
        await fix.waitFor({ timeout: 10_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
    }
    // Keyboard-driven, as the menu animates: focus the fix, then Enter.
    const focused = menu.locator('.monaco-list-row.focused');
    for (
      let moves = 0;
      moves < 12 && !(await focused.textContent())?.includes('(use-assignment-operator)');
      moves++
    )
      await session.page.keyboard.press('ArrowDown');
    await session.page.keyboard.press('Enter');
    await session.page.locator('.tabs-container .tab.active.dirty', { hasText: 'fix.rego' }).waitFor();
    await session.page.keyboard.press('Control+S');
    const file = join(session.workspace, 'policy', 'fix.rego');
    let text = '';
    for (let waited = 0; waited < 30 && text !== 'package fix\n\nlimit := 3\n'; waited++) {
      await session.page.waitForTimeout(500);
      text = readFileSync(file, 'utf8');
    }
    assert.equal(text, 'package fix\n\nlimit := 3\n');
  });

  it("runs the policy's tests from the Test Explorer in the web worker", async () => {
    await runCommand(session.page, 'Testing: Focus on Test Explorer View');
    const rows = session.page.locator('.test-explorer .monaco-list-row');
    await rows.filter({ hasText: 'api.authz_test' }).first().waitFor({ timeout: 60_000 });
    const text = await runAllTests(session.page, /1\s*\/\s*2/, 'web-rego-tests');
    assert.match(text, /1\s*\/\s*2/);
  });

  it('says plainly that a command needing Node is not in the web build', async () => {
    await runCommand(session.page, 'Clearance: Refresh Permissions');
    const toast = await waitForToast(session.page, /not available in the web build/);
    assert.match(toast, /desktop VS Code/);
  });
});
