/**
 * CPU time instead of wall time, for tests that guard against work blowing up (a hang, a runaway
 * parse): on a loaded machine (load 20+ on 2 cores) wall time measures the other processes as much
 * as the code, while the CPU this process spends does not grow with the load.
 */

/** Runs `work` and returns its value with the CPU milliseconds this process spent meanwhile (all threads). */
export async function withCpuTime<T>(work: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const value = await work();
  const spent = process.cpuUsage(before);
  return { value, cpuMs: (spent.user + spent.system) / 1000 };
}
