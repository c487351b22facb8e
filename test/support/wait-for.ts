/**
 * Waiting for an event instead of sleeping: a test polls the condition it needs, with an upper
 * bound generous enough for a loaded machine, and fails naming what never came.
 */

/**
 * How long a test waits for an event before it calls the wait hung: minutes, never a speed check. 10 s,
 * then 30 and 60 s, were less than a language server's start, a worker's start and a policy's compile
 * at load 20 to 30 on 2 cores, and failed tests whose server was right. Node's per-file timeout
 * (600 s, scripts/test.sh) stays above it. CLEARANCE_TEST_HANG_GUARD_MS shortens it, to see a test
 * fail quickly against a server broken on purpose.
 */
export const hangGuardMs = Number(process.env.CLEARANCE_TEST_HANG_GUARD_MS) || 5 * 60_000;

/**
 * Waits until `check` passes (polling a condition the test cannot be told about, e.g. a file on
 * disk), or fails naming `what` after the hang guard. A test of a language server waits with
 * test/lsp/lsp-client.ts's `until`, which checks again on each message instead of on a timer.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined,
  timeoutMs = hangGuardMs,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
