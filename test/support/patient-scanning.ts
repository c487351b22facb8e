/**
 * Scanner options for tests that check what is found, not how fast. A parse is bounded by its steps,
 * which do not depend on the machine; its wall-clock guard (60 s by default) does, and is raised here
 * so that no busy machine can turn a slow parse into a `scan_timeout` (the old 5 s limit did: the
 * pathological fixture go-self-reference/deep.go, 10,000 nested calls, about 0.3 s of CPU, took over
 * 5 s under load). The bound is tested in parse-budget.test.ts, the guard in scanner.test.ts, speed
 * by `npm run bench -- scan-project`.
 */
export const patientScanning = { parseTimeoutMs: 600_000 } as const;
