/**
 * The list of user-only settings the editor and the CLI check against a workspace's settings is
 * the list package.json declares application-scoped (VS Code's own rule), neither more nor less.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { USER_ONLY_SETTINGS } from '../../../server/src/config/mistakes';

const manifest = require('../../../package.json') as {
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
};

describe('user-only settings', () => {
  it('are exactly the settings package.json declares application-scoped', () => {
    const declared = Object.entries(manifest.contributes.configuration.properties)
      .filter(([, p]) => p.scope === 'application')
      .map(([name]) => name.replace(/^clearance\./, ''))
      .sort();
    assert.deepEqual([...USER_ONLY_SETTINGS].sort(), declared);
  });
});
