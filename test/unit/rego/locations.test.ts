import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Location } from '../../../server/src/errors';
import type { Term } from '../../../server/src/rego/ast';
import { parseModule, parseQuery } from '../../../server/src/rego/parser';

/** `line:column-line:column`, 1-based, columns in UTF-16 code units. */
function span(location: Location | undefined): string {
  if (!location) return 'none';
  const { start, end } = location;
  return `${start.line}:${start.column}-${end.line}:${end.column}`;
}

const MODULE = [
  'package app.authz',
  '',
  'allow if {',
  '\tinput.user == "😀é"',
  '\tsome x in input.xs',
  '}',
  '',
  'f(a, b) := a + b',
  '',
].join('\n');

describe('node locations', () => {
  const { module, errors } = parseModule(MODULE, { file: 'policy.rego' });
  const allow = module?.rules[0];
  const f = module?.rules[1];

  test('parses without errors', () => {
    assert.deepEqual(errors, []);
    assert.equal(module?.location.file, 'policy.rego');
  });

  test('package statement spans the keyword and the path', () => {
    assert.equal(span(module?.package.location), '1:1-1:18');
  });

  test('a rule spans head to closing brace; its body includes the braces', () => {
    assert.equal(span(allow?.location), '3:1-6:2');
    assert.equal(span(allow?.head.location), '3:1-3:6');
    assert.equal(span(allow?.body.location), '3:10-6:2');
  });

  test('columns count UTF-16 code units (an emoji is two)', () => {
    const expr = allow?.body.exprs[0];
    assert.equal(span(expr?.location), '4:2-4:21');
    assert.equal(expr?.type, 'term');
    const call = expr?.type === 'term' ? expr.term : undefined;
    assert.equal(call?.type, 'call');
    const [left, right] = call?.type === 'call' ? call.args : [];
    assert.equal(span(left?.location), '4:2-4:12');
    assert.equal(span(right?.location), '4:16-4:21');
    assert.equal(right?.location.start.offset, MODULE.indexOf('"😀é"'));
  });

  test('some-in parts keep their own spans', () => {
    const expr = allow?.body.exprs[1];
    assert.equal(expr?.type, 'somein');
    if (expr?.type !== 'somein') return;
    assert.equal(span(expr.location), '5:2-5:20');
    assert.equal(span(expr.value.location), '5:7-5:8');
    assert.equal(span(expr.collection.location), '5:12-5:20');
  });

  test('function heads: name ref, arguments and value', () => {
    assert.equal(span(f?.location), '8:1-8:17');
    assert.equal(span(f?.head.ref.location), '8:1-8:2');
    assert.deepEqual(
      f?.head.args?.map((a) => span(a.location)),
      ['8:3-8:4', '8:6-8:7'],
    );
    assert.equal(span(f?.head.value?.location), '8:12-8:17');
    assert.equal(f?.head.value?.type === 'call' ? span(f.head.value.operator.location) : '', '8:14-8:15');
  });

  test('a body-less rule has an empty body at the end of its head', () => {
    assert.deepEqual(f?.body.exprs, []);
    assert.equal(span(f?.body.location), '8:17-8:17');
  });
});

describe('ref and call spans', () => {
  function onlyTerm(query: string): Term | undefined {
    const expr = parseQuery(query).body?.exprs[0];
    return expr?.type === 'term' ? expr.term : undefined;
  }

  test('a ref spans from its head to its last bracket', () => {
    const ref = onlyTerm('data.a["b"][x]');
    assert.equal(span(ref?.location), '1:1-1:15');
    assert.equal(ref?.type, 'ref');
    if (ref?.type !== 'ref') return;
    assert.deepEqual(
      ref.terms.map((t) => span(t.location)),
      ['1:1-1:5', '1:6-1:7', '1:8-1:11', '1:13-1:14'],
    );
  });

  test('a parenthesised term includes its parentheses', () => {
    const call = onlyTerm('(1 + 2) * 3');
    assert.equal(call?.type === 'call' ? span(call.args[0]?.location) : '', '1:1-1:8');
  });

  test('wildcards are generated variables', () => {
    const arr = onlyTerm('[_, _]');
    assert.equal(arr?.type, 'array');
    if (arr?.type !== 'array') return;
    assert.deepEqual(
      arr.items.map((t) => (t.type === 'var' ? [t.name, t.generated] : [])),
      [
        ['$0', true],
        ['$1', true],
      ],
    );
  });
});

describe('line endings', () => {
  test('CRLF text: lines counted once per CRLF, comments without the CR', () => {
    const { module, errors } = parseModule('package a\r\n# note\r\np := 1\r\n');
    assert.deepEqual(errors, []);
    assert.equal(span(module?.rules[0]?.location), '3:1-3:7');
    assert.deepEqual(
      module?.comments.map((c) => [c.text, span(c.location)]),
      [[' note', '2:1-2:7']],
    );
  });

  test('an error after an emoji is placed in UTF-16 columns', () => {
    const { errors } = parseModule('package a\n\nx := "😀" @\n');
    assert.deepEqual(
      errors.map((e) => [e.message, span(e.location)]),
      [['illegal token', '3:11-3:12']],
    );
  });
});
