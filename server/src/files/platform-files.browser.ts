/**
 * The file layer in the browser's web worker (replaces `platform-files.ts` in the web build): the
 * snapshot of workspace files that the web language server fills from the client's `workspace.fs`.
 */
import type { FileAccess } from './file-access';
import { MemoryFiles } from './memory-files';

/** The web worker's one workspace snapshot, filled by `server/src/lsp/web/workspace-files.ts`. */
export const workspaceSnapshot = new MemoryFiles();

/** The files the core reads by default. */
export const platformFiles: FileAccess = workspaceSnapshot;
