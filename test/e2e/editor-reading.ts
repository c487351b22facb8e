/**
 * Reading the active editor in code-server as a person sees it: a line's rendered tokens, and the
 * hover over a piece of text (hovered again while the wanted answer is not there yet).
 */
import type { Page } from 'playwright-core';
import { hangGuardMs } from '../support/wait-for';

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
  const deadline = Date.now() + hangGuardMs;
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
  const deadline = Date.now() + hangGuardMs;
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
  /** How long to keep hovering before giving up, in ms: a hang guard (minutes) unless a test says otherwise. */
  timeoutMs?: number;
}

/**
 * Hovers `textOnLine` on a line of the active editor and returns the hover's text once it has settled.
 * Hovers again (as a person would) when the text is not rendered yet or moved away (lenses, semantic
 * tokens and the Problems panel redraw the editor under the mouse), and, with `until`, while the
 * answer is not there yet: a hover shows what the server knew when it was asked, such as "still
 * deciding" while a cold policy loads. Each attempt waits for the page, never for a pause.
 */
export async function hoverText(
  page: Page,
  lineNumber: number,
  textOnLine: string,
  options: HoverOptions = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? hangGuardMs);
  let text: string | undefined;
  let failure: unknown;
  do {
    try {
      text = await hoverOnce(page, lineNumber, textOnLine, deadline, options.until);
      if (!options.until || options.until.test(text)) return text;
    } catch (error) {
      failure = error;
    }
  } while (Date.now() < deadline);
  if (text === undefined) throw failure;
  return text;
}

/** How long a hover that does not show the wanted text may stay unchanged before it is asked again. */
const REHOVER_AFTER_MS = 3_000;

/** How long to wait for a hover to appear at all before moving onto the text again. */
const REAIM_AFTER_MS = 15_000;

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
  // A hover that does not show is aimed again (the line may have moved under the mouse as lenses
  // arrived), not waited for until the hang guard: re-aiming is a retry, not a deadline on the answer.
  await hover.waitFor({
    state: 'visible',
    timeout: Math.min(Math.max(deadline - Date.now(), 1), REAIM_AFTER_MS),
  });
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
export async function openHoverDetails(page: Page, wanted: RegExp, timeoutMs = hangGuardMs): Promise<string> {
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
