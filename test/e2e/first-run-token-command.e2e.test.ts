// A working token command stays working when the user saves their settings (issue 15, "identity setup without
// traps"): the token command is a machine setting, set in the user's settings.json; the user opens that file in
// the editor, adds an unrelated setting and saves it; the identity the command gives is still shown and used,
// without a window reload. The packaged extension in a real VS Code (code-server) driven in Chromium.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hangGuardMs, waitFor } from '../support/wait-for';
import { openFile, runCommand, screenshot, statusBarText, useEditorSession } from './harness';
import { prepareWorkspace } from './shop-workspace';

/** Alice, verified, from the token the command prints. */
const ALICE = /alice@example\.com · developer/;

describe('a user-settings save keeps a working token command (code-server + Chromium)', {
  timeout: 240_000,
}, () => {
  const session = useEditorSession({
    workspace: async () => {
      const workspace = await prepareWorkspace();
      // The token comes only from the command: no token file, no variable in the workspace's settings.
      writeFileSync(
        join(workspace, 'print-token.js'),
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
      return workspace;
    },
    userSettings: (workspace) => ({
      'clearance.identity.source': 'command',
      'clearance.identity.tokenCommand': [process.execPath, join(workspace, 'print-token.js')],
    }),
    keep: { screenshot: 'e2e-token-command-last', logs: 'e2e-token-command-logs' },
  });

  test('the token command gives the identity', async () => {
    await openFile(session.page, 'src/api/orders.ts');
    await statusBarText(session.page, ALICE);
  });

  test('saving the user settings in the editor keeps it, without a reload', async () => {
    const identityLines = () =>
      session.server.readLogs(/^Clearance\.log$/).match(/\[info\] identity: .*$/gm) ?? ([] as string[]);
    await runCommand(session.page, 'Preferences: Open User Settings (JSON)');
    await session.page
      .locator('.tabs-container .tab.active', { hasText: 'settings.json' })
      .waitFor({ timeout: hangGuardMs });
    await session.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await session.page.keyboard.press('Control+Home');
    await session.page.keyboard.press('End');
    await session.page.keyboard.press('Enter');
    await session.page.keyboard.type('"editor.fontSize": 15,', { delay: 5 });
    await session.page.keyboard.press('Control+S');
    await session.page
      .locator('.tabs-container .tab.active.dirty')
      .waitFor({ state: 'detached', timeout: hangGuardMs });
    // Saving settings that do not name Clearance's sends the server nothing (its log says nothing).
    // Re-evaluate Permissions makes it read the settings as saved and resolve the identity again, and
    // it logs the identity it found (`identity: … (token command …, verified)`): the test waits for
    // that line, not for a time.
    const beforeRefresh = identityLines().length;
    await runCommand(session.page, 'Clearance: Re-evaluate Permissions');
    const lines = await waitFor('the identity re-resolved by Re-evaluate Permissions', () =>
      identityLines().length > beforeRefresh ? identityLines() : undefined,
    );
    assert.match(lines.at(-1) ?? '', /alice@example\.com.*verified\)$/);
    const text = await statusBarText(session.page, /Clearance|alice/);
    await screenshot(session.page, 'e2e-token-command-after-save');
    assert.match(text, ALICE);
  });
});
