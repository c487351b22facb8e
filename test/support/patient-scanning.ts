/**
 * Scanner options for tests that check what is found, not how fast. The parse limit (5 s of wall
 * time by default) measures the machine's load as much as the parse: on a loaded machine a
 * pathological fixture (go-self-reference/deep.go, 10,000 nested calls, about 0.3 s of CPU) took
 * over 5 s and was reported as `scan_timeout`. The limit itself is tested in scanner.test.ts, speed
 * by `npm run bench -- scan-project`.
 */
export const patientScanning = { parseTimeoutMs: 600_000 } as const;
