import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseModule } from '../../../server/src/rego/parser';

// Behaviour from OPA's annotations documentation: a `# METADATA` comment followed by YAML in
// comments directly below; the block applies to the next statement; the scope defaults to `rule`
// for rules (`document` when `entrypoint: true`) and `package` for packages.
describe('METADATA annotations', () => {
  test('a rule block: title, description, default scope, location, raw fields', () => {
    const text = [
      'package a',
      '',
      '# METADATA',
      '# title: Admins',
      '# description: may do anything',
      '# custom:',
      '#   team: platform',
      'allow if input.admin',
      '',
    ].join('\n');
    const { module, errors } = parseModule(text);
    assert.deepEqual(errors, []);
    const a = module?.rules[0]?.annotations;
    assert.equal(a?.title, 'Admins');
    assert.equal(a?.description, 'may do anything');
    assert.equal(a?.scope, 'rule');
    assert.deepEqual(a?.raw, {
      title: 'Admins',
      description: 'may do anything',
      custom: { team: 'platform' },
    });
    assert.equal(a?.location.start.line, 3);
    assert.equal(a?.location.end.line, 7);
  });

  test('a package block', () => {
    const { module, errors } = parseModule('# METADATA\n# title: The API\npackage api\n');
    assert.deepEqual(errors, []);
    assert.equal(module?.package.annotations?.title, 'The API');
    assert.equal(module?.package.annotations?.scope, 'package');
  });

  test('entrypoint makes the default scope document', () => {
    const { module, errors } = parseModule('package a\n# METADATA\n# entrypoint: true\np := 1\n');
    assert.deepEqual(errors, []);
    assert.equal(module?.rules[0]?.annotations?.scope, 'document');
  });

  test('a comment line not in column 1 ends the block', () => {
    const { module, errors } = parseModule('package a\n# METADATA\n# title: T\n  # description: D\np := 1\n');
    assert.deepEqual(errors, []);
    assert.equal(module?.rules[0]?.annotations?.title, 'T');
    assert.equal(module?.rules[0]?.annotations?.description, undefined);
  });

  test('ordinary comments do not annotate', () => {
    const { module } = parseModule('package a\n# title: T\np := 1\n');
    assert.equal(module?.rules[0]?.annotations, undefined);
  });

  test('invalid YAML is reported at the offending comment line', () => {
    const { errors } = parseModule('package a\n# METADATA\n# title: [\np := 1\n');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /^yaml: /);
    assert.equal(errors[0]?.location?.start.line, 3);
  });

  test('a non-string title is an error', () => {
    const { errors } = parseModule('package a\n# METADATA\n# title: {a: 1}\np := 1\n');
    assert.deepEqual(
      errors.map((e) => e.message),
      ["yaml: 'title' must be a string"],
    );
  });
});
