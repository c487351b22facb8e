/**
 * The identity in the status bar: who you are, whether that is verified, and the time left, in the
 * warning colour when it is not verified, simulated, or has under 5 minutes left; a notice before it
 * expires; and, on click, the identity menu. Beside it, the policy bundles in force, when there are.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { BundlesNotification } from '../../server/src/lsp/clearance-protocol';
import type { ClearanceAuthProvider } from './auth/provider';
import {
  computeSecondsLeft,
  decideExpiryNotice,
  EXPIRY_WARNING_SECONDS,
  type IdentityView,
} from './identity-view';

/** The status bar item and the expiry notice, fed by the server's identity notifications. */
export class IdentityStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly ticker: NodeJS.Timeout;
  private view: IdentityView | undefined;
  private noticeShownFor: number | undefined;
  private readonly viewChanged = new vscode.EventEmitter<IdentityView>();
  /** The policy bundles' item beside this one, once `showBundles` was called. */
  bundles: BundleStatus | undefined;
  /** Fires whenever the server sends a new identity view. */
  readonly onDidChangeView = this.viewChanged.event;

  constructor(private readonly auth: ClearanceAuthProvider) {
    this.item = vscode.window.createStatusBarItem('clearance.identity', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'Clearance Identity';
    this.item.text = '$(shield) Clearance';
    this.item.command = 'clearance.showIdentity';
    this.item.show();
    // The colour and the notice depend on the time left, which changes between notifications.
    this.ticker = setInterval(() => this.render(), 15_000);
  }

  /** The last identity the server sent. */
  get current(): IdentityView | undefined {
    return this.view;
  }

  /** Shows the policy bundles the server of `client` decides with, beside the identity. */
  showBundles(client: LanguageClient): void {
    this.bundles?.dispose();
    this.bundles = new BundleStatus(client);
  }

  /** Shows a new identity from the server. */
  update(view: IdentityView): void {
    this.view = view;
    this.render();
    this.viewChanged.fire(view);
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.item.dispose();
    this.bundles?.dispose();
    this.viewChanged.dispose();
  }

  private render(): void {
    const view = this.view;
    if (!view) return;
    const simulated = view.simulated === true;
    // The server's text already says "(simulated)" for evaluate-as claims: once is enough.
    const text = simulated && !view.text.includes('(simulated)') ? `${view.text} (simulated)` : view.text;
    const missing = view.status === 'missing' || view.status === 'invalid';
    this.item.text = missing
      ? `$(circle-slash) Clearance: ${view.status === 'missing' ? 'no identity' : 'identity not valid'}`
      : `${simulated ? '$(beaker)' : iconFor(view.status)} ${text}`;
    const lines = [view.tooltip];
    if (missing)
      lines.unshift(
        'No call is decided until Clearance knows who you are: sign in, choose a token source, or evaluate as a claims file.',
      );
    if (simulated) lines.unshift('Simulated identity: evaluating as a claims file, not as you.');
    if (this.auth.accountLabel && view.source?.kind !== 'signin')
      lines.push(`Signed in as ${this.auth.accountLabel} (not the source in use)`);
    lines.push('', missing ? 'Click to set up your identity.' : 'Click for the identity menu.');
    this.item.tooltip = lines.join('\n');
    const secondsLeft = computeSecondsLeft(view, Date.now());
    const expiringSoon = secondsLeft !== undefined && secondsLeft < EXPIRY_WARNING_SECONDS;
    this.item.backgroundColor =
      view.status === 'verified' && !expiringSoon && !simulated
        ? undefined
        : new vscode.ThemeColor('statusBarItem.warningBackground');
    this.noticeExpiry(view);
  }

  /** Says once per token that it is about to expire, with the ways to renew it. */
  private noticeExpiry(view: IdentityView): void {
    const signedIn = this.auth.accountLabel !== undefined;
    // The scheduled refresh renews only the sign-in's token; servers that do not say the source
    // use the sign-in whenever there is one.
    const fromSignIn = view.source === undefined ? signedIn : view.source.kind === 'signin';
    const refreshAtMs = fromSignIn ? this.auth.nextRefreshAt : undefined;
    // Between a refresh and the server's identity for its token, the view still shows the old token.
    const renewedUntilMs = fromSignIn ? this.auth.idTokenExpiresAt : undefined;
    const minutes = decideExpiryNotice(view, Date.now(), {
      ...(refreshAtMs !== undefined ? { refreshAtMs } : {}),
      ...(renewedUntilMs !== undefined ? { renewedUntilMs } : {}),
      ...(this.noticeShownFor !== undefined ? { noticedFor: this.noticeShownFor } : {}),
    });
    if (minutes === undefined) return;
    this.noticeShownFor = view.expiresAt;
    const actions = fromSignIn ? ['Refresh', 'Sign in again'] : ['Sign in again'];
    void vscode.window
      .showWarningMessage(
        `Clearance: your identity expires in ${minutes} minute${minutes === 1 ? '' : 's'}; decisions will then be made for an expired identity.`,
        ...actions,
      )
      .then((choice) => {
        if (choice === 'Refresh') void vscode.commands.executeCommand('clearance.refreshSignIn');
        if (choice === 'Sign in again') void vscode.commands.executeCommand('clearance.signIn');
      });
  }
}

function iconFor(status: IdentityView['status']): string {
  return status === 'verified' ? '$(shield)' : status === 'unverified' ? '$(warning)' : '$(error)';
}

/**
 * The policy bundles in the status bar, beside the identity: the revision in force, in the warning
 * colour when a bundle is unavailable or an update failed (the last verified bundle still decides);
 * its rows in the identity menu say each bundle's source, revision, signature, age and last error.
 * Shown only when bundles are configured. Fed by the server's `clearance/bundles`.
 */
export class BundleStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: BundlesNotification = { bundles: [] };

  constructor(private readonly client: LanguageClient) {
    this.item = vscode.window.createStatusBarItem('clearance.bundles', vscode.StatusBarAlignment.Left, 99);
    this.item.name = 'Clearance Policy Bundles';
    this.item.command = 'clearance.showIdentity';
    client.onNotification('clearance/bundles', (state: BundlesNotification) => this.update(state));
  }

  /** Shows the bundles' state the server sent. */
  update(state: BundlesNotification): void {
    this.state = state;
    const bundles = state.bundles;
    if (bundles.length === 0) {
      this.item.hide();
      return;
    }
    const troubled = bundles.some((b) => b.problem !== undefined || b.notice !== undefined);
    const revisions = bundles.map((b) => b.revision || b.hash || '?').join(', ');
    const offline = bundles.some((b) => b.origin === 'cache');
    this.item.text = `${troubled ? '$(warning)' : '$(package)'} Policy ${revisions}${offline ? ' (offline)' : ''}`;
    this.item.tooltip = [
      `Clearance decides with ${bundles.length === 1 ? 'this bundle' : 'these bundles'}:`,
      ...bundles.map((b) => `${b.location}: ${describeBundle(b)}`),
      '',
      'Click for the identity and policy menu.',
    ].join('\n');
    this.item.backgroundColor = troubled
      ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : undefined;
    this.item.show();
  }

  /** The bundles' state now (asked afresh, so ages are current), for the menu. */
  async current(): Promise<BundlesNotification> {
    if (!this.client.isRunning()) return this.state;
    try {
      const fresh = (await this.client.sendRequest('clearance/bundles')) as BundlesNotification;
      this.update(fresh);
    } catch {
      // The last state the server sent still says what it knew.
    }
    return this.state;
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** One bundle in a line: revision, signature, where it came from and how old it is, the last error. */
export function describeBundle(b: BundlesNotification['bundles'][number]): string {
  if (b.hash === undefined) return `not available: ${b.problem ?? 'not read yet'}`;
  const signature =
    b.signature === 'verified' ? `signature verified (key ${b.keyId}, ${b.algorithm})` : 'unsigned';
  const where =
    b.origin === 'download'
      ? `downloaded ${b.age} ago`
      : b.origin === 'cache'
        ? `offline: from the cache, downloaded ${b.age} ago`
        : 'read from disk';
  const revision = b.revision ? `revision ${b.revision}` : 'no revision';
  return `${revision} (${b.hash}) · ${signature} · ${where}${b.notice ? ` · ${b.notice}` : ''}`;
}
