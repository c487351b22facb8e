/**
 * The client commands the server may point the editor at, shared by both sides (no imports, so the
 * client can bundle it): the editor runs no others from a hover link or a notice's button.
 */

/** The commands a hover's `command:` links may run (VS Code's trusted-Markdown allow-list). */
export const hoverCommands = [
  'clearance.signIn',
  'clearance.chooseSource',
  'clearance.evaluateAs',
  'clearance.openInput',
  'clearance.copyInput',
  'clearance.rego.evaluateCall',
  'clearance.walkthrough.findPolicy',
  'clearance.refresh',
  'workbench.action.openSettings',
] as const;

/** The commands a notice's button may run (`clearance/runCommand`). */
export const noticeCommands = [
  'clearance.signIn',
  'clearance.chooseSource',
  'clearance.evaluateAs',
  'workbench.action.openSettings',
  'workbench.action.openGlobalSettings',
] as const;
