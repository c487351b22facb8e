/** `clearance policy fmt`: formats Rego files as `opa fmt` does (stdout, `-w`, `--list`, `--diff`, `--fail`). */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type FormatTarget, formatSource } from '../rego/format';
import { SHARED_EXIT_CODES } from './exit-codes';
import { displayPath, formatCliError, noSuchPath } from './given-paths';
import type { Output } from './scan-command';

/** The options of `clearance policy fmt`. */
export interface FmtFlags {
  write?: boolean;
  list?: boolean;
  diff?: boolean;
  fail?: boolean;
  v0Compatible?: boolean;
  v0V1?: boolean;
}

/** Policy files bigger than this are refused rather than read. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Registers `fmt` on the `policy` command group. */
export function registerFmtCommand(policy: Command, output: Output, setExit: (code: number) => void): void {
  policy
    .command('fmt')
    .description(
      "format Rego files in `opa fmt`'s layout (to stdout unless -w, -l or -d; see docs/formatting.md)",
    )
    .argument('[paths...]', 'files or folders (.rego); none reads standard input')
    .option('-w, --write', 'write the result back to the files instead of printing it')
    .option('-l, --list', 'list the files whose formatting differs')
    .option('-d, --diff', 'print a diff of the changes formatting would make')
    .option('--fail', 'exit 1 when any file is not formatted (with -l or -d: the check for CI)')
    .option('--v0-compatible', 'read and write Rego v0 (OPA 0.x syntax)')
    .option('--v0-v1', 'read Rego v0 and write Rego v1 that v0 also reads (adds `import rego.v1`)')
    .addHelpText(
      'after',
      '\nWithout flags, Rego v1 is written; a file that only parses as v0 is rewritten as v1.\n' +
        'Exit codes: 0 done; 1 --fail and a file is not formatted; 2 a path does not exist, or a file does not\n' +
        `parse or cannot be read;\n${SHARED_EXIT_CODES}`,
    )
    .action((paths: string[], flags: FmtFlags) => setExit(runPolicyFmt(paths, flags, output)));
}

/** Formats files or standard input; returns the exit code. */
export function runPolicyFmt(paths: string[], flags: FmtFlags, output: Output, stdin?: () => string): number {
  const target: FormatTarget = flags.v0Compatible ? 'v0' : flags.v0V1 ? 'v0v1' : 'v1';
  if (paths.length === 0) {
    const text = (stdin ?? (() => readFileSync(0, 'utf8')))();
    const r = formatSource(text, { target, file: '<stdin>' });
    if (!r.ok) {
      for (const e of r.errors) output.err(`${formatCliError(e)}\n`);
      return 2;
    }
    if (flags.diff) output.out(unifiedDiff('<stdin>', text, r.text));
    else if (flags.list) {
      if (r.text !== text) output.out('<stdin>\n');
    } else output.out(r.text);
    return flags.fail && r.text !== text ? 1 : 0;
  }
  const { files, missing } = collectRegoFiles(paths, output);
  // A path that is not there is a mistake in the command (a CI check of nothing must not pass).
  let failed = missing;
  let changed = false;
  for (const file of files) {
    let text: string;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      text = readFileSync(file, 'utf8');
    } catch (e) {
      output.err(`clearance policy fmt: cannot read ${displayPath(file)}: ${(e as Error).message}\n`);
      failed = true;
      continue;
    }
    const r = formatSource(text, { target, file: displayPath(file) });
    if (!r.ok) {
      for (const e of r.errors) output.err(`${formatCliError(e)}\n`);
      failed = true;
      continue;
    }
    const differs = r.text !== text;
    if (differs) changed = true;
    if (flags.list && differs) output.out(`${displayPath(file)}\n`);
    if (flags.diff && differs) output.out(unifiedDiff(displayPath(file), text, r.text));
    if (flags.write && differs) writeFileSync(file, r.text);
    if (!flags.list && !flags.diff && !flags.write) output.out(r.text);
  }
  if (failed) return 2;
  return flags.fail && changed ? 1 : 0;
}

/** The `.rego` files named or under the folders named, sorted per folder; `missing` when a path is not there. */
function collectRegoFiles(paths: string[], output: Output): { files: string[]; missing: boolean } {
  const out: string[] = [];
  let missing = false;
  const walk = (p: string, top: boolean) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      if (top) {
        output.err(`clearance policy fmt: ${noSuchPath(p)}\n`);
        missing = true;
      }
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        walk(join(p, name), false);
      }
    } else if (top || p.endsWith('.rego')) out.push(p);
  };
  for (const p of paths) walk(p, true);
  return { files: out, missing };
}

/** A unified diff of two texts (line based; three lines of context). */
export function unifiedDiff(name: string, a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf])
    suf++;
  const mx = x.slice(pre, x.length - suf);
  const my = y.slice(pre, y.length - suf);
  const ops = diffLines(mx, my);
  const ctxStart = Math.max(0, pre - 3);
  const lines: string[] = [];
  for (let i = ctxStart; i < pre; i++) lines.push(` ${x[i]}`);
  lines.push(...ops);
  const tail = x.slice(x.length - suf, Math.min(x.length, x.length - suf + 3));
  for (const l of tail) lines.push(` ${l}`);
  const oldLen = pre - ctxStart + mx.length + tail.length;
  const newLen = pre - ctxStart + my.length + tail.length;
  return `--- ${name}\n+++ ${name} (formatted)\n@@ -${ctxStart + 1},${oldLen} +${ctxStart + 1},${newLen} @@\n${lines.join('\n')}\n`;
}

/** The middle of a diff by longest common subsequence; very long middles are shown as replaced. */
function diffLines(a: string[], b: string[]): string[] {
  if (a.length * b.length > 4_000_000) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i * w + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * w + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * w + j] as number, lcs[i * w + j + 1] as number);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i++]}`);
      j++;
    } else if (
      j < b.length &&
      (i >= a.length || (lcs[i * w + j + 1] as number) >= (lcs[(i + 1) * w + j] as number))
    )
      out.push(`+${b[j++]}`);
    else out.push(`-${a[i++]}`);
  }
  return out;
}
