/**
 * Vue and Svelte single-file components: only their `<script>` blocks are code the scanner reads.
 * The rest of the file (template, style) is blanked out with spaces, line breaks kept, so the
 * blocks keep their offsets, lines and columns and every location points into the component as it
 * is written, without a mapping table.
 */

const COMPONENT = /\.(?:vue|svelte)$/i;
const SCRIPT_BLOCK = /(<script\b[^>]*>)([\s\S]*?)<\/script\s*>/gi;

/** Whether a path names a Vue or Svelte single-file component. */
export function isSingleFileComponent(path: string): boolean {
  return COMPONENT.test(path.replace(/[?#].*$/s, ''));
}

/** The component's text with everything outside its `<script>` blocks blanked; lengths unchanged. */
export function keepScriptBlocks(text: string): string {
  const kept: string[] = [];
  let last = 0;
  for (const match of text.matchAll(SCRIPT_BLOCK)) {
    const open = match[1] ?? '';
    const start = match.index + open.length;
    kept.push(blank(text.slice(last, start)), match[2] ?? '');
    last = start + (match[2] ?? '').length;
  }
  kept.push(blank(text.slice(last)));
  return kept.join('');
}

// Every character but line breaks becomes a space; UTF-16 lengths stay, so offsets do too.
function blank(part: string): string {
  return part.replace(/[^\r\n]/g, ' ');
}
