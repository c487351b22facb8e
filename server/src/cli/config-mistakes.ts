/**
 * The configuration mistakes the CLI names, in the editor's words (`config/mistakes.ts`): user-only
 * settings in the repository's `.vscode/settings.json`, and a `.clearance.yaml` that maps nothing.
 * Warnings on stderr: neither stops a scan.
 */
import type { ProjectConfig } from '../config/clearance-yaml';
import {
  describeMisplacedUserSettings,
  EMPTY_PROJECT_CONFIG_MESSAGE,
  findMisplacedUserSettings,
  projectConfigMapsNothing,
} from '../config/mistakes';
import { readWorkspaceSettings } from '../config/settings';
import { readBoundedFileSync } from '../identity/bounded-read';

/** The user-only settings the repository at `root` sets in `.vscode/settings.json`, as `clearance.a.b`. */
export function findRepositoryUserSettings(root: string): string[] {
  return findMisplacedUserSettings(readWorkspaceSettings(root).settings);
}

/**
 * Warns, through `warn`, of each configuration mistake of the project at `root`: `misplaced` (from
 * `findRepositoryUserSettings`) and a `.clearance.yaml` (`project`) that maps nothing.
 */
export function reportConfigMistakes(
  root: string,
  misplaced: readonly string[],
  project: { config?: ProjectConfig; errors: readonly unknown[]; file: string },
  warn: (text: string) => void,
): void {
  // The CLI does not take them from a repository either (nothing named there runs): say so too.
  const many = misplaced.length > 1;
  if (misplaced.length > 0)
    warn(
      `${describeMisplacedUserSettings(misplaced)} In this run ${many ? 'they are' : 'it is'} ignored: pass flags, environment variables or --settings.`,
    );
  const read = readBoundedFileSync(project.file, 1024 * 1024, { within: root });
  const text = read.ok ? read.text : undefined;
  if (projectConfigMapsNothing(project.config, text, project.errors.length > 0))
    warn(`${project.file}: ${EMPTY_PROJECT_CONFIG_MESSAGE}`);
}
