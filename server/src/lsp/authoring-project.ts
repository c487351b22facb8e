/**
 * Keeps the authoring features' project in step with the server: the policy's sources (the loaded
 * policy already prefers open documents), any other open `.rego` document, the data, the input
 * schema (Clearance's own or `clearance.authoring.inputSchema`) and example inputs beside policy
 * files. Syncing is cheap: an unchanged text is not parsed again.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { AuthoringProject, indexReferences, type SchemaNode } from '../authoring';
import { regoVersionOf } from '../config/settings';
import type { LoadedPolicy } from '../policy/load';
import { maxPolicyFileBytes, parseDataFile } from '../policy/load';
import type { JsonValue } from '../rego';
import { toPath } from './convert';
import type { ClearanceWorkspace } from './workspace';

/** Example inputs and schemas larger than this are not read. */
const maxInputBytes = 1024 * 1024;
const exampleNames = ['input.json', 'input.yaml', 'input.yml'];

/** The project and what it was last synced from. */
export class AuthoringState {
  readonly project = new AuthoringProject();
  private policy: LoadedPolicy | undefined;
  private schemaSetting: string | undefined = '';
  /**
   * The input the user last evaluated with (a file, a call site's, none), which hovers show rules'
   * values for; until one is chosen, the example `input.json`/`input.yaml` beside the policy.
   */
  chosenInput: { label: string; value: JsonValue | undefined } | undefined;

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly workspace: () => ClearanceWorkspace | undefined,
    /** Where Clearance's own input schema is (beside the server bundle, or in the repository). */
    private readonly shippedSchema: string,
    /** Resolves once the server has loaded settings and policy. */
    private readonly ready: Promise<void>,
  ) {}

  /** Waits for the first load (when there is a workspace to load), then syncs. */
  async loaded(): Promise<ClearanceWorkspace | undefined> {
    if (this.workspace()) await this.ready;
    return this.sync();
  }

  /** Brings the project up to date; returns the workspace when there is one. */
  sync(): ClearanceWorkspace | undefined {
    const ws = this.workspace();
    const policy = ws?.policy;
    if (ws && policy && policy !== this.policy) {
      this.policy = policy;
      this.project.regoVersion = regoVersionOf(ws.settings.policy.regoVersion);
      const open = this.documents.all().map((d) => toPath(d.uri));
      this.project.retain([
        ...policy.sources.keys(),
        ...policy.regoFiles,
        ...open.filter((p): p is string => !!p?.endsWith('.rego')),
      ]);
      for (const [file, text] of policy.sources) this.project.setText(file, text);
      // A policy that did not load (a compile stopped at its deadline) still has files to navigate.
      for (const file of policy.regoFiles)
        if (!policy.sources.has(file)) {
          const text = this.readPolicyText(file);
          if (text !== undefined) this.project.setText(file, text);
        }
      this.project.data = policy.data;
      this.project.exampleInputs = readExamples(policy.regoFiles);
    }
    for (const doc of this.documents.all()) {
      const path = toPath(doc.uri);
      if (path?.endsWith('.rego')) this.project.setText(path, doc.getText());
    }
    this.indexInBackground();
    return ws;
  }

  private indexing = false;
  /** The size and time of each policy file read here, so an unchanged file is not read again. */
  private readonly stamps = new Map<string, string>();

  /** A policy file's text, or undefined when unchanged since read, missing or over the policy file limit. */
  private readPolicyText(file: string): string | undefined {
    try {
      const { size, mtimeMs } = statSync(file);
      const stamp = `${size}:${mtimeMs}`;
      if (size > maxPolicyFileBytes) return undefined;
      if (this.stamps.get(file) === stamp && this.project.entry(file)) return undefined;
      this.stamps.set(file, stamp);
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /**
   * Brings the reference index up to date in slices of a few files between other messages, so find
   * references and rename look up instead of analysing every file on the first request after a load
   * or after an edit that changed names.
   */
  private indexInBackground(): void {
    if (this.indexing) return;
    this.indexing = true;
    const slice = () => {
      try {
        // A slice stops after a few milliseconds: requests wait at most that long behind it.
        const until = performance.now() + 4;
        if (indexReferences(this.project, () => performance.now() > until) > 0) {
          setImmediate(slice);
          return;
        }
      } catch {
        // An analysis that throws is recomputed, and reported, by the request that needs it.
      }
      this.indexing = false;
    };
    setImmediate(slice);
  }

  /** Applies `clearance.authoring.inputSchema`: the input schema's path (empty: the shipped one). */
  applySettings(setting: string, root: string | undefined): void {
    const path = setting.trim() !== '' ? setting : undefined;
    if (path === this.schemaSetting) return;
    this.schemaSetting = path;
    const file = path ? (isAbsolute(path) || !root ? path : join(root, path)) : this.shippedSchema;
    const value = readBounded(file);
    this.project.inputSchema =
      value && typeof value === 'object' && !Array.isArray(value) ? (value as SchemaNode) : undefined;
  }
}

/** The input hovers evaluate with for `file`: the chosen one, else an example beside it. */
export function hoverInput(
  state: AuthoringState,
  file: string,
): { label: string; value: JsonValue | undefined } | undefined {
  if (state.chosenInput) return state.chosenInput;
  for (const name of exampleNames) {
    const value = readBounded(join(dirname(file), name));
    if (value !== undefined) return { label: name, value };
  }
  return undefined;
}

/** The `input.json`/`input.yaml` files in the folders of policy files. */
function readExamples(regoFiles: string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const dir of new Set(regoFiles.map((f) => dirname(f)))) {
    for (const name of exampleNames) {
      const value = readBounded(join(dir, name));
      if (value !== undefined) out.push(value);
    }
    if (out.length >= 20) break;
  }
  return out;
}

/** A JSON or YAML file's value, or undefined when missing, too large or malformed. */
export function readBounded(file: string): JsonValue | undefined {
  try {
    if (!existsSync(file) || statSync(file).size > maxInputBytes) return undefined;
    return parseDataFile(file, readFileSync(file, 'utf8'), []);
  } catch {
    return undefined;
  }
}
