import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import type { RegoVersion } from '../../../server/src/rego/ast';
import { parseModule, parseQuery } from '../../../server/src/rego/parser';
import { exprToString, refToString } from '../../../server/src/rego/term-text';
import { summarizeError, summarizeRule } from './summaries';

function load<T>(name: string): T {
  return parse(readFileSync(join(__dirname, '../../fixtures/rego', name), 'utf8')) as T;
}

interface QueryCase {
  query: string;
  exprs: string[];
}

interface ModuleCase {
  note: string;
  module: string;
  version?: RegoVersion;
  regoVersion?: RegoVersion;
  path?: string[];
  imports?: string[];
  comments?: string[];
  rules?: string[];
  errors?: string[];
}

describe('queries (test/fixtures/rego/queries.yaml)', () => {
  for (const c of load<{ cases: QueryCase[] }>('queries.yaml').cases) {
    test(c.query, () => {
      const result = parseQuery(c.query);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.body?.exprs.map(exprToString), c.exprs);
    });
  }
});

describe('modules (test/fixtures/rego/modules.yaml)', () => {
  for (const c of load<{ cases: ModuleCase[] }>('modules.yaml').cases) {
    test(c.note, () => {
      const { module, errors } = parseModule(c.module, { file: 'm.rego', regoVersion: c.version ?? 1 });
      assert.deepEqual(errors.map(summarizeError), []);
      assert.ok(module);
      assert.deepEqual(module.rules.map(summarizeRule), c.rules ?? []);
      if (c.path) assert.deepEqual(module.package.path, c.path);
      if (c.regoVersion !== undefined) assert.equal(module.regoVersion, c.regoVersion);
      if (c.imports) {
        const imports = module.imports.map((i) => refToString(i.path) + (i.alias ? ` as ${i.alias}` : ''));
        assert.deepEqual(imports, c.imports);
      }
      if (c.comments)
        assert.deepEqual(
          module.comments.map((x) => x.text),
          c.comments,
        );
      for (const rule of module.rules) assert.deepEqual(rule.packagePath, module.package.path);
    });
  }
});

describe('errors (test/fixtures/rego/errors.yaml)', () => {
  for (const c of load<{ cases: ModuleCase[] }>('errors.yaml').cases) {
    test(c.note, () => {
      const { module, errors } = parseModule(c.module, { file: 'e.rego', regoVersion: c.version ?? 1 });
      assert.deepEqual(errors.map(summarizeError), c.errors ?? []);
      for (const e of errors) {
        assert.equal(e.code, 'rego_parse_error');
        assert.equal(e.location?.file, 'e.rego');
      }
      if (c.rules) assert.deepEqual(module?.rules.map(summarizeRule), c.rules);
    });
  }
});
