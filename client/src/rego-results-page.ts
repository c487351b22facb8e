/**
 * The page of the Rego results panel, from the server's answer alone: the query, the input, the
 * value, the time, `print` output, errors and the trace, every step a link (by index) to its place in
 * the policy. Every text is escaped; the content security policy allows only the page's own style and
 * script (by nonce).
 */
import type { EvaluateResponse, WireTraceStep } from '../../server/src/lsp/authoring-protocol';

/** A place in a policy a trace step links to. */
export type Target = Pick<WireTraceStep, 'uri' | 'range'>;

/** `s` with HTML's special characters escaped. */
function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The file name and 1-based line of a place: `authz.rego:12`. */
function siteOf(t: Target): string {
  return `${decodeURIComponent(t.uri.split('/').pop() ?? t.uri)}:${t.range.start.line + 1}`;
}

/** The panel's page for `r`; `link` registers a place and returns its index. */
export function renderResult(r: EvaluateResponse, nonce: string, link: (t: Target) => number): string {
  const a = (t: Target, text: string) =>
    `<a href="#" data-open="${link(t)}" title="${escapeHtml(siteOf(t))}">${escapeHtml(text)}</a>`;
  const value = r.defined ? JSON.stringify(r.value, null, 2) : 'undefined';
  const parts = [
    `<h2><code>${escapeHtml(r.query)}</code></h2>`,
    `<p class="meta">with ${escapeHtml(r.inputLabel ?? 'no input')} · ${r.durationMs.toFixed(2)} ms</p>`,
    `<pre class="value ${r.defined ? 'defined' : 'undefined'}">${escapeHtml(value)}</pre>`,
  ];
  if (r.unknowns && r.unknowns.length > 0)
    parts.push(
      `<p class="note">Unknown to the code, evaluated here as absent: ${r.unknowns.map((u) => `<code>${escapeHtml(u)}</code>`).join(', ')}</p>`,
    );
  if (r.errors.length > 0)
    parts.push('<h3>Errors</h3><ul>', ...r.errors.map((e) => `<li>${escapeHtml(e)}</li>`), '</ul>');
  if (r.output.length > 0)
    parts.push('<h3>print output</h3>', `<pre>${escapeHtml(r.output.join('\n'))}</pre>`);
  if (r.trace && r.trace.length > 0) {
    parts.push('<h3>Trace</h3><ol class="trace">');
    for (const c of r.trace) {
      parts.push(
        `<li class="${c.held ? 'held' : 'failed'}">${c.held ? '✓' : '✗'} ${a(c, c.head)} <span class="site">${escapeHtml(siteOf(c))}</span><ol>`,
      );
      for (const s of c.steps) parts.push(`<li class="held">✓ ${a(s, s.text)}</li>`);
      if (c.failing)
        parts.push(
          `<li class="failed">✗ ${a(c.failing, c.failing.text)}${c.failing.operands.length > 0 ? `: ${escapeHtml(c.failing.operands.join(', '))}` : ''}</li>`,
        );
      parts.push('</ol></li>');
    }
    parts.push('</ol>');
  }
  if (r.input !== undefined)
    parts.push(
      '<details><summary>Input</summary>',
      `<pre>${escapeHtml(JSON.stringify(r.input, null, 2))}</pre>`,
      '</details>',
    );
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
pre { background: var(--vscode-textCodeBlock-background); padding: 6px; white-space: pre-wrap; }
.meta, .site, .note { color: var(--vscode-descriptionForeground); }
.failed { color: var(--vscode-errorForeground); }
.trace li { margin: 2px 0; }
a { color: var(--vscode-textLink-foreground); cursor: pointer; }
</style></head>
<body>
${parts.join('\n')}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const a = event.target.closest('a[data-open]');
  if (!a) return;
  event.preventDefault();
  vscode.postMessage({ open: Number(a.dataset.open) });
});
</script>
</body></html>`;
}
