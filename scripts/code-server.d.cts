// Types of scripts/code-server.cjs, for the TypeScript harness.

/** The directories code-server keeps one run's state in. */
export interface StateDirs {
  stateDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** The user settings.json (its folder exists; the file may not). */
  settingsFile: string;
}

/** code-server's entry point as installed by scripts/setup.sh. */
export declare const codeServerEntry: string;

/** Editor settings that keep the welcome page, tips and update prompts from covering the code. */
export declare const quietUserSettings: Readonly<Record<string, unknown>>;

/** Creates the user data and extensions directories under a state directory and returns their paths. */
export declare function makeStateDirs(stateDir: string): StateDirs;

/** Builds code-server's environment: this process's, with its config and data kept under the state dir. */
export declare function buildCodeServerEnv(stateDir: string): NodeJS.ProcessEnv;

/** Builds the node arguments that install a .vsix into the state's extensions directory. */
export declare function buildInstallArgs(dirs: Pick<StateDirs, 'userDataDir' | 'extensionsDir'>, vsix: string): string[];

/** Builds the node arguments that serve the editor on 127.0.0.1:port without auth, telemetry or update checks. */
export declare function buildServeArgs(dirs: StateDirs, port: number): string[];
