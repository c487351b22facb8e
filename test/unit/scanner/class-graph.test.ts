/**
 * The project's class graph: which classes extend which. A repository's classes repeat names and
 * name bases of their own name (`class HTTPClient(base.HTTPClient)` in every transport module), so
 * the graph has cycles and fan-out; a search by paths took minutes on the fixtures copied twice.
 * The hostile cases below count the classes a question looks up: once each, against 30^9 lookups
 * when paths are followed (the count's bound stops such a search with a failure, not a hang).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extendsClass, relatedClasses } from '../../../server/src/scanner/project/class-graph';

/** `classes` as the graph's questions read it, failing past `bound` lookups. */
function counted(classes: Map<string, string[]>, bound: number): ReadonlyMap<string, readonly string[]> {
  let lookups = 0;
  return {
    get(name: string) {
      lookups++;
      assert.ok(lookups <= bound, `more than ${bound} lookups of bases`);
      return classes.get(name);
    },
  } as ReadonlyMap<string, readonly string[]>;
}

test('a base, a base of a base, and the same class are related; unrelated classes are not', () => {
  const classes = new Map([
    ['Session', ['BaseSession']],
    ['BaseSession', ['object']],
    ['Cache', ['object']],
  ]);
  assert.equal(extendsClass(classes, 'Session', 'object'), true);
  assert.equal(extendsClass(classes, 'object', 'Session'), false);
  assert.equal(relatedClasses(classes, 'BaseSession', 'Session'), true);
  assert.equal(relatedClasses(classes, 'Cache', 'Cache'), true);
  assert.equal(relatedClasses(classes, 'Cache', 'Session'), false);
});

test('bases are followed nine levels deep and no further', () => {
  const classes = new Map(
    Array.from({ length: 12 }, (_, i) => [`C${i}`, [`C${i + 1}`]] as [string, string[]]),
  );
  assert.equal(extendsClass(classes, 'C0', 'C9'), true);
  assert.equal(extendsClass(classes, 'C0', 'C10'), false);
});

test('classes of one name that name themselves as bases, many times over, are looked up once', () => {
  // Thirty modules each defining `class Client(base.Client)`: the name's bases are itself thirty
  // times; paths of nine levels number 30^9.
  const classes = counted(new Map([['Client', Array(30).fill('Client')]]), 10);
  assert.equal(extendsClass(classes, 'Client', 'Transport'), false);
  assert.equal(relatedClasses(classes, 'Client', 'Transport'), false);
});

test('a wide graph with cycles between many names looks each name up once', () => {
  const names = Array.from({ length: 40 }, (_, i) => `K${i}`);
  const classes = counted(
    new Map(names.map((name) => [name, names.filter((other) => other !== name)] as [string, string[]])),
    200,
  );
  assert.equal(extendsClass(classes, 'K0', 'Missing'), false);
  assert.equal(extendsClass(classes, 'K0', 'K39'), true);
});
