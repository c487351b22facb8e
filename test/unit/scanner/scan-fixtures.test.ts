/**
 * Runs the scanner over every fixture in test/fixtures/scanner/calls and compares the calls it
 * finds with the expectations written beside each fixture (see that folder's README).
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { Position } from '../../../server/src/errors';
import {
  type ClientMapping,
  createScanner,
  type HttpCall,
  parseResource,
  resourceForUrl,
  type ScanLanguage,
} from '../../../server/src/scanner';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'scanner', 'calls');

interface ExpectedCall {
  at: [number, number];
  start?: [number, number];
  end?: [number, number];
  offset?: number;
  method: string | null;
  url: string;
  known?: boolean;
  segments?: Array<{ literal: string } | { expr: string }>;
  resource?: unknown;
  text?: string;
  client?: string;
  callee?: string;
  origin?: string;
  action?: string;
  fixed?: unknown;
  suppressed?: boolean;
}

interface Expectation {
  language?: ScanLanguage;
  source?: string;
  /** `.clearance.yaml`-style client mappings: `'ordersClient.remove($id)': { action, resource }`. */
  clients?: Record<string, { action: string; resource?: string }>;
  calls: ExpectedCall[];
  errors?: Array<{ code: string; at: [number, number] }>;
}

const defaultScanner = createScanner();

for (const name of readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.yaml'))
  .sort()) {
  test(`fixture ${name}`, async () => {
    const expectation = parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Expectation;
    const fixture = path.join(FIXTURES, name.replace(/\.yaml$/, ''));
    const text = expectation.source ?? readFileSync(fixture, 'utf8');
    const file = existsSync(fixture) ? fixture : `${fixture}.ts`;
    const scanner = expectation.clients
      ? createScanner({ clientMappings: readMappings(expectation.clients) })
      : defaultScanner;
    const result = await scanner.scanText(file, text, expectation.language);

    assert.deepEqual(
      result.errors.map((error) => ({
        code: error.code,
        at: [error.location?.start.line, error.location?.start.column],
      })),
      expectation.errors ?? [],
    );
    assert.deepEqual(
      result.calls.map((call) => project(call, expectation.calls[result.calls.indexOf(call)])),
      expectation.calls.map(normalise),
    );
    result.calls.forEach((call, index) => {
      checkInvariants(call, text, file, expectation.calls[index]);
    });
  });
}

function readMappings(clients: NonNullable<Expectation['clients']>): ClientMapping[] {
  return Object.entries(clients).map(([pattern, target]) => {
    const open = pattern.indexOf('(');
    const resource = target.resource === undefined ? undefined : parseResource(target.resource);
    assert.ok(typeof resource !== 'string', `bad resource in fixture: ${resource}`);
    return {
      pattern,
      callee: pattern.slice(0, open),
      params: pattern
        .slice(open + 1, -1)
        .split(',')
        .map((param) => param.trim().replace(/^\$/, ''))
        .filter((param) => param.length > 0),
      action: target.action,
      ...(resource === undefined ? {} : { resource }),
    };
  });
}

// Keeps the fields an expectation states, so each fixture asserts only what it cares about.
function project(call: HttpCall, expected: ExpectedCall | undefined): ExpectedCall {
  const projected: ExpectedCall = {
    at: [call.calleeLocation.start.line, call.calleeLocation.start.column],
    method: call.method ?? null,
    url: call.url.source,
    known: call.url.known,
  };
  if (expected?.start) projected.start = [call.location.start.line, call.location.start.column];
  if (expected?.end) projected.end = [call.location.end.line, call.location.end.column];
  if (expected?.offset !== undefined) projected.offset = call.calleeLocation.start.offset;
  if (expected?.segments) {
    projected.segments = call.url.segments.map((segment) =>
      segment.kind === 'literal' ? { literal: segment.text } : { expr: segment.source },
    );
  }
  if (expected?.resource !== undefined) projected.resource = resourceForUrl(call.url) ?? null;
  if (expected?.text !== undefined) projected.text = call.text;
  if (expected?.client !== undefined) projected.client = call.client;
  if (expected?.origin !== undefined) projected.origin = call.origin ?? 'recognised';
  if (expected?.action !== undefined) projected.action = call.action;
  if (expected?.fixed !== undefined) projected.fixed = call.resource ?? null;
  if (call.suppressed !== undefined || expected?.suppressed !== undefined)
    projected.suppressed = call.suppressed ?? false;
  return projected;
}

function normalise(expected: ExpectedCall): ExpectedCall {
  const { callee: _callee, ...rest } = expected;
  return { ...rest, known: expected.known ?? true };
}

// Whatever a fixture states, every call's locations must agree with the text they point into.
function checkInvariants(
  call: HttpCall,
  text: string,
  file: string,
  expected: ExpectedCall | undefined,
): void {
  assert.equal(call.kind, 'http');
  assert.equal(call.client, expected?.client ?? 'fetch');
  assert.equal(call.location.file, file);
  assert.equal(call.calleeLocation.file, file);
  assert.equal(
    text.slice(call.calleeLocation.start.offset, call.calleeLocation.end.offset),
    expected?.callee ?? 'fetch',
  );
  const source = text.slice(call.location.start.offset, call.location.end.offset);
  assert.equal(call.text, source.length <= 200 ? source : call.text);
  assert.ok(source.startsWith(call.text.replace(/…$/, '')));
  assert.ok(call.location.start.offset <= call.calleeLocation.start.offset);
  assert.ok(call.calleeLocation.end.offset <= call.location.end.offset);
  for (const position of [call.location.start, call.location.end, call.calleeLocation.start]) {
    assert.deepEqual(position, computePosition(text, position.offset));
  }
}

// An independent reckoning of line and column: VS Code breaks lines at \r\n, \n and \r.
function computePosition(text: string, offset: number): Position {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  const last = before[before.length - 1] ?? '';
  return { line: before.length, column: last.length + 1, offset };
}
