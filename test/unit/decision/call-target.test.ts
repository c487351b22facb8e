/** Runs test/fixtures/call-target/*.yaml: a call's action, resource and host under a `.clearance.yaml`. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseProjectConfig } from '../../../server/src/config/clearance-yaml';
import { buildCallInput } from '../../../server/src/decision/input';
import type { Identity } from '../../../server/src/identity';
import { type HttpCall, parseResource, type UrlSegment } from '../../../server/src/scanner';

interface TargetCase {
  note: string;
  call: { method: string | null; url: string; known?: boolean; action?: string; resource?: string };
  input: { action?: string; resource: Record<string, string> };
  /** The host the call is shown as not governed for, when services are listed and none is its host. */
  ungoverned?: string;
}

const fixtures = join(__dirname, '..', '..', 'fixtures', 'call-target');
const identity: Identity = { status: 'missing', reason: 'test', source: { kind: 'none', label: 'none' } };
const at = { line: 1, column: 1, offset: 0 };
const nowhere = { file: 'a.ts', start: at, end: at };

for (const name of readdirSync(fixtures).filter((file) => file.endsWith('.yaml'))) {
  const fixture = parse(readFileSync(join(fixtures, name), 'utf8')) as {
    config: string;
    cases: TargetCase[];
  };
  const { config } = parseProjectConfig(fixture.config, '.clearance.yaml');
  for (const item of fixture.cases) runCase(name, item, config);
}

function runCase(
  name: string,
  item: TargetCase,
  config: ReturnType<typeof parseProjectConfig>['config'],
): void {
  test(`call target (${name}): ${item.note}`, () => {
    assert.ok(config, 'the fixture configuration reads');
    const segments: UrlSegment[] = item.call.url
      .split(/(\$\{[^}]*\})/)
      .filter((part) => part.length > 0)
      .map((part) =>
        part.startsWith('${') ? { kind: 'expr', source: part.slice(2, -1) } : { kind: 'literal', text: part },
      );
    const resource = item.call.resource === undefined ? undefined : parseResource(item.call.resource);
    assert.ok(typeof resource !== 'string');
    const call: HttpCall = {
      kind: 'http',
      client: item.call.known === false ? 'custom' : 'fetch',
      method: item.call.method ?? undefined,
      url: { source: item.call.url, segments, known: item.call.known ?? true },
      location: nowhere,
      calleeLocation: nowhere,
      text: '',
      ...(item.call.action === undefined ? {} : { action: item.call.action, origin: 'annotation' as const }),
      ...(resource === undefined ? {} : { resource }),
    };
    const built = buildCallInput(call, identity, new Date(0), config);
    assert.deepEqual({ action: built.input.action, resource: built.input.resource }, item.input);
    assert.equal(built.ungoverned, item.ungoverned);
  });
}
