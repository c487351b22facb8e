/**
 * What the connected editor can do beyond the LSP every client speaks: whether it follows
 * `window/showDocument`, accepts dynamic registration of configuration changes and file watchers, and which of
 * Clearance's own client commands it has (only the VS Code extension declares any). Features are
 * offered only where the client said it supports them, so Neovim, Helix, Zed, Emacs and JetBrains
 * never get an action that does nothing.
 */
import type { InitializeParams } from 'vscode-languageserver/node';

/** The client capabilities Clearance's features depend on. */
export interface ClientFeatures {
  /** The client follows `window/showDocument` (open a rule at its location). */
  showDocument: boolean;
  /** The client accepts `client/registerCapability` for `workspace/didChangeConfiguration`. */
  configurationRegistration: boolean;
  /** The client answers `workspace/configuration` requests. */
  configurationRequests: boolean;
  /** The client accepts `client/registerCapability` for `workspace/didChangeWatchedFiles` (file watchers). */
  fileWatchRegistration: boolean;
  /** Client-side commands the editor declared in `initializationOptions.clientCommands`. */
  clientCommands: ReadonlySet<string>;
}

/** What a client that declares nothing gets: standard LSP only. */
export const minimalClientFeatures: ClientFeatures = {
  showDocument: false,
  configurationRegistration: false,
  configurationRequests: false,
  fileWatchRegistration: false,
  clientCommands: new Set(),
};

/** Reads the features from the `initialize` request. */
export function clientFeaturesOf(
  params: Pick<InitializeParams, 'capabilities' | 'initializationOptions'>,
): ClientFeatures {
  const options = params.initializationOptions as { clientCommands?: unknown } | undefined;
  const commands = Array.isArray(options?.clientCommands)
    ? options.clientCommands.filter((c): c is string => typeof c === 'string')
    : [];
  const workspace = params.capabilities.workspace;
  return {
    showDocument: params.capabilities.window?.showDocument?.support === true,
    configurationRegistration: workspace?.didChangeConfiguration?.dynamicRegistration === true,
    configurationRequests: workspace?.configuration === true,
    fileWatchRegistration: workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    clientCommands: new Set(commands),
  };
}

/**
 * The `clearance` settings section as the client gives it: pulled with `workspace/configuration`
 * where the client answers that, else the section it pushed last (in `didChangeConfiguration` or in
 * `initializationOptions.settings`), so editors whose LSP setup only pushes settings work too.
 */
export class ClientSettings {
  private pushed: unknown;

  constructor(
    private readonly features: ClientFeatures,
    initializationOptions: unknown,
  ) {
    // `{settings: {clearance}}`, or `{clearance}` as Helix sends its `config` table.
    const options = initializationOptions as { settings?: unknown; clearance?: unknown } | undefined;
    this.pushed = sectionOf(options?.settings) ?? options?.clearance;
  }

  /** Records the settings of a `workspace/didChangeConfiguration` notification, when it carries any. */
  push(settings: unknown): void {
    const section = sectionOf(settings);
    if (section !== undefined) this.pushed = section;
  }

  /**
   * The current section. `pull` asks the client with `workspace/configuration`: always when the
   * client declared that it answers, else only when it pushed nothing (Neovim 0.7 answers without
   * declaring it). A pull that fails or takes longer than `pullTimeoutMs` never holds the server
   * back: the pushed section (or the defaults) is used instead.
   */
  async read(pull: () => Promise<unknown>, pullTimeoutMs = 5000): Promise<unknown> {
    if (!this.features.configurationRequests && this.pushed !== undefined) return this.pushed;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), pullTimeoutMs);
    });
    try {
      const pulled = await Promise.race([pull(), timeout]);
      return pulled ?? this.pushed;
    } catch {
      return this.pushed;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `{clearance: {...}}` -> `{...}`; a bare section is taken as it is. */
function sectionOf(settings: unknown): unknown {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return undefined;
  const nested = (settings as { clearance?: unknown }).clearance;
  return nested !== undefined ? nested : settings;
}
