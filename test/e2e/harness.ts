// End-to-end harness: a real VS Code (code-server, installed by `npm run setup`) with an extension installed,
// driven in Debian's Chromium through playwright-core.
// The code-server process lives in code-server.ts, the editor's lines and hovers in editor-reading.ts;
// both are re-exported here, so that a test imports everything from this file.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { hangGuardMs } from '../support/wait-for';
import { type CodeServer, startCodeServer } from './code-server';
import { ensurePackagedExtension, vsixPath } from './vsix';

export * from './code-server';
export * from './editor-reading';

/** Root of the repository (this file lives in test/e2e/). */
export const repoRoot = resolve(__dirname, '..', '..');

/** Where screenshots go. */
export const resultsDir = join(repoRoot, 'test-results');

/** Debian's Chromium, installed by scripts/setup.sh. */
export const chromiumPath = process.env.CLEARANCE_CHROMIUM ?? '/usr/bin/chromium';

// As root with no network: no sandbox, and nothing that phones home (its refused connections slow start-up).
const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches Debian's Chromium headless through playwright-core. */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is not installed at ${chromiumPath}: run \`npm run setup\` first`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
}

/** Opens the workbench in a new page and waits until the editor area and status bar are there. */
export async function openWorkbench(browser: Browser, server: CodeServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Playwright's own 30 s for the page's load event ran out at load 32 on 2 cores: the hang guard it is.
  await page.goto(server.workspaceUrl, { timeout: hangGuardMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: hangGuardMs });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: hangGuardMs });
  await dismissStartupNoise(page);
  return page;
}

/** Trusts the workspace if asked, and closes welcome pages and notifications that would cover the editor. */
export async function dismissStartupNoise(page: Page): Promise<void> {
  const trustButton = page.locator('.monaco-dialog-box a.monaco-button', { hasText: /trust/i }).first();
  if (await trustButton.isVisible().catch(() => false)) await trustButton.click();
  const welcomeTabs = page.locator('.tabs-container .tab', { hasText: /Welcome|Get Started|Walkthrough/i });
  for (let count = await welcomeTabs.count(); count > 0; count--) {
    await welcomeTabs.first().locator('.codicon-close').click({ force: true });
  }
  const closeToasts = page.locator(
    '.notifications-toasts .codicon-notifications-clear, .notification-toast .codicon-close',
  );
  for (let count = await closeToasts.count(); count > 0; count--) {
    await closeToasts
      .first()
      .click({ force: true })
      .catch(() => undefined);
  }
}

/** Runs a command from the command palette by its label. */
export async function runCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Runs every test from the Test Explorer and returns its summary once it matches `wanted` (or what
 * it said last, after `timeoutMs`), with a screenshot named `shot`.
 */
export async function runAllTests(
  page: Page,
  wanted: RegExp,
  shot: string,
  timeoutMs = hangGuardMs,
): Promise<string> {
  await runCommand(page, 'Test: Run All Tests');
  const summary = page.locator('.test-explorer, .result-summary, .testing-progress-summary');
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await summary.allTextContents()).join(' ');
    if (wanted.test(text)) break;
    await page.waitForTimeout(500);
  }
  await screenshot(page, shot);
  return text;
}

/** Clicks the first code lens whose title matches, then the quick pick's row that holds `pick`. */
export async function clickLensAndPick(page: Page, lens: RegExp, pick: string): Promise<void> {
  const link = page.locator('.contentWidgets .codelens-decoration a', { hasText: lens }).first();
  await link.waitFor({ timeout: 60_000 });
  await link.click();
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab to be active. */
export async function openFile(page: Page, relPath: string): Promise<void> {
  const name = basename(relPath);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relPath);
  // Enter before the file search has answered would pick nothing.
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .first()
    .waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** Waits for a status bar item whose text matches and returns that text. */
export async function statusBarText(
  page: Page,
  matcher: RegExp | string,
  timeoutMs = hangGuardMs,
): Promise<string> {
  const matches = (text: string) =>
    typeof matcher === 'string' ? text.includes(matcher) : matcher.test(text);
  const items = page.locator('.statusbar .statusbar-item');
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = (await items.allInnerTexts()).map((text) => text.trim());
    const found = seen.find(matches);
    if (found !== undefined) return found;
    await page.waitForTimeout(250);
  }
  throw new Error(
    `no status bar item matched ${matcher} within ${timeoutMs} ms; seen: ${JSON.stringify(seen)}`,
  );
}

/** One row of the Problems panel: what it shows, and its accessible label (which names the severity and line). */
export interface ProblemRow {
  text: string;
  ariaLabel: string;
}

/** Opens the Problems panel and returns its rows once at least `minRows` are listed. */
export async function problemsPanelRows(
  page: Page,
  minRows = 1,
  timeoutMs = hangGuardMs,
): Promise<ProblemRow[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
  }
  const rows = panel.locator('.monaco-list-row');
  const deadline = Date.now() + timeoutMs;
  while ((await rows.count()) < minRows && Date.now() < deadline) await page.waitForTimeout(200);
  const result: ProblemRow[] = [];
  for (const row of await rows.all()) {
    // The panel redraws when diagnostics change: a row gone while being read is skipped, not waited for
    // (callers that need a settled list poll).
    const text = await row.textContent({ timeout: 1_000 }).catch(() => null);
    const ariaLabel = await row.getAttribute('aria-label', { timeout: 1_000 }).catch(() => null);
    if (text === null || ariaLabel === null) continue;
    result.push({ text: text.trim(), ariaLabel });
  }
  return result;
}

/** Opens the Problems panel and returns one line per row, as a screen reader reads it ("Warning: ... at line N ..."). */
export async function problemsPanelText(page: Page): Promise<string> {
  const rows = await problemsPanelRows(page);
  return rows.map((row) => row.ariaLabel || row.text).join('\n');
}

/** Saves a screenshot of the whole page as test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** What a suite's code-server session started: filled by its `before` hook, for the tests to use. */
export interface EditorSession {
  /** The folder code-server opened (a temporary copy, removed after the suite). */
  workspace: string;
  server: CodeServer;
  browser: Browser;
  page: Page;
}

/** How a suite's code-server session starts, and what it keeps when it ends. */
export interface EditorSessionOptions {
  /** Makes the folder to open, a temporary one that is removed after the suite. */
  workspace: () => string | Promise<string>;
  /** User settings over the harness's quiet defaults; given the workspace, as they may name its files. */
  userSettings?: (workspace: string) => Record<string, unknown>;
  /** Runs once the workbench is open (open a file, wait for the identity), before any test. */
  ready?: (page: Page, workspace: string) => Promise<void>;
  /** Kept in test-results/ after the suite: a screenshot of the last screen, and VS Code's logs. */
  keep?: { screenshot?: string; logs?: string };
}

/**
 * Registers a suite's `before` and `after` hooks around one editor: the packaged extension installed
 * in a fresh code-server on 127.0.0.1 opening the workspace `options` makes, and the workbench open
 * in Chromium; afterwards the screenshot and logs asked for are kept, and the browser, code-server
 * and the workspace are gone. Hooks of the suite registered before this call run before it starts;
 * ones registered after run after it ends.
 */
export function useEditorSession(options: EditorSessionOptions): EditorSession {
  const session = {} as EditorSession;
  let workspace: string | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  before(async () => {
    ensurePackagedExtension();
    workspace = await options.workspace();
    session.workspace = workspace;
    server = await startCodeServer({
      vsix: vsixPath,
      workspace,
      ...(options.userSettings ? { userSettings: options.userSettings(workspace) } : {}),
    });
    session.server = server;
    browser = await openBrowser();
    session.browser = browser;
    page = await openWorkbench(browser, server);
    session.page = page;
    await options.ready?.(page, workspace);
  });
  after(async () => {
    const { screenshot: shot, logs } = options.keep ?? {};
    if (page && shot) await screenshot(page, shot).catch(() => undefined);
    if (logs) server?.collectLogs(join(resultsDir, logs));
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });
  return session;
}

/** Merges `patch` into the workspace's `.vscode/settings.json` (created when missing). */
export function mergeWorkspaceSettings(workspace: string, patch: Record<string, unknown>): void {
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  const settings = existsSync(settingsFile)
    ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>)
    : {};
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(settingsFile, `${JSON.stringify({ ...settings, ...patch }, null, 2)}\n`);
}
