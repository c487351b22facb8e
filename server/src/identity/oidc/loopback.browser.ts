/**
 * The loopback redirect in the browser (replaces `loopback.ts` in the web build): a web extension
 * cannot listen on 127.0.0.1, so the authorization code flow is unavailable there and the web build
 * signs in with the device authorization grant (`clearance.identity.signInFlow`'s `auto` picks it).
 */
import type { LoopbackListener } from './loopback';

export type { CallbackResult, LoopbackListener } from './loopback';

/** The path the provider redirects to. */
export const CALLBACK_PATH = '/callback';

/** Always fails: no listening socket in a browser. */
export async function startLoopbackListener(): Promise<LoopbackListener> {
  throw new Error(
    'the web build of Clearance cannot receive a loopback redirect: set clearance.identity.signInFlow to deviceCode or auto',
  );
}
