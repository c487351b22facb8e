/**
 * Values and numbers: OPA's total order, structural equality and keys, exact arithmetic, JSON in
 * and out. Expected orders and results come from OPA's documentation of value comparison and from
 * decimal arithmetic, not from the implementation.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  addNumbers,
  compareNumbers,
  divideNumbers,
  formatNumber,
  multiplyNumbers,
  parseNumber,
  subtractNumbers,
} from '../../../server/src/rego/value/number';
import {
  compareValues,
  equalValues,
  fromJson,
  keyOf,
  num,
  RegoObject,
  RegoSet,
  stringifyJson,
  toJson,
  type Value,
} from '../../../server/src/rego/value/value';

/** Parses a number literal that must be valid. */
function n(text: string) {
  const v = parseNumber(text);
  assert.ok(v, `not a number: ${text}`);
  return v;
}

/** Arbitrary Rego values (small). */
const valueArb: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1000, max: 1000 }).map((i) => num(i)),
    fc.string({ maxLength: 4 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => RegoSet.of(xs)),
    fc
      .array(fc.tuple(fc.string({ maxLength: 3 }), tie('v')), { maxLength: 3 })
      .map((es) => RegoObject.of(es)),
  ),
})).v;

describe('total order', () => {
  test('types order null < boolean < number < string < array < object < set', () => {
    const ordered: Value[] = [
      null,
      false,
      true,
      num(-1),
      num(2),
      '',
      'a',
      [],
      [num(1)],
      new RegoObject(),
      new RegoSet(),
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      assert.ok(compareValues(ordered[i] as Value, ordered[i + 1] as Value) < 0, `index ${i}`);
    }
  });
  test('compare is antisymmetric and consistent with equality', () => {
    fc.assert(
      fc.property(valueArb, valueArb, (a, b) => {
        const c = compareValues(a, b);
        assert.ok(Math.sign(c) === -Math.sign(compareValues(b, a)));
        assert.equal(c === 0, equalValues(a, b));
        assert.equal(equalValues(a, b), keyOf(a) === keyOf(b));
      }),
    );
  });
  test('strings compare by code point, as Go compares UTF-8', () => {
    assert.ok(compareValues('\uffff', '😀') < 0);
    assert.ok(compareValues('a', 'b') < 0);
  });
});

describe('numbers', () => {
  test('decimals equal the numbers they denote', () => {
    assert.equal(compareNumbers(n('3.50'), n('3.5')), 0);
    assert.equal(compareNumbers(n('1e2'), n('100')), 0);
    assert.equal(compareNumbers(n('-0'), n('0')), 0);
    assert.ok(compareNumbers(n('1e400'), n('1e399')) > 0);
    assert.ok(compareNumbers(n('0.1234567890123456789'), n('0.1234567890123456788')) > 0);
  });
  test('literals print as written, results in full', () => {
    assert.equal(formatNumber(n('2e308')), '2e308');
    assert.equal(formatNumber(multiplyNumbers(n('2'), n('1000'))), '2000');
  });
  test('arithmetic is exact', () => {
    assert.equal(formatNumber(addNumbers(n('0.1'), n('0.2'))), '0.3');
    assert.equal(formatNumber(addNumbers(n('18446744073709551617'), n('1'))), '18446744073709551618');
    assert.equal(formatNumber(subtractNumbers(n('1'), n('2.5'))), '-1.5');
    assert.equal(formatNumber(multiplyNumbers(n('2.5'), n('2'))), '5');
    assert.equal(formatNumber(divideNumbers(n('1'), n('4')) ?? n('0')), '0.25');
    assert.equal(divideNumbers(n('1'), n('0')), undefined);
  });
  test('integer addition matches bigint addition', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt(), (a, b) => {
        assert.equal(formatNumber(addNumbers(n(a.toString()), n(b.toString()))), (a + b).toString());
      }),
    );
  });
});

describe('JSON', () => {
  test('round trip keeps big integers exact', () => {
    const v = fromJson({ a: [1, 'x', null, true], big: 123456789012345678901234567890n });
    assert.equal(stringifyJson(toJson(v)), '{"a":[1,"x",null,true],"big":123456789012345678901234567890}');
  });
  test('sets render as sorted arrays', () => {
    assert.deepEqual(toJson(RegoSet.of([num(3), num(1), num(2)])), [1, 2, 3]);
  });
});
