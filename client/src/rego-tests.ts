/**
 * The Test Explorer for Rego: every `test_` rule of the workspace, grouped by package and file, run
 * by the server's engine (one test, a file, a package or all). Failures show at the expression that
 * failed, with the values of its operands; `print` output goes to the run's output.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type ListTestsResponse,
  listTestsRequest,
  type RunTestsParams,
  type RunTestsResponse,
  runTestsRequest,
  type WireTest,
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
        if (r.outcome === 'passed') run.passed(item, r.durationMs);
        else if (r.outcome === 'skipped') run.skipped(item);
        else {
          const message = new vscode.TestMessage(r.message ?? r.outcome);
          if (r.location)
            message.location = new vscode.Location(
              vscode.Uri.parse(r.location.uri),
              toRange(r.location.range),
            );
          if (r.outcome === 'failed') run.failed(item, message, r.durationMs);
          else run.errored(item, message, r.durationMs);
        }
      }
    } finally {
      run.end();
    }
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

/** Whether `item` is one of `chosen` or below one of them. */
function selected(item: vscode.TestItem, chosen: readonly vscode.TestItem[]): boolean {
  for (let p: vscode.TestItem | undefined = item; p; p = p.parent) if (chosen.includes(p)) return true;
  return false;
}
