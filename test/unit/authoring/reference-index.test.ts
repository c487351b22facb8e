// The reference index: built once per file in slices, rebuilt for a file whose text changed, and for
// every file when the project's names change (a rule added); references read the same answer from it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthoringProject, indexReferences, references } from '../../../server/src/authoring';

const lib = 'package lib\n\nf(x) if x > 1\n';
const user = (n: number) => `package p${n}\n\nimport data.lib\n\nr if lib.f(${n})\n`;

function project(): AuthoringProject {
  const p = new AuthoringProject();
  p.setText('/w/lib.rego', lib);
  for (let n = 0; n < 5; n++) p.setText(`/w/p${n}.rego`, user(n));
  return p;
}

test('the index is built in slices and then only looked up', () => {
  const p = project();
  let budget = 2;
  assert.equal(
    indexReferences(p, () => budget-- <= 0),
    4,
  );
  assert.equal(indexReferences(p), 0);
  // lib.f's definition and its use in each of the five files.
  assert.equal(references(p, '/w/lib.rego', lib.indexOf('f('), true).length, 6);
});

test('an edit in a body re-indexes that file; a new rule name re-indexes every file', () => {
  const p = project();
  indexReferences(p);
  p.setText('/w/p0.rego', user(0).replace('lib.f(0)', 'lib.f(7)'));
  assert.equal(
    indexReferences(p, () => true),
    1,
  );
  indexReferences(p);
  p.setText('/w/lib.rego', `${lib}\ng if true\n`);
  assert.equal(
    indexReferences(p, () => true),
    6,
  );
  assert.equal(references(p, '/w/p3.rego', user(3).indexOf('f(3)'), false).length, 5);
});
