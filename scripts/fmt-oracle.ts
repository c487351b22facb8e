/**
 * Compares the formatter with OPA's own format test files (an independent oracle, not committed
 * here): for each DIR/{v1,v0,v0_to_v1}/NAME.rego with a NAME.rego.formatted beside it, formats the
 * source for that folder's target (v1 -> v1, v0 -> v0, v0_to_v1 -> v1 with `import rego.v1`) and
 * counts exact matches. Usage: node --import tsx scripts/fmt-oracle.ts DIR [--show]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FormatTarget, formatSource } from '../server/src/rego/format';

const [dir, flag] = process.argv.slice(2);
if (!dir) {
  console.error('usage: fmt-oracle.ts DIR [--show]');
  process.exit(2);
}
const targets: Record<string, FormatTarget> = { v1: 'v1', v0: 'v0', v0_to_v1: 'v0v1' };
let pass = 0;
let total = 0;
for (const [sub, target] of Object.entries(targets)) {
  const folder = join(dir, sub);
  if (!existsSync(folder)) continue;
  let subPass = 0;
  let subTotal = 0;
  for (const name of readdirSync(folder).sort()) {
    const expectedFile = join(folder, `${name}.formatted`);
    if (!name.endsWith('.rego') || !existsSync(expectedFile)) continue;
    subTotal++;
    const r = formatSource(readFileSync(join(folder, name), 'utf8'), { target, file: name });
    const ok = r.ok && r.text === readFileSync(expectedFile, 'utf8');
    if (ok) subPass++;
    else if (flag === '--show') console.log(`FAIL ${sub}/${name}${r.ok ? '' : `: ${r.errors[0]?.message}`}`);
  }
  console.log(`${sub}: ${subPass}/${subTotal}`);
  pass += subPass;
  total += subTotal;
}
console.log(`total: ${pass}/${total}`);
