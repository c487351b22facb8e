// End-to-end harness: a real VS Code (code-server, installed by `npm run setup`) with an extension installed,
// driven in Debian's Chromium through playwright-core.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import {
  buildCodeServerEnv,
  buildInstallArgs,
  buildServeArgs,
  codeServerEntry,
  makeStateDirs,
  quietUserSettings,
} from '../../scripts/code-server.cjs';
import { ensurePackagedExtension, vsixPath } from './vsix';

const execFileAsync = promisify(execFile);

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

// Over the shared quiet settings: no experiments, git or chat prompts, a plain editor, and hovers quick. No auto
// save (on by default in the browser): a test that types into a file decides whether it is written.
const testUserSettings: Record<string, unknown> = {
  ...quietUserSettings,
  'files.autoSave': 'off',
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'editor.hover.delay': 150,
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
};

/** How to start code-server: the extension to install (a .vsix or an unpacked folder) and the folder to open. */
export interface CodeServerOptions {
  /** A packaged extension, installed with `--install-extension`. */
  vsix?: string;
  /** An unpacked extension folder (holding its package.json), copied into the extensions dir. */
  extensionDir?: string;
  /** Absolute path of the folder to open. */
  workspace: string;
  /** User settings merged over the harness's quiet defaults. */
  userSettings?: Record<string, unknown>;
  /** Keep Workspace Trust on (default false: started with --disable-workspace-trust). */
  trust?: boolean;
  /** How long to wait for the HTTP port to answer, in ms. */
  startTimeoutMs?: number;
}

/** A running code-server and how to reach and stop it. */
export interface CodeServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** URL that opens the workspace folder. */
  workspaceUrl: string;
  /** Temporary directory holding the user data, extensions and logs. */
  stateDir: string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Copies VS Code's logs (server, extension host, output channels) into a folder, for a failed run. */
  collectLogs(destination: string): void;
  /** Stops code-server's whole process group and removes its temporary directory. */
  stop(): Promise<void>;
}

/** Finds a free TCP port on 127.0.0.1. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Installs an extension into an extensions dir: a .vsix through code-server's CLI, a folder by copying it. */
export async function installExtension(
  extensionsDir: string,
  userDataDir: string,
  source: { vsix?: string; extensionDir?: string },
  env: NodeJS.ProcessEnv = buildCodeServerEnv(userDataDir),
): Promise<void> {
  if (source.vsix) {
    await execFileAsync(
      process.execPath,
      buildInstallArgs({ userDataDir, extensionsDir }, resolve(source.vsix)),
      {
        env,
        timeout: 60_000,
      },
    );
    return;
  }
  if (source.extensionDir) {
    const manifest = JSON.parse(readFileSync(join(source.extensionDir, 'package.json'), 'utf8')) as {
      publisher: string;
      name: string;
      version: string;
    };
    const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    cpSync(source.extensionDir, target, { recursive: true, dereference: true });
  }
}

// Groups of the code-servers still running, killed if this process exits without stopping them (a failed
// hook, an uncaught error, Ctrl+C on the test runner).
const runningGroups = new Set<number>();

/** Kills every code-server group still running; safe to call from an exit handler (synchronous). */
function killRunningGroups(): void {
  for (const pid of runningGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  runningGroups.clear();
}

process.once('exit', killRunningGroups);
// A signal ends the process without running exit handlers: clean up first, then re-raise it (which ends the
// process unless another listener, such as Playwright's, handles it).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killRunningGroups();
    process.kill(process.pid, signal);
  });
}

/** Sends a signal to a whole process group, ignoring one that is already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group has already exited.
  }
}

/** Waits until a process has exited, or the timeout passes; says whether it exited. */
async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/** Polls the HTTP port until code-server answers, failing early if it exits. */
async function waitForHttp(baseUrl: string, child: ChildProcess, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `code-server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on ${baseUrl} within ${timeoutMs} ms:\n${output()}`);
}

/** Starts code-server on a free 127.0.0.1 port with fresh user data and extensions dirs and the extension installed. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed at ${codeServerEntry}: run \`npm run setup\` first`);
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'clearance-e2e-'));
  const dirs = makeStateDirs(stateDir);
  const { userDataDir, extensionsDir } = dirs;
  const settings = {
    ...testUserSettings,
    'security.workspace.trust.enabled': options.trust ?? false,
    ...options.userSettings,
  };
  writeFileSync(dirs.settingsFile, JSON.stringify(settings, null, 2));
  const env = buildCodeServerEnv(stateDir);
  try {
    await installExtension(extensionsDir, userDataDir, options, env);
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }

  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = [...buildServeArgs(dirs, port), '--ignore-last-opened'];
  if (!options.trust) args.push('--disable-workspace-trust');
  args.push(options.workspace);

  // Its own process group, so that stopping it also stops the extension host and language servers it forks.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) runningGroups.add(child.pid);
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const output = () => printed;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    signalGroup(child, 'SIGTERM');
    if (!(await waitForExit(child, 5_000))) signalGroup(child, 'SIGKILL');
    // Children can outlive the leader by a moment; a last SIGKILL to the group leaves none behind.
    await new Promise((r) => setTimeout(r, 200));
    signalGroup(child, 'SIGKILL');
    await waitForExit(child, 2_000);
    if (child.pid !== undefined) runningGroups.delete(child.pid);
    rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    await waitForHttp(baseUrl, child, options.startTimeoutMs ?? 60_000, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl,
    workspaceUrl: `${baseUrl}/?folder=${encodeURIComponent(options.workspace)}`,
    stateDir,
    output,
    collectLogs: (destination: string) => {
      rmSync(destination, { recursive: true, force: true });
      mkdirSync(destination, { recursive: true });
      writeFileSync(join(destination, 'code-server.out.log'), printed);
      const logsDir = join(userDataDir, 'logs');
      if (existsSync(logsDir)) cpSync(logsDir, destination, { recursive: true });
    },
    stop,
  };
}

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
  await page.goto(server.workspaceUrl);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
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
  timeoutMs = 60_000,
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

/** Moves the cursor of the active editor to a line (Ctrl+G), which also scrolls it into view. */
export async function goToLine(page: Page, lineNumber: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  // Ctrl+G opens Quick Open with the `:` prefix that fill() would otherwise replace.
  await input.fill(`:${lineNumber}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Finds the rendered text row of a line of the active editor (it must be scrolled into view), or null. */
async function renderedLine(page: Page, lineNumber: number) {
  const editor = page.locator('.editor-instance .monaco-editor').first();
  // The gutter row and the text row of one line are placed at the same `top`.
  const gutterRow = editor
    .locator('.margin-view-overlays > div')
    .filter({ has: page.locator('.line-numbers', { hasText: new RegExp(`^\\s*${lineNumber}\\s*$`) }) })
    .first();
  const gutterStyle = (await gutterRow.getAttribute('style', { timeout: 10_000 })) ?? '';
  const top = /top:\s*([\d.]+px)/.exec(gutterStyle)?.[1];
  if (!top) return null;
  // Monaco writes `top:Npx` when it first renders a line and `top: Npx` after moving it (a code lens
  // or another view zone above shifts it), independently for the gutter and the text: match either.
  return editor.locator(`.view-lines > .view-line:is([style*="top:${top}"], [style*="top: ${top}"])`).first();
}

/** One token of a rendered line: its text (spaces as spaces) and its class (`mtkN` names its colour). */
export interface RenderedToken {
  text: string;
  className: string;
}

/** The DOM members the in-page line measurements use (the tests compile without the DOM types). */
interface RenderedSpan {
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
}

/** A rendered line as the in-page measurements see it. */
interface RenderedLineElement {
  querySelectorAll(selector: string): ArrayLike<RenderedSpan>;
}

/** Returns the tokens Monaco rendered for a line of the active editor (one span per token). */
export async function lineTokens(page: Page, lineNumber: number): Promise<RenderedToken[]> {
  // The line may move between finding its place and reading it (a code lens or a view zone arrives
  // above it): look again for a while when the line is no longer where it was.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = await renderedLine(page, lineNumber);
    if (!line) return [];
    // Read the spans in one step inside the page: Monaco re-renders a line when its tokens change (a
    // semantic-token pass arrives), and a span counted a moment ago may be gone by the next round trip.
    const tokens = await line
      .evaluate(
        (element) =>
          Array.from(
            (element as unknown as RenderedLineElement).querySelectorAll(':scope > span > span'),
            (span) => ({
              // VS Code renders spaces as non-breaking spaces.
              text: (span.textContent ?? '').replace(/\u00a0/g, ' '),
              className: span.getAttribute('class') ?? '',
            }),
          ),
        undefined,
        { timeout: 5_000 },
      )
      .catch((error: unknown) => {
        if (Date.now() > deadline) throw error;
        return undefined;
      });
    if (tokens) return tokens;
    await page.waitForTimeout(250);
  }
}

/** Finds the screen point a little inside the first occurrence of `text` on a rendered line, or null. */
async function locateTextOnLine(page: Page, lineNumber: number, text: string) {
  // The line may be re-rendered between finding it and measuring it (new tokens, a lens above it):
  // measure in one step inside the page, and look again for a while when the line moved away.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = await renderedLine(page, lineNumber);
    const point = await line
      ?.evaluate(
        (element, wanted) => {
          // Monaco renders one span per token; the token may hold more than `text`, so measure inside it.
          // The page runs this function alone: no helper of this file is in scope there.
          const spans = (element as unknown as RenderedLineElement).querySelectorAll(':scope > span > span');
          for (const span of Array.from(spans)) {
            // VS Code renders spaces as non-breaking spaces.
            const content = (span.textContent ?? '').replace(/\u00a0/g, ' ');
            const start = content.indexOf(wanted);
            const box = span.getBoundingClientRect();
            if (start < 0 || box.width === 0 || content.length === 0) continue;
            const charWidth = box.width / content.length;
            return {
              x: box.x + (start + Math.min(wanted.length / 2, 1.5)) * charWidth,
              y: box.y + box.height / 2,
            };
          }
          return null;
        },
        text,
        { timeout: 5_000 },
      )
      .catch(() => null);
    if (point) return point;
    if (Date.now() > deadline) return null;
    await page.waitForTimeout(250);
  }
}

/** What hoverText waits for. */
export interface HoverOptions {
  /** Return as soon as the hover's text matches this and has stopped changing (other providers may still be loading). */
  until?: RegExp;
  /** How long to wait for the hover, in ms. */
  timeoutMs?: number;
}

/**
 * Hovers `textOnLine` on a line of the active editor and returns the hover's text once it has settled.
 * With `until`, hovers again (as a person would) while the answer is not there yet: a hover shows what
 * the server knew when it was asked, such as "still deciding" while a cold policy loads.
 */
export async function hoverText(
  page: Page,
  lineNumber: number,
  textOnLine: string,
  options: HoverOptions = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let text = await hoverOnce(page, lineNumber, textOnLine, deadline, options.until);
  while (options.until && !options.until.test(text) && Date.now() < deadline) {
    text = await hoverOnce(page, lineNumber, textOnLine, deadline, options.until).catch(() => text);
  }
  return text;
}

/** How long a hover that does not show the wanted text may stay unchanged before it is asked again. */
const REHOVER_AFTER_MS = 3_000;

/** One hover: moves onto the text, waits for the hover to show and settle, and returns its text. */
async function hoverOnce(
  page: Page,
  lineNumber: number,
  textOnLine: string,
  deadline: number,
  until: RegExp | undefined,
): Promise<string> {
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  await page.keyboard.press('Escape');
  await page.mouse.move(1, 1);
  await hover.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  await goToLine(page, lineNumber);
  const point = await locateTextOnLine(page, lineNumber, textOnLine);
  if (!point) throw new Error(`"${textOnLine}" is not rendered on line ${lineNumber}`);
  // Two moves make the editor see the mouse move over the token, not just land on it.
  await page.mouse.move(point.x - 2, point.y);
  await page.mouse.move(point.x, point.y);
  await hover.waitFor({ state: 'visible', timeout: Math.max(deadline - Date.now(), 5_000) });
  // Providers answer one after another (TypeScript's says "(loading...)" while its server starts): wait until the
  // wanted text is there, or nothing is loading, and the hover has stopped changing.
  let previous = '';
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, line breaks and all, is what a person reads.
    const current = (await hover.innerText().catch(() => '')).trim();
    const stableFor = Date.now() - stableSince;
    if (current !== previous) {
      previous = current;
      stableSince = Date.now();
    } else if (current && stableFor >= 500) {
      if (until ? until.test(current) : !/loading\.\.\./i.test(current)) return current;
      // The wanted answer did not come to this hover: let the caller ask again.
      if (until && stableFor >= REHOVER_AFTER_MS) return current;
    }
    await page.waitForTimeout(100);
  }
  return previous;
}

/**
 * Opens the details of the shown hover and returns its whole text once it matches `wanted`. Another
 * provider's answer (TypeScript's, after "(loading...)") redraws the hover and closes the details a
 * click just opened, so this clicks again until the details stay open and show what is wanted.
 */
export async function openHoverDetails(page: Page, wanted: RegExp, timeoutMs = 15_000): Promise<string> {
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    const open = await hover
      .locator('details[open]')
      .count()
      .catch(() => 0);
    if (open === 0)
      await hover
        .locator('summary')
        .first()
        .click({ timeout: 2_000 })
        .catch(() => undefined);
    await page.waitForTimeout(300);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a person reads.
    text = (await hover.innerText().catch(() => text)) ?? text;
    if (wanted.test(text)) return text;
  }
  return text;
}

/** Waits for a status bar item whose text matches and returns that text. */
export async function statusBarText(
  page: Page,
  matcher: RegExp | string,
  timeoutMs = 30_000,
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
export async function problemsPanelRows(page: Page, minRows = 1, timeoutMs = 30_000): Promise<ProblemRow[]> {
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
