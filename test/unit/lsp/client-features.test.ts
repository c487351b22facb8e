/**
 * What the server takes from the client at `initialize` (server/src/lsp/client-features.ts): the
 * capabilities that gate actions and registrations, and where settings come from when the client
 * does or does not answer `workspace/configuration` (LSP 3.17, "workspace/configuration" and
 * "initialize"; docs/editors.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClientSettings,
  clientFeaturesOf,
  minimalClientFeatures,
} from '../../../server/src/lsp/client-features';

describe('client features', () => {
  it('a client that declares nothing gets standard LSP only', () => {
    assert.deepEqual(clientFeaturesOf({ capabilities: {} }), minimalClientFeatures);
  });

  it('reads showDocument, configuration, dynamic registration (settings, file watchers) and declared client commands', () => {
    const features = clientFeaturesOf({
      capabilities: {
        window: { showDocument: { support: true } },
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
      },
      initializationOptions: { clientCommands: ['clearance.evaluateAs', 42] },
    });
    assert.equal(features.fileWatchRegistration, true);
    assert.equal(features.showDocument, true);
    assert.equal(features.configurationRequests, true);
    assert.equal(features.configurationRegistration, true);
    assert.deepEqual([...features.clientCommands], ['clearance.evaluateAs']);
  });
});

describe('client settings', () => {
  const pulling = { ...minimalClientFeatures, configurationRequests: true };
  const never = () => new Promise<unknown>(() => {});

  it('pulls from a client that declares workspace/configuration', async () => {
    const settings = new ClientSettings(pulling, { settings: { clearance: { a: 'pushed' } } });
    assert.deepEqual(await settings.read(async () => ({ a: 'pulled' })), { a: 'pulled' });
  });

  it('uses what a client pushed when it does not declare workspace/configuration', async () => {
    const settings = new ClientSettings(minimalClientFeatures, undefined);
    settings.push({ clearance: { a: 'pushed' } });
    assert.deepEqual(await settings.read(async () => ({ a: 'pulled' })), { a: 'pushed' });
  });

  it("takes Helix's initialization options, the section without a settings wrapper", async () => {
    const settings = new ClientSettings(minimalClientFeatures, { clearance: { a: 'init' } });
    assert.deepEqual(await settings.read(never), { a: 'init' });
  });

  it('asks anyway when nothing was pushed, and keeps the defaults if no answer comes in time', async () => {
    const answering = new ClientSettings(minimalClientFeatures, undefined);
    assert.deepEqual(await answering.read(async () => ({ a: 'pulled' })), { a: 'pulled' });
    const silent = new ClientSettings(minimalClientFeatures, undefined);
    assert.equal(await silent.read(never, 20), undefined);
  });

  it('falls back to the pushed section when a pull fails', async () => {
    const settings = new ClientSettings(pulling, { settings: { a: 'init' } });
    assert.deepEqual(
      await settings.read(async () => {
        throw new Error('unhandled method');
      }),
      { a: 'init' },
    );
  });
});
