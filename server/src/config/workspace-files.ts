/** Which folders of a workspace Clearance never reads, for policies and for source code alike. */

/** Folders that hold dependencies, build output or tool state rather than a project's own files. */
export const skippedDirectoryNames: ReadonlySet<string> = new Set([
  'node_modules',
  'dist',
  'out',
  'build',
  'coverage',
  'test-results',
  // Installed dependencies of Python and Go projects (`.venv` is hidden, so skipped already).
  'venv',
  'vendor',
  'site-packages',
  '__pycache__',
  'bower_components',
]);

/** Whether a folder with this name is left out of policy discovery and code scanning (hidden folders too). */
export function isSkippedDirectory(name: string): boolean {
  return name.startsWith('.') || skippedDirectoryNames.has(name);
}
