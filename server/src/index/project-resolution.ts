/**
 * The workspace index's project-view resolution: joins every indexed file's facts into a view of
 * the project's own clients (wrappers, client instances), and re-scans the files that name a client
 * which appeared, changed or went away since the last pass, until no round changes the clients.
 * Pure: no editor or LSP imports; the index hands it its files, its reads and its scanner.
 */
import type { ClearanceError } from '../errors';
import type { HttpCall, Scanner } from '../scanner';
import { inheritNames } from '../scanner/project/inherited-view';
import { buildProjectView, namesSharedUrl } from '../scanner/project/scan-project';
import type { FileFacts, ProjectView } from '../scanner/project/types';
import { countWords } from '../scanner/syntax';

/** A project pass re-scans files that name a changed client at most this many rounds in a row. */
const MAX_PROJECT_ROUNDS = 5;

/** What the resolution reads of an indexed file, and replaces when it re-scans it. */
export interface ResolvedFile {
  calls: HttpCall[];
  scanned?: HttpCall[];
  errors: ClearanceError[];
  facts?: FileFacts;
}

/** What one resolution works on: the index's files, and how it reads and scans them. */
export interface ResolutionInput<F extends ResolvedFile> {
  files: Map<string, F>;
  scanner: Scanner;
  /** The text of an indexed file (an open document's overlay first); undefined when it cannot be read. */
  readText(path: string): Promise<string | undefined>;
  /** Called before each re-scan (the index counts its parses). */
  onParse(): void;
  /** How many files are re-scanned side by side. */
  filesInFlight: number;
  isCancelled(): boolean;
}

/** The project's own clients as the last pass saw them, and the view built from them. */
export class ProjectResolution {
  /** The clients (by key) the last project pass saw. */
  private knownClients = new Map<string, { name: string; file: string }>();
  private current: ProjectView | undefined;

  /** The view the last pass built (undefined before the first). */
  get view(): ProjectView | undefined {
    return this.current;
  }

  /** Forgets the clients seen (every file is scanned again), keeping the view until the next pass. */
  forgetClients(): void {
    this.knownClients.clear();
  }

  /**
   * The project pass: joins every file's facts into a view of the project's own clients, and
   * re-scans the files that name a client which appeared, changed or went away since the last
   * pass, until no round changes the clients. Only those files are read again, so an edit that
   * changes no wrapper costs nothing here. The scanner then applies the view to later scans.
   * Returns how many files were re-scanned.
   */
  async resolve<F extends ResolvedFile>(input: ResolutionInput<F>): Promise<number> {
    const { files, scanner, isCancelled } = input;
    let rescanned = 0;
    for (let round = 0; round < MAX_PROJECT_ROUNDS && !isCancelled(); round++) {
      const view = buildProjectView([...files.values()].map((file) => file.facts));
      const changed = this.takeChangedClients(view);
      this.current = view;
      scanner.useProjectView?.(view);
      if (changed.size === 0) break;
      // Counting a file's words once makes the check one lookup per word, not a text search per name.
      const namesAClient = (path: string, text: string) => {
        for (const [word, count] of countWords(text)) {
          const sites = changed.get(word);
          if (sites !== undefined && count > (sites.get(path) ?? 0)) return true;
        }
        return false;
      };
      const paths = [...files.keys()];
      let next = 0;
      // The round's files are scanned with the same view, so they can be in flight side by side:
      // as many as a full run has, which keeps every scan worker busy.
      const work = async () => {
        while (next < paths.length && !isCancelled()) {
          const path = paths[next++] as string;
          const text = await input.readText(path);
          const existing = files.get(path);
          if (text === undefined || existing === undefined) continue;
          const reads =
            round === 0 && namesSharedUrl(path, { calls: existing.scanned ?? existing.calls }, view);
          if (!reads && !namesAClient(path, text)) continue;
          input.onParse();
          rescanned++;
          const result = await scanner.scanText(path, text, undefined, { project: view, collectFacts: true });
          // The calls found before are replaced whole: the one-report pass filters the new ones again.
          const { scanned: _before, ...kept } = existing;
          files.set(path, {
            ...kept,
            calls: result.calls,
            errors: result.errors,
            ...(result.facts ? { facts: result.facts } : {}),
          } as F);
          if (rescanned % 20 === 0) await yieldToEventLoop();
        }
      };
      await Promise.all(Array.from({ length: input.filesInFlight }, work));
    }
    return rescanned;
  }

  /**
   * Records the clients of `view` as seen, and returns, per client name that appeared, changed or
   * went away, how many of its new definitions each file holds: a file that only defines it (the
   * name once, at its definition) has no call of it to find, as in the CLI's pass.
   */
  private takeChangedClients(view: ProjectView): Map<string, Map<string, number>> {
    const current = new Map<string, { name: string; file: string }>();
    const sessions = [...(view.sessionClasses?.values() ?? [])].map((fact) => ({ kind: 'session', ...fact }));
    const inherited = inheritNames(view.inherit);
    for (const client of [...view.definitions, ...view.instances, ...sessions, ...inherited])
      current.set(clientKey(client), { name: client.name, file: client.site.file });
    const changed = new Map<string, Map<string, number>>();
    for (const [key, client] of current) {
      if (this.knownClients.has(key)) continue;
      const sites = changed.get(client.name) ?? new Map<string, number>();
      sites.set(client.file, (sites.get(client.file) ?? 0) + 1);
      changed.set(client.name, sites);
    }
    for (const [key, client] of this.knownClients)
      if (!current.has(key) && !changed.has(client.name)) changed.set(client.name, new Map());
    this.knownClients = current;
    return changed;
  }
}

/**
 * What a file's facts say about the project's own clients, as one string: an edit that changes it
 * changes the view, so the callers are scanned again.
 */
export function clientsOf(facts: FileFacts | undefined): string {
  return JSON.stringify([
    facts?.definitions ?? [],
    facts?.instances ?? [],
    facts?.classes ?? [],
    facts?.fieldTypes ?? [],
    facts?.constructors ?? [],
    facts?.injections ?? [],
    facts?.sessionClasses ?? [],
    facts?.inherit ?? null,
  ]);
}

function clientKey(client: { kind: string; name: string; site: { file: string; line: number } }): string {
  return `${client.kind}:${client.site.file}:${client.site.line}:${client.name}:${JSON.stringify(client)}`;
}

/** Lets queued I/O and requests run before the next file. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
