/** The part of oidc-provider 9 (which ships no types) that the test provider uses. */
declare module 'oidc-provider' {
  /** An OpenID Provider; `callback()` is its Node request handler. */
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (
      request: import('node:http').IncomingMessage,
      response: import('node:http').ServerResponse,
    ) => void;
  }
}
