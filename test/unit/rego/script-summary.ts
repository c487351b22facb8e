/** Runs one of the repository's scoring scripts (conformance, corpus) and reads its `N passed, M failed` line. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The repository root. */
export const repo = join(__dirname, '..', '..', '..');

/** Runs `scripts/<script>` with `args` under tsx; returns its output and the summary counts. */
export function runScoringScript(
  script: string,
  args: string[] = [],
): { out: string; passed: number; failed: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts', script), ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const match = /^(\d+) passed, (\d+) failed$/m.exec(out);
  assert.ok(match, `no summary line in:\n${out.slice(-500)}`);
  return { out, passed: Number(match[1]), failed: Number(match[2]) };
}
