/**
 * Waiting for an event instead of sleeping: a test polls the condition it needs, with an upper
 * bound generous enough for a loaded machine, and fails naming what never came.
 */

/**
 * Waits until `check` passes (polling), or fails with the last reason after `timeoutMs`. The default
 * bound is a hang guard, not a speed check: 10 s was less than a language server's start, a worker's
 * start and a policy's compile at load 20 on 2 cores, and failed tests whose server was right.
 */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 60_000): Promise<T> {
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
