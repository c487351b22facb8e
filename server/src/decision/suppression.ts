/**
 * Suppressed calls: the scanner marks a call `suppressed` when the line above it holds a
 * `clearance: ignore` comment. Such a call is still decided (its hover explains it) but flagged
 * nowhere: no diagnostic, no lens, no code action, no audit record, and it does not fail a scan.
 */
import type { HttpCall } from '../scanner';

/** Whether a `clearance: ignore` comment above the call silences it. */
export function isSuppressed(call: HttpCall): boolean {
  // The field is the scanner's; read it loosely so this works with scanners that do not set it.
  return (call as HttpCall & { suppressed?: boolean }).suppressed === true;
}
