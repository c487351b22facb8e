/** The file layer in force: Node's file system. The web build replaces this module (see file-access.ts). */
import type { FileAccess } from './file-access';
import { nodeFiles } from './node-files';

/** The files the core reads by default. */
export const platformFiles: FileAccess = nodeFiles;
