/**
 * Parse-speed benchmark for the Rego parser: generates a ~1 MB policy of realistic rules and
 * prints how fast `tokenize` and `parseModule` get through it, and parsing's cost relative to
 * tokenizing alone (its peer in the same run). Run: `npm run bench -- rego-parse`.
 */
import { parseModule, tokenize } from '../server/src/rego/syntax/parser';

/** Builds one realistic rule block, varied by `i`. */
function makeRule(i: number): string {
  return `# Rule ${i}: allow reads of team resources
allow_${i} if {
  some role in input.user.roles
  role == "reader_${i % 7}"
  input.request.method in {"GET", "HEAD"}
  startswith(input.request.path, sprintf("/teams/%v/", [input.user.team]))
  count([x | x := data.teams[input.user.team].members[_]; x.active]) > ${i % 5}
}

deny_${i} contains msg if {
  not allow_${i}
  msg := $"denied {input.request.method} {input.request.path} for rule ${i}"
}

limits_${i}[name] := value if {
  some name, value in {"cpu": ${i}.5, "memory": 1e${(i % 9) + 1}, "burst": -${i}}
  value >= 0
}

level_${i} := "high" if {
  input.level > ${i}
} else := "low\t(default)"

f_${i}(x, y) := z if {
  z := (x + y) * ${i} / 2 % 7
} else := null
`;
}

/** Generates a policy of about `targetBytes` characters. */
export function generatePolicy(targetBytes: number): string {
  const parts = ['package bench.generated\n\nimport rego.v1\nimport data.teams\n\n'];
  let size = parts[0]?.length ?? 0;
  for (let i = 0; size < targetBytes; i++) {
    const rule = makeRule(i);
    parts.push(rule);
    size += rule.length;
  }
  return parts.join('');
}

/** Prints throughput from the fastest of several runs (the least disturbed by other work); returns its ms. */
function measure(label: string, bytes: number, run: () => void): number {
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(
    `${label}: ${(bytes / 1e6 / (best / 1000)).toFixed(1)} MB/s (best of 10: ${best.toFixed(0)} ms)`,
  );
  return best;
}

/** The benchmark entry point (`npm run bench -- rego-parse`). */
export async function runBenchmark(_args: string[]): Promise<void> {
  const text = generatePolicy(1_000_000);
  const bytes = Buffer.byteLength(text);
  const result = parseModule(text, 'bench.rego');
  console.log(
    `policy: ${(bytes / 1e6).toFixed(2)} MB, ${text.split('\n').length} lines, ` +
      `${result.module?.rules.length ?? 0} rules, ${result.errors.length} errors`,
  );
  if (result.errors[0]) console.log(result.errors[0]);
  const tokenizing = measure('tokenize', bytes, () => tokenize(text, 'bench.rego'));
  const parsing = measure('parseModule', bytes, () => parseModule(text, 'bench.rego'));
  console.log(`parseModule / tokenize: ${(parsing / tokenizing).toFixed(2)}x the time`);
}
