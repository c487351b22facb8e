/**
 * The Test Explorer for Rego: every `test_` rule of the workspace, grouped by package and file, run
 * by the server's engine (one test, a file, a package or all). Failures show at the expression that
 * failed, with the values of its operands; `print` output goes to the run's output. A parameterised
 * test's cases are its children, each with its own outcome; `test_x#01` (a name defined again) is a
 * test of its own.
 */
import * as vscode from 'vscode';
// The desktop's and the web build's clients alike.
import type { BaseLanguageClient as LanguageClient } from 'vscode-languageclient';
import {
  type ListTestsResponse,
  listTestsRequest,
  type RunTestsParams,
  type RunTestsResponse,
  runTestsRequest,
  type WireTest,
  type WireTestResult,
} from '../../server/src/lsp/authoring-protocol';

/** What a tree item stands for: a package, a file, or a test (by id). */
type Node = { kind: 'package'; name: string } | { kind: 'file'; uri: string } | { kind: 'test'; id: string };

/** Registers the test controller; the list refreshes when `.rego` files are saved, created or deleted. */
export function registerRegoTests(client: LanguageClient): vscode.Disposable[] {
  const controller = vscode.tests.createTestController('clearance.rego', 'Rego (Clearance)');
  const nodes = new WeakMap<vscode.TestItem, Node>();
  const byId = new Map<string, vscode.TestItem>();

  const toRange = (r: WireTest['range']) =>
    new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

  async function refresh(): Promise<void> {
    if (!client.isRunning()) return;
    const { tests } = await client.sendRequest<ListTestsResponse>(listTestsRequest, {});
    byId.clear();
    const packages = new Map<string, vscode.TestItem>();
    for (const t of tests) {
      let pkg = packages.get(t.package);
      if (!pkg) {
        pkg = controller.createTestItem(`package:${t.package}`, t.package);
        nodes.set(pkg, { kind: 'package', name: t.package });
        packages.set(t.package, pkg);
      }
      const fileId = `file:${t.uri}`;
      let file = pkg.children.get(fileId);
      if (!file) {
        const uri = vscode.Uri.parse(t.uri);
        file = controller.createTestItem(fileId, vscode.workspace.asRelativePath(uri), uri);
        nodes.set(file, { kind: 'file', uri: t.uri });
        pkg.children.add(file);
      }
      const item = controller.createTestItem(t.id, t.name, vscode.Uri.parse(t.uri));
      item.range = toRange(t.range);
      nodes.set(item, { kind: 'test', id: t.id });
      file.children.add(item);
      byId.set(t.id, item);
    }
    controller.items.replace([...packages.values()]);
  }

  controller.resolveHandler = async () => refresh();
  controller.refreshHandler = async () => refresh();

  async function run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = controller.createTestRun(request);
    const params: Required<RunTestsParams> = { ids: [], uris: [], packages: [] };
    const chosen = request.include ?? [];
    for (const item of chosen) {
      const node = nodes.get(item);
      if (node?.kind === 'test') params.ids.push(node.id);
      else if (node?.kind === 'file') params.uris.push(node.uri);
      else if (node?.kind === 'package') params.packages.push(node.name);
    }
    const everything = chosen.length === 0;
    for (const item of byId.values()) if (everything || selected(item, chosen)) run.started(item);
    try {
      const { results } = await client.sendRequest<RunTestsResponse>(
        runTestsRequest,
        everything ? {} : params,
        token,
      );
      for (const r of results) {
        const item = byId.get(r.id);
        if (!item || request.exclude?.includes(item)) continue;
        for (const line of r.output) run.appendOutput(`${line}\r\n`, undefined, item);
        reportCases(run, item, r);
        if (r.outcome === 'passed') run.passed(item, r.durationMs);
        else if (r.outcome === 'skipped') run.skipped(item);
        else {
          const message = messageOf(r);
          if (r.outcome === 'failed') run.failed(item, message, r.durationMs);
          else run.errored(item, message, r.durationMs);
        }
      }
    } finally {
      run.end();
    }
  }

  /**
   * A parameterised test's cases become its children, found as it runs (the cases are values, known
   * only by evaluating): each passes or fails on its own, at the expression that stopped it.
   */
  function reportCases(run: vscode.TestRun, item: vscode.TestItem, r: WireTestResult): void {
    if (!r.cases) return;
    const children: vscode.TestItem[] = [];
    for (const c of r.cases) {
      const child = controller.createTestItem(`${item.id}[${JSON.stringify(c.name)}]`, c.name, item.uri);
      child.range = c.location ? toRange(c.location.range) : item.range;
      nodes.set(child, { kind: 'test', id: item.id });
      children.push(child);
    }
    item.children.replace(children);
    r.cases.forEach((c, i) => {
      const child = children[i] as vscode.TestItem;
      run.started(child);
      if (c.outcome === 'passed') run.passed(child);
      else run.failed(child, messageOf(c));
    });
  }

  controller.createRunProfile(
    'Run',
    vscode.TestRunProfileKind.Run,
    (request, token) => void run(request, token),
    true,
  );

  let timer: NodeJS.Timeout | undefined;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh().catch(() => undefined), 300);
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.rego');
  return [
    controller,
    watcher,
    watcher.onDidCreate(later),
    watcher.onDidDelete(later),
    vscode.workspace.onDidSaveTextDocument((d) => (d.languageId === 'rego' ? later() : undefined)),
    vscode.commands.registerCommand('clearance.rego.refreshTests', () => refresh()),
  ];
}

/** A failure's message, at the expression that failed when the server says where. */
function messageOf(r: Pick<WireTestResult, 'message' | 'outcome' | 'location'>): vscode.TestMessage {
  const message = new vscode.TestMessage(r.message ?? r.outcome);
  if (r.location) {
    const { start, end } = r.location.range;
    message.location = new vscode.Location(
      vscode.Uri.parse(r.location.uri),
      new vscode.Range(start.line, start.character, end.line, end.character),
    );
  }
  return message;
}

/** Whether `item` is one of `chosen` or below one of them. */
function selected(item: vscode.TestItem, chosen: readonly vscode.TestItem[]): boolean {
  for (let p: vscode.TestItem | undefined = item; p; p = p.parent) if (chosen.includes(p)) return true;
  return false;
}
