/**
 * The device probe: a configured program that says whether this machine is managed (enrolled in
 * the organisation's device management). It prints JSON: `true`/`false`, or an object with a
 * boolean `managed` and any other facts (`{"managed": true, "compliant": true, "os": "macOS"}`).
 * Its answer is cached, since it rarely changes and probes can be slow.
 */
import { sanitizeText } from './display';
import { labelCommand, runCommand } from './run-command';
import type { DeviceState } from './types';

/** How long the probe may run. */
export const DEVICE_PROBE_TIMEOUT_MS = 10_000;
/** How long its answer is reused. */
export const DEVICE_PROBE_CACHE_MS = 10 * 60_000;
const MAX_FACTS = 16;

/** The device state when no probe is configured. */
export const UNKNOWN_DEVICE: DeviceState = {
  managed: null,
  facts: {},
  reason: 'no device probe configured (clearance.identity.deviceCommand)',
};

const cache = new Map<string, { atMs: number; state: DeviceState }>();

/** Forgets cached probe answers (for a refresh and for tests). */
export function clearDeviceCache(): void {
  cache.clear();
}

/** Runs the probe (or reuses its answer from the last ten minutes); never throws. */
export async function probeDevice(
  argv: readonly string[] | undefined,
  context: { baseDir: string; env: NodeJS.ProcessEnv; nowMs: number },
): Promise<DeviceState> {
  if (argv === undefined) return UNKNOWN_DEVICE;
  const key = JSON.stringify([argv, context.baseDir]);
  const cached = cache.get(key);
  if (cached !== undefined && context.nowMs - cached.atMs < DEVICE_PROBE_CACHE_MS) return cached.state;
  const label = `device probe ${labelCommand(argv)}`;
  const result = await runCommand(argv, {
    timeoutMs: DEVICE_PROBE_TIMEOUT_MS,
    maxOutputBytes: 16 * 1024,
    cwd: context.baseDir,
    env: context.env,
  });
  const state = result.ok
    ? parseDeviceOutput(result.stdout, label)
    : { managed: null, facts: {}, reason: `device probe ${result.reason}` };
  cache.set(key, { atMs: context.nowMs, state });
  return state;
}

/** Reads the probe's JSON output into a device state; unusable output gives `managed: null`. */
export function parseDeviceOutput(stdout: string, label: string): DeviceState {
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim());
  } catch {
    return { managed: null, facts: {}, reason: `${label} did not print JSON` };
  }
  if (typeof json === 'boolean') return { managed: json, facts: {} };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return {
      managed: null,
      facts: {},
      reason: `${label} printed JSON that is neither a boolean nor an object`,
    };
  const record = json as Record<string, unknown>;
  const facts: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(record).slice(0, MAX_FACTS + 1)) {
    if (name === 'managed' || !/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(name)) continue;
    if (typeof value === 'string') facts[name] = sanitizeText(value, 120);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      facts[name] = value;
  }
  if (typeof record.managed !== 'boolean')
    return { managed: null, facts, reason: `${label} printed no boolean "managed"` };
  return { managed: record.managed, facts };
}
