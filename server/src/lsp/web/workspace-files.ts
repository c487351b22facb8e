/**
 * Fills the web worker's workspace snapshot (`server/src/files/platform-files.browser.ts`) with the
 * files the core reads: every `.rego`, `data.json`/`data.yaml`, `input.json`/`input.yaml`,
 * `.manifest` and `.clearance.yaml` under the root, read through the client's `workspace.fs` with the requests of `fs-protocol.ts`.
 * The walk is bounded in depth, folders and files, so a huge repository costs a bounded number of
 * requests; what it left out is reported.
 */
import type { Connection } from 'vscode-languageserver/browser';
import { CLEARANCE_YAML } from '../../config/clearance-yaml';
import { isSkippedDirectory } from '../../config/workspace-files';
import type { MemoryFiles } from '../../files/memory-files';
import { maxPolicyFileBytes } from '../../policy/load';
import {
  type ReadDirectoryParams,
  type ReadDirectoryResult,
  type ReadFileParams,
  type ReadFileResult,
  readDirectoryRequest,
  readFileRequest,
} from './fs-protocol';
import { toWorkspaceUri } from './uris';

/** How far the walk goes: folders listed, files read, folder depth. */
export const snapshotLimits = { folders: 5000, files: 2000, depth: 20 };

const policyFileNames = new Set([
  'data.json',
  'data.yaml',
  'data.yml',
  '.manifest',
  CLEARANCE_YAML,
  // Example inputs beside a policy: Rego completion offers their keys, hovers show rules' values for them.
  'input.json',
  'input.yaml',
  'input.yml',
]);

/** Whether the core reads this file: a policy, its data or example input, a manifest, `.clearance.yaml`. */
export function isSnapshotFile(name: string): boolean {
  return name.endsWith('.rego') || policyFileNames.has(name);
}

/** What a walk found and what it could not do. */
export interface SnapshotReport {
  files: number;
  problems: string[];
}

/** Walks `root` through the client and puts every policy file's text into `snapshot`. */
export async function fillSnapshot(
  connection: Connection,
  root: string,
  snapshot: MemoryFiles,
): Promise<SnapshotReport> {
  snapshot.clear();
  const problems: string[] = [];
  const queue: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  let folders = 0;
  const files: string[] = [];
  while (queue.length > 0) {
    const { dir, depth } = queue.shift() as { dir: string; depth: number };
    if (++folders > snapshotLimits.folders) {
      problems.push(`stopped after ${snapshotLimits.folders} folders`);
      break;
    }
    const listed = await connection.sendRequest<ReadDirectoryResult>(readDirectoryRequest, {
      uri: toWorkspaceUri(dir),
    } satisfies ReadDirectoryParams);
    if ('error' in listed) {
      problems.push(`${dir}: ${listed.error}`);
      continue;
    }
    for (const entry of listed.entries.slice().sort((a, b) => a.name.localeCompare(b.name))) {
      const path = `${dir === '/' ? '' : dir}/${entry.name}`;
      if (entry.kind === 'directory') {
        if (!isSkippedDirectory(entry.name) && depth < snapshotLimits.depth)
          queue.push({ dir: path, depth: depth + 1 });
      } else if (isSnapshotFile(entry.name)) files.push(path);
    }
  }
  if (files.length > snapshotLimits.files) {
    problems.push(`read the first ${snapshotLimits.files} of ${files.length} policy files`);
    files.length = snapshotLimits.files;
  }
  for (const file of files) await readIntoSnapshot(connection, file, snapshot, problems);
  return { files: snapshot.size, problems };
}

/** Reads one file through the client into the snapshot; a file that cannot be read is left out. */
export async function readIntoSnapshot(
  connection: Connection,
  file: string,
  snapshot: MemoryFiles,
  problems: string[] = [],
): Promise<void> {
  const read = await connection.sendRequest<ReadFileResult>(readFileRequest, {
    uri: toWorkspaceUri(file),
    limitBytes: maxPolicyFileBytes,
  } satisfies ReadFileParams);
  if ('text' in read) snapshot.set(file, read.text);
  else {
    snapshot.delete(file);
    problems.push(`${file}: ${read.error}`);
  }
}
