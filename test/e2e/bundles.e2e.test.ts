// A policy bundle that changes while the editor is open, end to end (issue 13): a real nginx on 127.0.0.1
// serves a signed OPA bundle; the packaged extension in a real VS Code (code-server), driven in Chromium,
// decides with it. The status bar and its menu show the bundle's source, revision, verified signature and age;
// the hover names the revision. The policy team publishes revision 101, which lets everyone read: the status
// bar follows, the impact notice says "revision 100 -> 101: n calls newly allowed", and the GET hover is
// allowed under 101. Then a tampered archive is
// published: it is refused, 101 stays in force, and the status bar and its menu say so.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { signaturesFile, signBundleFiles } from '../../server/src/bundle/signature';
import { writeTarGz } from '../../server/src/bundle/tar';
import { hangGuardMs } from '../support/wait-for';
import { type Nginx, startNginx } from '../unit/bundle/nginx';
import {
  hoverText,
  mergeWorkspaceSettings,
  openFile,
  openHoverDetails,
  repoRoot,
  runCommand,
  screenshot,
  statusBarText,
  useEditorSession,
} from './harness';
import { prepareWorkspace } from './shop-workspace';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const shopPolicy = readFileSync(join(repoRoot, 'examples', 'shop', 'policy', 'authz.rego'));
/** Revision 101's new rule: everyone may read. */
const ALLOW_READ = '\nallow if input.action == "read"\n';
/** The GET of one order in src/api/orders.ts: conditional for Alice under 100 (if she owns it). */
const GET_MARKER = `await fetch(\`/api/orders/${['$', '{id}'].join('')}\`);`;

/** The 1-based line of the first line of `file` that contains `marker`. */
function lineOf(file: string, marker: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(marker)) + 1
  );
}

/** Opens the status bar menu from the bundle item and returns the text of its bundle row. */
async function bundleMenuRow(page: Page, revision: string): Promise<string> {
  await page.keyboard.press('Escape');
  await page
    .locator('.statusbar .statusbar-item', { hasText: `Policy ${revision}` })
    .first()
    .click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('Revision');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: `Revision ${revision}` }).first();
  await row.waitFor({ timeout: 15_000 });
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads.
  const text = (await row.innerText()).replace(/\s+/g, ' ');
  return text;
}

/**
 * Hovers the GET call until `until` shows, opens its details, and returns the whole hover. The first
 * hover waits for the worker's cold load of the bundle, which took over a minute on a loaded machine.
 */
async function getHover(
  page: Page,
  workspace: string,
  until: RegExp,
  timeoutMs = hangGuardMs,
): Promise<string> {
  const line = lineOf(join(workspace, 'src/api/orders.ts'), GET_MARKER);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await hoverText(page, line, 'fetch', { until, timeoutMs: Math.max(10_000, deadline - Date.now()) });
    const text = await openHoverDetails(page, /Policy:/);
    // A hover closes when the editor redraws under it (a lens or a notice arriving): as a person
    // would, hover again rather than read an empty page.
    if (/Policy:/.test(text) || Date.now() > deadline) return text;
  }
}

describe('a bundle that changes while the editor is open (nginx + code-server + Chromium)', {
  timeout: 420_000,
}, () => {
  let nginx: Nginx | undefined;
  let mtime = 1_700_000_000;

  /** Writes a bundle with `revision` to nginx, signed; `tamper` changes the policy after signing. */
  async function publish(revision: string, extra: string, tamper = false): Promise<void> {
    const files = new Map([
      ['.manifest', Buffer.from(JSON.stringify({ revision, roots: ['api'] }))],
      ['api/authz/authz.rego', Buffer.concat([shopPolicy, Buffer.from(extra)])],
    ]);
    files.set(
      signaturesFile,
      Buffer.from(await signBundleFiles(files, { algorithm: 'RS256', key: privatePem, keyId: 'ci' })),
    );
    if (tamper)
      files.set(
        'api/authz/authz.rego',
        Buffer.concat([shopPolicy, Buffer.from(`${extra}\nallow if input.action == "delete"\n`)]),
      );
    const file = join((nginx as Nginx).www, 'shop.tar.gz');
    writeFileSync(file, writeTarGz(files));
    // A new modification time gives nginx a new ETag even within the same second.
    mtime += 100;
    utimesSync(file, mtime, mtime);
  }

  before(async () => {
    nginx = await startNginx('unused-token-0123');
    await publish('100', '');
  });

  const session = useEditorSession({
    workspace: async () => {
      const workspace = await prepareWorkspace();
      writeFileSync(join(workspace, 'bundle-public.pem'), publicPem);
      mergeWorkspaceSettings(workspace, {
        'clearance.policy.bundles': [`${(nginx as Nginx).origin}/shop.tar.gz`],
        'clearance.policy.bundlePollingSeconds': 5,
      });
      return workspace;
    },
    // Where bundles may come from and the key that verifies them are the user's own settings.
    userSettings: (workspace) => ({
      'clearance.policy.bundleOrigins': [(nginx as Nginx).origin],
      'clearance.policy.bundleKeys': {
        ci: { algorithm: 'RS256', keyFile: join(workspace, 'bundle-public.pem') },
      },
    }),
    keep: { screenshot: 'e2e-bundles-last', logs: 'e2e-bundles-logs' },
  });

  after(async () => {
    await nginx?.stop();
  });

  test('revision 100: the status bar, its menu and the hover name the bundle in force', async () => {
    await openFile(session.page, 'src/api/orders.ts');
    await statusBarText(session.page, 'Policy 100');
    const row = await bundleMenuRow(session.page, '100');
    assert.match(row, new RegExp(`${(nginx as Nginx).origin.replace(/\./g, '\\.')}/shop\\.tar\\.gz`));
    assert.match(row, /revision 100 \(sha256:[0-9a-f]{12}\)/);
    assert.match(row, /signature verified \(key ci, RS256\)/);
    assert.match(row, /downloaded \d+ (s|min) ago/);
    await screenshot(session.page, 'bundles-menu-100');
    await session.page.keyboard.press('Escape');
    const hover = await getHover(session.page, session.workspace, /Conditional/, 150_000);
    assert.match(hover, /100 \(sha256:[0-9a-f]{12}\)/);
    // The impact of the next revision is measured against the workspace index: wait until it holds
    // verdicts under revision 100 (the Permissions view lists the report read as conditional).
    await session.page.keyboard.press('Escape');
    await runCommand(session.page, 'Focus on Clearance Permissions View');
    const view = session.page
      .locator('.pane')
      .filter({ has: session.page.locator('.pane-header', { hasText: 'Clearance Permissions' }) });
    await view
      .locator('.monaco-list-row', { hasText: /read\s*conditional/ })
      .first()
      .waitFor({ timeout: 90_000 });
    await openFile(session.page, 'src/api/orders.ts');
  });

  test('revision 101 arrives: the status bar, the impact notice, the hover and the menu follow', async () => {
    await session.page.keyboard.press('Escape');
    await publish('101', ALLOW_READ);
    await statusBarText(session.page, 'Policy 101');
    const toast = session.page.locator('.notification-toast', { hasText: 'revision 100 -> 101' });
    await toast.waitFor({ timeout: 60_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads.
    assert.match(await toast.innerText(), /Clearance: revision 100 -> 101: \d+ calls? newly allowed/);
    await screenshot(session.page, 'bundles-impact-101');
    const hover = await getHover(session.page, session.workspace, /Allowed/);
    assert.match(hover, /101 \(sha256:[0-9a-f]{12}\)/);
    assert.doesNotMatch(hover, /\b100 \(sha256:/);
    const row = await bundleMenuRow(session.page, '101');
    assert.match(row, /revision 101 \(sha256:[0-9a-f]{12}\) · signature verified \(key ci, RS256\)/);
    await session.page.keyboard.press('Escape');
  });

  test('a tampered download is refused: 101 stays in force, and the status bar and menu say why', async () => {
    await publish('102', ALLOW_READ, true);
    // The bundle item turns to a warning once the refused update is known.
    const deadline = Date.now() + hangGuardMs;
    let row = '';
    while (Date.now() < deadline) {
      row = await bundleMenuRow(session.page, '101');
      if (/refused/.test(row)) break;
      await session.page.keyboard.press('Escape');
      await session.page.waitForTimeout(2_000);
    }
    assert.match(row, /the downloaded bundle was refused: .*digest mismatch/);
    assert.match(row, /deciding with the last verified bundle/);
    await screenshot(session.page, 'bundles-refused');
    await session.page.keyboard.press('Escape');
    const item = session.page.locator('.statusbar .statusbar-item', { hasText: 'Policy 101' }).first();
    assert.match((await item.getAttribute('class')) ?? '', /warning-kind|has-background-color/);
    const hover = await getHover(session.page, session.workspace, /Allowed/);
    assert.match(hover, /101 \(sha256:[0-9a-f]{12}\) · kept after a failed update/);
  });
});
