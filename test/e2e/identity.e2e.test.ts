// Signing in from the editor, end to end: a real oidc-provider on 127.0.0.1, the packaged extension in a real
// VS Code (code-server) driven in Chromium. The person runs "Clearance: Sign In", reads the device code from the
// dialog, approves it on the provider's own pages (driven over HTTP by the test, as a phone would), and
// sees their identity and its time left in the status bar, in the warning colour because 90-second tokens are
// close to expiry, refreshed automatically before they expire; the account is in the Accounts menu, survives a window reload, and signing out takes the
// identity away again.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startTestProvider, TEST_CLIENT_ID, type TestProvider } from '../support/oidc-provider';
import { hangGuardMs, waitFor } from '../support/wait-for';
import { repoRoot, runCommand, screenshot, statusBarText, useEditorSession } from './harness';

/** Alice with the time left on her 90-second tokens: "1m" or some seconds. */
const SIGNED_IN = /alice@example\.com · developer · (1m|\d+s)/;

/** Copies examples/shop and points its settings at the test provider, with no token file or variable. */
function prepareWorkspace(provider: TestProvider): string {
  const workspace = mkdtempSync(join(tmpdir(), 'clearance-signin-'));
  cpSync(join(repoRoot, 'examples', 'shop'), workspace, { recursive: true });
  const settings = {
    'clearance.identity.issuer': provider.issuer,
    'clearance.identity.clientId': TEST_CLIENT_ID,
    'clearance.identity.signInFlow': 'deviceCode',
    'clearance.identity.jwksUrl': provider.jwksUri,
    'clearance.identity.tokenEnv': '',
  };
  writeFileSync(join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return workspace;
}

/** The `identity: …` lines the language server logged (the extension's output channel), oldest first. */
function identityLines(log: string): string[] {
  return log.match(/\[info\] identity: .*$/gm) ?? [];
}

/**
 * Waits until the status item shows the identity text of a logged `identity: …` line (it holds the
 * seconds left, so it differs from the one before). The extension asks for a notice before it updates
 * the item, so once the item shows it, a notice drawn with it has reached the page too.
 */
async function untilStatusShows(page: Page, line: string): Promise<string> {
  const text = line.replace(/^\[info\] identity: /, '').replace(/ \([^(]*\)$/, '');
  return statusBarText(page, text);
}

/** Fails when an expiry notice is among the notification toasts. */
async function assertNoExpiryNotice(page: Page, when: string): Promise<void> {
  const toasts = (await page.locator('.notifications-toasts').textContent()) ?? '';
  assert.doesNotMatch(toasts, /expires in/, `an expiry notice showed ${when}`);
}

/** Waits for a notification toast whose text matches and returns the match. */
async function waitForToast(page: Page, pattern: RegExp, timeoutMs = hangGuardMs): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen =
      (
        await page
          .locator('.notifications-toasts')
          .textContent()
          .catch(() => '')
      )?.trim() ?? '';
    const match = pattern.exec(seen);
    if (match) return match;
    await page.waitForTimeout(200);
  }
  throw new Error(`no notification matched ${pattern} within ${timeoutMs} ms; seen: ${JSON.stringify(seen)}`);
}

/** Lists every file under a folder. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

// A hang guard, under the 600 s a test file gets (scripts/test.sh): the automatic refresh alone comes
// 72 s after signing in, and at load 40 the whole suite ran past 420 s.
describe('signing in with the OpenID provider in VS Code (code-server + Chromium)', {
  timeout: 570_000,
}, () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({ ttl: { idToken: 90, accessToken: 90 }, deviceInterval: 1 });
  });

  const session = useEditorSession({
    workspace: () => prepareWorkspace(provider),
    keep: { screenshot: 'e2e-identity-last', logs: 'e2e-identity-logs' },
  });
  /** The extension's output channel: its own sign-in lines and the language server's. */
  const clearanceLog = () => session.server.readLogs(/^Clearance\.log$/);

  after(async () => {
    await provider?.close();
  });

  test('before signing in, the status bar says there is no identity', async () => {
    await statusBarText(session.page, 'no identity');
  });

  test('signing in with the device code shows who I am, verified, and the time left', async () => {
    await runCommand(session.page, 'Clearance: Sign In');
    const dialog = session.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const dialogText = (await dialog.textContent()) ?? '';
    const userCode = /Enter the code ([A-Z]{4}-[A-Z]{4}) at (\S+),/.exec(dialogText)?.[1];
    assert.ok(userCode, `the dialog shows no code: ${dialogText}`);
    assert.match(dialogText, new RegExp(`at ${provider.issuer}/device,`));
    assert.match(dialogText, /Copy code and open/);
    await screenshot(session.page, 'e2e-identity-device-code');
    await dialog.locator('a.monaco-button', { hasText: /^Continue$/ }).click();
    await waitForToast(session.page, new RegExp(`waiting for the code ${userCode} to be entered`));
    await provider.approveDevice(userCode, 'alice');
    const text = await statusBarText(session.page, SIGNED_IN);
    assert.match(text, SIGNED_IN);
    await screenshot(session.page, 'e2e-identity-signed-in');
  });

  test('the Accounts menu lists the Clearance account', async () => {
    await session.page.locator('.activitybar [aria-label^="Accounts"]').first().click();
    const menu = session.page.locator('.monaco-menu-container, .context-view .monaco-menu').first();
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await menu.textContent()) ?? '';
    await screenshot(session.page, 'e2e-identity-accounts');
    await session.page.keyboard.press('Escape');
    assert.match(text, /alice@example\.com \(Clearance\)/);
  });

  test('the tokens are refreshed automatically before they expire, with no expiry notice meanwhile', async () => {
    // 80% of 90 seconds: the refresh is due 72 s after the tokens were issued. The provider holds its
    // answer, so the test can look while the refresh is under way (it arrives under the hang guard).
    const held = provider.holdNextTokenRequest();
    await held.arrived;
    // The server describes the identity again meanwhile (Re-evaluate Permissions), so the status item
    // is drawn again with the old token's last seconds and a refresh in flight.
    const before = identityLines(clearanceLog()).length;
    await runCommand(session.page, 'Clearance: Re-evaluate Permissions');
    const again = await waitFor('the identity described again while the refresh is under way', () =>
      identityLines(clearanceLog()).at(before),
    );
    await untilStatusShows(session.page, again);
    await assertNoExpiryNotice(session.page, 'while the refresh was under way');
    held.release();
    // The extension logs the new tokens, then hands them to the server, which logs the identity it
    // resolved for them: the status item showing that identity, not a pause, says the item has it.
    const renewed = await waitFor('the server’s identity for the refreshed tokens', () => {
      const log = clearanceLog();
      const refreshed = log.indexOf('sign-in: tokens refreshed');
      return refreshed >= 0 ? identityLines(log.slice(refreshed))[0] : undefined;
    });
    const text = await untilStatusShows(session.page, renewed);
    assert.match(text, SIGNED_IN);
    assert.doesNotMatch(text, /expir/);
    await assertNoExpiryNotice(session.page, 'after the refresh');
  });

  test('under 5 minutes left the item is in the warning colour; Refresh sign-in gets fresh tokens', async () => {
    const item = session.page.locator('.statusbar .statusbar-item', { hasText: 'alice@example.com' }).first();
    assert.match((await item.getAttribute('class')) ?? '', /warning-kind/);
    // A refresh is already due before these tokens expire, so there is no expiry notice to act on.
    const toasts = (await session.page.locator('.notifications-toasts').textContent()) ?? '';
    assert.doesNotMatch(toasts, /expires in/);
    const before = provider.hits.get('/token') ?? 0;
    await runCommand(session.page, 'Clearance: Refresh Tokens');
    await waitFor('Refresh Tokens to call the token endpoint', () =>
      (provider.hits.get('/token') ?? 0) > before ? true : undefined,
    );
    await statusBarText(session.page, SIGNED_IN);
  });

  test('the status bar menu shows the identity as a read-only JSON document, with no token in it', async () => {
    await session.page
      .locator('.statusbar .statusbar-item', { hasText: 'alice@example.com' })
      .first()
      .click();
    const input = session.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    const rows = session.page.locator('.quick-input-list .monaco-list-row');
    const labels = (await rows.allTextContents()).join('\n');
    for (const entry of [
      'Sign out',
      'Refresh sign-in',
      'Choose the identity source',
      'Show the claims',
      'Evaluate as',
      'Copy the identity as JSON',
    ]) {
      assert.ok(labels.includes(entry), `the menu has no "${entry}": ${labels}`);
    }
    await input.fill('Show the claims');
    await session.page.keyboard.press('Enter');
    await session.page
      .locator('.tabs-container .tab.active', { hasText: 'identity.json' })
      .waitFor({ timeout: 15_000 });
    const editor = session.page.locator('.editor-instance .monaco-editor .view-lines').first();
    const deadline = Date.now() + hangGuardMs;
    let text = '';
    while (!/alice@example\.com/.test(text) && Date.now() < deadline) {
      text = (await editor.textContent()) ?? '';
      await session.page.waitForTimeout(200);
    }
    await screenshot(session.page, 'e2e-identity-claims');
    assert.match(text, /"status":\s*"verified"/);
    assert.match(text, /alice@example\.com/);
    assert.doesNotMatch(text, /eyJ/);
    await session.page.keyboard.press('Control+W');
  });

  test('after reloading the window I am still signed in: the stored refresh token gets fresh tokens', async () => {
    const before = provider.hits.get('/token') ?? 0;
    await session.page.reload();
    await session.page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    await statusBarText(session.page, SIGNED_IN);
    assert.ok((provider.hits.get('/token') ?? 0) > before, 'the restart refreshed at the token endpoint');
  });

  test('signing out clears the identity and revokes the refresh token', async () => {
    await runCommand(session.page, 'Clearance: Sign Out');
    await statusBarText(session.page, 'no identity');
    // The refresh token is revoked at the provider too (RFC 7009), not only forgotten.
    await waitFor('sign-out to revoke the refresh token', () =>
      provider.hits.get('/token/revocation') ? true : undefined,
    );
    await screenshot(session.page, 'e2e-identity-signed-out');
  });

  test('no token the provider issued reached the logs, the output channel or the settings', async () => {
    assert.ok(session.server);
    assert.ok(provider.issued.size >= 6, 'the provider issued tokens during the test');
    const files = [
      ...listFiles(session.server.stateDir),
      ...listFiles(join(session.workspace, '.vscode')),
    ].filter((file) => /\.(log|json|txt)$/.test(file));
    assert.ok(
      files.some((file) => file.endsWith('Clearance.log')),
      'the output channel log was written',
    );
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const credential of provider.issued) {
        assert.ok(!text.includes(credential), `a credential appeared in ${file}`);
      }
    }
  });
});
