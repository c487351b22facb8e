/**
 * The "Clearance" authentication provider: the account in VS Code's Accounts menu. The refresh token
 * is the only credential persisted, in VS Code's SecretStorage; the ID and access tokens live in
 * memory, are re-obtained by a refresh when the editor starts, and are refreshed before they expire.
 */
import * as vscode from 'vscode';
import { sanitizeText } from '../../../server/src/identity/display';
import {
  computeRefreshAt,
  loadSignInEndpoints,
  refreshTokens,
  revokeRefreshToken,
  type SignInConfig,
  type SignInEndpoints,
  type TokenSet,
} from '../../../server/src/identity/oidc';
import { chooseSignInFlow, readSignInConfig } from './settings';
import { runSignIn } from './sign-in-ui';

/** The provider's id, as `vscode.authentication.getSession('clearance', …)` names it. */
export const AUTH_PROVIDER_ID = 'clearance';

/** The SecretStorage key of the stored session. */
const SECRET_KEY = 'clearance.signin.session';

/** What is persisted: the refresh token and what it belongs to; nothing else is a credential. */
interface StoredSession {
  id: string;
  issuer: string;
  clientId: string;
  account: { id: string; label: string };
  scopes: string[];
  refreshToken: string;
}

/** A failed refresh is retried this often while the ID token is still valid. */
const RETRY_MS = 30_000;

/** The Clearance sign-in as an `AuthenticationProvider`, plus the ID token the language server needs. */
export class ClearanceAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly sessionsChanged =
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  private readonly idTokenChanged = new vscode.EventEmitter<string | undefined>();
  /** Fires on every sign-in, sign-out and session change. */
  readonly onDidChangeSessions = this.sessionsChanged.event;
  /** Fires with the current ID token (undefined when signed out) whenever it changes. */
  readonly onDidChangeIdToken = this.idTokenChanged.event;

  private stored: StoredSession | undefined;
  private tokens: TokenSet | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshAt: number | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The ID token of the current session, for the language server; undefined when signed out. */
  get idToken(): string | undefined {
    return this.tokens?.idToken;
  }

  /** The signed-in account's label, e.g. an e-mail address; undefined when signed out. */
  get accountLabel(): string | undefined {
    return this.tokens ? this.stored?.account.label : undefined;
  }

  /**
   * When the next automatic refresh is due (epoch ms); while that refresh is under way, still when it
   * was due, as it is not done until new tokens or a failure came back; undefined when none is.
   */
  get nextRefreshAt(): number | undefined {
    return this.refreshAt;
  }

  /** When the ID token this sign-in holds now expires (epoch ms); undefined when signed out. */
  get idTokenExpiresAt(): number | undefined {
    return this.tokens?.idTokenExpiresAt;
  }

  /** Restores the stored session, refreshing it to get fresh tokens; safe to call more than once. */
  restore(): Promise<void> {
    this.loading ??= this.restoreOnce();
    return this.loading;
  }

  /** Reloads after the issuer or client settings changed: a session for another issuer is not used. */
  async reload(): Promise<void> {
    const previous = this.toSession();
    this.clearMemory();
    this.loading = undefined;
    await this.restore();
    const current = this.toSession();
    if (previous || current) {
      this.sessionsChanged.fire({
        added: current && current.id !== previous?.id ? [current] : [],
        removed: previous && previous.id !== current?.id ? [previous] : [],
        changed: current && current.id === previous?.id ? [current] : [],
      });
      this.idTokenChanged.fire(this.tokens?.idToken);
    }
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    await this.restore();
    const session = this.toSession();
    return session ? [session] : [];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const config = readSignInConfig();
    const endpoints = await this.loadEndpoints(config);
    const flow = chooseSignInFlow();
    this.log.info(
      `sign-in: starting (${flow === 'deviceCode' ? 'device code' : 'browser'}) with ${config.issuer}`,
    );
    const result = await runSignIn(flow, config, endpoints, this.log);
    if (!result.ok) {
      this.log.warn(`sign-in: ${result.reason}`);
      throw new Error(
        result.reason === 'cancelled' ? 'Sign-in cancelled' : `Sign-in failed: ${result.reason}`,
      );
    }
    const previous = this.toSession();
    const account = describeAccount(result.tokens.claims);
    const stored: StoredSession = {
      id: `${config.issuer}#${account.id}`,
      issuer: config.issuer,
      clientId: config.clientId,
      account,
      scopes: (result.tokens.scope ?? config.scopes ?? '').split(' ').filter(Boolean),
      refreshToken: result.tokens.refreshToken ?? '',
    };
    await this.persist(stored);
    this.tokens = result.tokens;
    this.scheduleRefresh(endpoints);
    this.log.info(`sign-in: signed in as ${account.label}`);
    const session = this.toSession() as vscode.AuthenticationSession;
    this.sessionsChanged.fire({ added: [session], removed: previous ? [previous] : [], changed: [] });
    this.idTokenChanged.fire(this.tokens.idToken);
    return session;
  }

  async removeSession(): Promise<void> {
    const previous = this.toSession();
    const stored = this.stored;
    this.clearMemory();
    this.stored = undefined;
    await this.secrets.delete(SECRET_KEY);
    if (stored) this.log.info(`sign-in: signed out ${stored.account.label}`);
    if (previous) this.sessionsChanged.fire({ added: [], removed: [previous], changed: [] });
    this.idTokenChanged.fire(undefined);
    if (stored?.refreshToken) void this.revoke(stored);
  }

  /** Revokes a signed-out session's refresh token at the provider, in the background. */
  private async revoke(stored: StoredSession): Promise<void> {
    const config = { issuer: stored.issuer, clientId: stored.clientId };
    const loaded = await loadSignInEndpoints(config);
    const problem = loaded.ok
      ? await revokeRefreshToken(config, loaded.endpoints, stored.refreshToken)
      : loaded.reason;
    if (problem) this.log.warn(`sign-in: ${problem}`);
  }

  /** Refreshes now (the status bar's "Refresh"); returns why not when it could not. */
  async refreshNow(): Promise<string | undefined> {
    await this.restore();
    if (!this.stored) return 'not signed in';
    const config = readSignInConfig();
    const endpoints = await this.loadEndpoints(config).catch((e: Error) => e);
    if (endpoints instanceof Error) return endpoints.message;
    return this.refresh(endpoints);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.sessionsChanged.dispose();
    this.idTokenChanged.dispose();
  }

  private async restoreOnce(): Promise<void> {
    const text = await this.secrets.get(SECRET_KEY);
    const stored = text ? parseStored(text) : undefined;
    const config = readSignInConfig();
    if (!stored || stored.issuer !== config.issuer || stored.clientId !== config.clientId) {
      this.stored = undefined;
      return;
    }
    this.stored = stored;
    if (stored.refreshToken === '') return;
    const endpoints = await this.loadEndpoints(config).catch((e: Error) => e);
    if (endpoints instanceof Error) {
      this.log.warn(`sign-in: could not restore the session: ${endpoints.message}`);
      return;
    }
    await this.refresh(endpoints);
  }

  /** Redeems the refresh token; on success schedules the next one, on refusal ends the session. */
  private async refresh(endpoints: SignInEndpoints): Promise<string | undefined> {
    const stored = this.stored;
    if (!stored?.refreshToken) return 'the session has no refresh token: sign in again';
    const config = readSignInConfig();
    const result = await refreshTokens(config, endpoints, stored.refreshToken, {
      ...(this.tokens ? { previousIdToken: this.tokens.idToken } : {}),
    });
    if (this.stored !== stored) return 'the session changed meanwhile';
    if (!result.ok) {
      this.log.warn(`sign-in: ${result.reason}`);
      if (result.error === 'invalid_grant' || result.error === 'invalid_client') {
        await this.removeSession();
        void vscode.window
          .showWarningMessage(
            'Clearance: your sign-in has ended. Sign in again to keep your identity.',
            'Sign in',
          )
          .then((choice) => (choice ? vscode.commands.executeCommand('clearance.signIn') : undefined));
      } else if (this.tokens && this.tokens.idTokenExpiresAt > Date.now()) {
        this.schedule(RETRY_MS, endpoints);
      } else if (this.timer === undefined) {
        // The scheduled refresh was this one and failed for a token already expired: none is due now.
        this.refreshAt = undefined;
      }
      return result.reason;
    }
    const hadSession = this.tokens !== undefined;
    this.tokens = result.tokens;
    if (result.tokens.refreshToken && result.tokens.refreshToken !== stored.refreshToken) {
      await this.persist({ ...stored, refreshToken: result.tokens.refreshToken });
    }
    this.scheduleRefresh(endpoints);
    this.log.info(
      `sign-in: tokens refreshed for ${stored.account.label}, valid until ${new Date(result.tokens.idTokenExpiresAt).toISOString()}`,
    );
    const session = this.toSession() as vscode.AuthenticationSession;
    this.sessionsChanged.fire(
      hadSession
        ? { added: [], removed: [], changed: [session] }
        : { added: [session], removed: [], changed: [] },
    );
    this.idTokenChanged.fire(this.tokens.idToken);
    return undefined;
  }

  private scheduleRefresh(endpoints: SignInEndpoints): void {
    if (!this.tokens || !this.stored?.refreshToken) return;
    this.schedule(computeRefreshAt(this.tokens, Date.now()) - Date.now(), endpoints);
  }

  private schedule(delayMs: number, endpoints: SignInEndpoints): void {
    clearTimeout(this.timer);
    this.refreshAt = Date.now() + delayMs;
    // setTimeout overflows past 2^31 ms; a day is long enough to wait before checking again.
    this.timer = setTimeout(
      () => {
        // `refreshAt` stays until the refresh is done: until then, a refresh is still on its way.
        this.timer = undefined;
        void this.refresh(endpoints);
      },
      Math.min(delayMs, 24 * 3600_000),
    );
  }

  private async loadEndpoints(config: SignInConfig): Promise<SignInEndpoints> {
    const loaded = await loadSignInEndpoints(config);
    if (!loaded.ok) throw new Error(loaded.reason);
    return loaded.endpoints;
  }

  private async persist(stored: StoredSession): Promise<void> {
    this.stored = stored;
    await this.secrets.store(SECRET_KEY, JSON.stringify(stored));
  }

  private clearMemory(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.refreshAt = undefined;
    this.tokens = undefined;
  }

  private toSession(): vscode.AuthenticationSession | undefined {
    if (!this.stored || !this.tokens) return undefined;
    return {
      id: this.stored.id,
      accessToken: this.tokens.accessToken,
      account: this.stored.account,
      scopes: this.stored.scopes,
    };
  }
}

/** The account as the Accounts menu shows it: e-mail, else name, else subject. */
function describeAccount(claims: Record<string, unknown>): { id: string; label: string } {
  const sub = typeof claims.sub === 'string' ? claims.sub : 'unknown';
  const pick = (key: string) =>
    typeof claims[key] === 'string' && claims[key] !== '' ? (claims[key] as string) : undefined;
  // Claims are the provider's text: no control characters or token-like values reach the Accounts menu.
  return {
    id: sub,
    label: sanitizeText(pick('email') ?? pick('preferred_username') ?? pick('name') ?? sub, 128),
  };
}

function parseStored(text: string): StoredSession | undefined {
  try {
    const value = JSON.parse(text) as Partial<StoredSession>;
    if (
      typeof value.id === 'string' &&
      typeof value.issuer === 'string' &&
      typeof value.clientId === 'string' &&
      typeof value.refreshToken === 'string' &&
      typeof value.account?.id === 'string' &&
      typeof value.account.label === 'string' &&
      Array.isArray(value.scopes)
    ) {
      return value as StoredSession;
    }
  } catch {
    // A damaged entry is treated as no session.
  }
  return undefined;
}
