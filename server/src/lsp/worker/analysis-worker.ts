/**
 * The analysis worker's entry: loads and compiles the policy, parses code and decides its calls, in
 * a child process the language server can kill (see `sandbox.ts`). It keeps the last policy it loaded (by the main thread's
 * generation number) and the last one that loaded whole, mirroring the workspace's rule that a
 * policy broken mid-edit never decides. Each reply says which generation it holds (`holds`), so the
 * main thread sends later jobs a reference to it instead of the whole load request.
 */
import { evaluateRule } from '../../authoring/evaluate';
import { runTests } from '../../authoring/tests';
import { activateBundles } from '../../bundle/activate';
import { decideOtherActions } from '../../decision/other-actions';
import { type DecisionContext, decideOne, decideText } from '../../decision/scan';
import type { ClearanceError } from '../../errors';
import { compileRead, type LoadedPolicy, readPolicy } from '../../policy/load';
import { ModuleCache } from '../../policy/module-cache';
import { type ClientMapping, createScanner, type Scanner } from '../../scanner';
import type { ProjectView } from '../../scanner/project/types';
import { factsOf } from './policy-view';
import type {
  DecideCallsRequest,
  DecideRequest,
  LoadRequest,
  OnTheWire,
  PolicyState,
  WorkerRequest,
} from './protocol';

const wasmDir = (JSON.parse(process.argv[2] ?? '{}') as { wasmDir?: string }).wasmDir;
let loadedGeneration = -1;
let lastLoaded: LoadedPolicy | undefined;
let lastWhole: LoadedPolicy | undefined;
/** The compile errors of the last policy compiled (its read errors come with each load). */
let lastCompiled: { errors: ClearanceError[] } | undefined;
/** Parses of the policy's files by content: a reload after an edit re-parses only the edited file. */
const modules = new ModuleCache();
let scannerKey = '';
let scanner: Scanner = createScanner(wasmDir ? { wasmDir } : {});

/** A job referred to a policy state this worker does not hold: the sandbox sends the job again whole. */
class MissingState extends Error {}

function load(request: PolicyState): LoadedPolicy {
  if (request.generation === loadedGeneration && lastLoaded) return lastLoaded;
  if (request.op === 'loaded')
    throw new MissingState(`policy state ${request.generation} is not loaded here`);
  if (request.bundles) return keep(request, activateInForce(request.bundles));
  const options = { regoVersion: request.regoVersion, modules };
  const read = readPolicy(request.root, request.paths, new Map(request.openTexts), options);
  // The same files with the same texts (a document opened or saved unchanged): its compilation stands.
  let policy: LoadedPolicy;
  if (lastLoaded && lastCompiled && lastLoaded.version === read.version) {
    policy = { ...lastLoaded, errors: [...read.errors, ...lastCompiled.errors] };
  } else {
    policy = compileRead(read, options);
    lastCompiled = { errors: policy.errors.slice(read.errors.length) };
  }
  return keep(request, policy);
}

/** Makes `policy` the one loaded for `request` (and the one decisions use when it loaded whole). */
function keep(request: LoadRequest, policy: LoadedPolicy): LoadedPolicy {
  loadedGeneration = request.generation;
  lastLoaded = policy;
  if (policy.errors.length === 0 || !lastWhole) lastWhole = policy;
  return policy;
}

/**
 * Activates OPA bundles the main thread read and verified. Buffers arrive as plain byte arrays;
 * the version is the main thread's, which may say the bundle in force is kept after a failed update.
 */
function activateInForce(inForce: NonNullable<LoadRequest['bundles']>): LoadedPolicy {
  const bundles = inForce.bundles.map(({ bundle, origin }) => ({
    origin,
    bundle: {
      ...bundle,
      files: new Map(
        [...bundle.files].map(([path, b]) => [path, Buffer.from(b.buffer, b.byteOffset, b.byteLength)]),
      ),
    },
  }));
  const policy = activateBundles(bundles, inForce.regoVersion);
  return { ...policy, version: inForce.version };
}

let scannerWarm = false;

/**
 * Loads the parser's runtime and grammar (they load on the first scan) with the policy, under the
 * load deadline, so the first decision's deadline is for deciding.
 */
async function warmScanner(): Promise<void> {
  if (scannerWarm) return;
  scannerWarm = true;
  await scanner.scanText('warm-up.ts', '', 'typescript');
}

/** The scanner for these client mappings (rebuilt only when they change). */
function scannerFor(clients: ClientMapping[]): Scanner {
  const key = JSON.stringify(clients);
  if (key !== scannerKey) {
    scannerKey = key;
    scanner = createScanner({ ...(wasmDir ? { wasmDir } : {}), clientMappings: clients });
  }
  return scanner;
}

function contextOf(request: OnTheWire<DecideRequest | DecideCallsRequest>): DecisionContext {
  load(request.load);
  return {
    policy: lastWhole as LoadedPolicy,
    identity: request.identity,
    settings: request.settings,
    now: new Date(request.nowMs),
    project: request.project,
  };
}

async function handle(request: OnTheWire<WorkerRequest>): Promise<unknown> {
  switch (request.op) {
    case 'load': {
      const facts = factsOf(load(request), request.entrypoint);
      await warmScanner();
      return facts;
    }
    case 'warm':
      load(request.load);
      await warmScanner();
      return null;
    case 'decide': {
      const view = viewOf(request.view);
      if (view === 'missing') return missing(request.view);
      const scan = withView(scannerFor(request.project.clients), view);
      return decideText(scan, request.path, request.text, contextOf(request));
    }
    case 'scan': {
      const view = viewOf(request.view);
      if (view === 'missing') return missing(request.view);
      return scannerFor(request.clients).scanText(request.path, request.text, request.language, {
        ...(view === undefined ? {} : { project: view }),
        ...(request.collectFacts ? { collectFacts: true } : {}),
      });
    }
    case 'decideCalls': {
      const context = contextOf(request);
      return request.files.flatMap(({ file, calls }) => calls.map((call) => decideOne(file, call, context)));
    }
    case 'otherActions':
      load(request.load);
      return decideOtherActions(lastWhole as LoadedPolicy, request.entrypoint, request.input, request.limits);
    // Tests and evaluation run with the policy as it is now (the main thread runs none while it has errors).
    case 'runTests': {
      const policy = load(request.load);
      return runTests(policy.policy, policy.data, request.tests, request.limits);
    }
    case 'evaluate': {
      const policy = load(request.load);
      return evaluateRule(
        policy.policy,
        policy.data,
        request.query,
        request.input,
        request.limits,
        request.explain,
      );
    }
  }
}

/** A job's project view (`ProjectViewRef`), named through `WorkerRequest` (the import list is shared). */
type ViewRef = Extract<WorkerRequest, { op: 'scan' }>['view'];

/** The project view this worker holds (the last one sent whole), by the main thread's generation. */
let heldView: { generation: number; view: ProjectView } | undefined;

/**
 * The view `ref` names: kept when it comes whole; `missing` when only named and not held (a new
 * worker, or an older one that missed it), which the main thread answers by sending it whole.
 */
function viewOf(ref: ViewRef): ProjectView | undefined | 'missing' {
  if (ref === undefined) return undefined;
  if (ref.view !== undefined) heldView = { generation: ref.generation, view: ref.view };
  return heldView?.generation === ref.generation ? heldView.view : 'missing';
}

/** `base`, scanning with `view` (the project's own clients) when there is one. */
function withView(base: Scanner, view: ProjectView | undefined): Scanner {
  if (view === undefined) return base;
  return {
    scanText: (file, text, language, extras) =>
      base.scanText(file, text, language, { ...extras, project: view }),
  };
}

/** The answer (`MissingView`) to a job naming a view this worker does not hold. */
function missing(ref: ViewRef): { missingView: number } {
  return { missingView: ref?.generation ?? -1 };
}

// The language server went away (or closed the channel): nothing is left to answer.
process.on('disconnect', () => process.exit(0));

process.on('message', async (message: OnTheWire<WorkerRequest> & { id: number }) => {
  try {
    const value = await handle(message);
    process.send?.({ id: message.id, value, holds: loadedGeneration });
  } catch (error) {
    if (error instanceof MissingState) {
      process.send?.({ id: message.id, missing: true, holds: loadedGeneration });
      return;
    }
    const failure: ClearanceError = {
      code: 'internal_error',
      message: `the analysis failed: ${error instanceof Error ? error.message : String(error)}`,
    };
    process.send?.({ id: message.id, error: failure, holds: loadedGeneration });
  }
});

// Its code is loaded: the sandbox starts the first job's deadline now (see sandbox.ts).
process.send?.({ ready: true });
