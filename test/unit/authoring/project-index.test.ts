/**
 * The authoring project's rule index after edits: an edit that keeps a file's names swaps its
 * clauses in place, and must leave the index exactly as a project built from the final texts has it
 * (same clauses, same order, the new texts' rules); an edit that changes names rebuilds it. A file
 * under a bundle's `.manifest` is parsed in the Rego version the manifest gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthoringProject } from '../../../server/src/authoring';
import type { ClearanceError } from '../../../server/src/errors';
import { parseManifest } from '../../../server/src/policy/manifest';

const a1 = 'package p\n\nallow if input.x == 1\n\nallow if input.y\n\nf(x) := x + 1\n';
const a2 = 'package p\n\nallow if input.x == 2\n\nallow if input.y\n\nf(x) := x + 2\n';
const b = 'package p\n\nallow if input.z\n';
const renamed = 'package p\n\npermit if input.x == 2\n\nallow if input.y\n\nf(x) := x + 2\n';

/** Each rule path's clauses as `file:line:text`, and whether each is a clause of its file's current parse. */
function snapshot(project: AuthoringProject): Record<string, string[]> {
  project.allEntries();
  const out: Record<string, string[]> = {};
  for (const [key, defs] of [...project.rules].sort(([x], [y]) => (x < y ? -1 : 1)))
    out[key] = defs.map((d) => {
      const entry = project.entry(d.file);
      const text = entry?.text.slice(d.rule.location.start.offset, d.rule.location.end.offset);
      const current = entry?.module?.rules.includes(d.rule) ? 'current' : 'stale';
      return `${d.file}:${d.rule.location.start.line}:${text}:${current}`;
    });
  return out;
}

function fresh(texts: Array<[string, string]>): AuthoringProject {
  const project = new AuthoringProject();
  for (const [file, text] of texts) project.setText(file, text);
  return project;
}

describe('the authoring project index after edits', () => {
  it('swaps the clauses of an edit in a rule body in place, as a fresh index would have them', () => {
    const project = fresh([
      ['/w/a.rego', a1],
      ['/w/b.rego', b],
    ]);
    project.allEntries();
    project.setText('/w/a.rego', a2);
    assert.deepEqual(
      snapshot(project),
      snapshot(
        fresh([
          ['/w/a.rego', a2],
          ['/w/b.rego', b],
        ]),
      ),
    );
  });

  it('rebuilds the index when an edit changes names', () => {
    const project = fresh([
      ['/w/a.rego', a1],
      ['/w/b.rego', b],
    ]);
    project.allEntries();
    project.setText('/w/a.rego', renamed);
    assert.deepEqual(
      snapshot(project),
      snapshot(
        fresh([
          ['/w/a.rego', renamed],
          ['/w/b.rego', b],
        ]),
      ),
    );
    assert.equal(project.rulesAt(['p', 'permit']).length, 1);
  });
});

describe('the authoring project and bundle manifests', () => {
  it('parses a file under a v0 bundle manifest as v0, and again when the manifests change', () => {
    // `allow { ... }` without `if` is v0 syntax: a parse error in v1, a rule in v0.
    const v0 = 'package b\n\nallow { input.x == 1 }\n';
    const project = new AuthoringProject();
    project.setText('/ws/bundle/a.rego', v0);
    assert.ok((project.entry('/ws/bundle/a.rego')?.errors.length ?? 0) > 0, 'v1 by default');
    const errors: ClearanceError[] = [];
    const manifest = parseManifest('/ws/bundle/.manifest', '{"rego_version": 0}', errors);
    assert.ok(manifest, JSON.stringify(errors));
    project.setManifests([manifest]);
    assert.deepEqual(project.entry('/ws/bundle/a.rego')?.errors, []);
    assert.equal(project.rulesAt(['b', 'allow']).length, 1);
    // A file outside the bundle keeps the workspace's version.
    project.setText('/ws/other/c.rego', 'package c\n\nallow { true }\n');
    assert.ok((project.entry('/ws/other/c.rego')?.errors.length ?? 0) > 0);
  });
});
