#!/usr/bin/env node
// Checks that every relative link in the project's Markdown (README, CHANGELOG, docs/, examples/)
// resolves: the file or folder exists, and a `#fragment` names a heading of the target page (GitHub's
// heading ids). Part of `npm run lint`, so a renamed page or section cannot leave a dead link behind.
// Usage: node scripts/check-links.mjs [root]  (exit 1 and one `file:line: message` per dead link)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const skippedFolders = new Set(['node_modules', '.git', '.e2e', 'dist', 'out', 'test-results', 'coverage']);

/** The Markdown files a reader of the project meets: the root's, and those under docs/ and examples/. */
function markdownFiles() {
  const found = readdirSync(root)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, name));
  const walk = (dir, depth) => {
    if (depth > 20 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skippedFolders.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk(join(root, 'docs'), 0);
  walk(join(root, 'examples'), 0);
  return found;
}

/** GitHub's id for a heading: lower case, punctuation other than `-` and `_` dropped, spaces as `-`. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorsByFile = new Map();
/** The heading ids of a Markdown file, numbered as GitHub numbers repeated headings (`x`, `x-1`). */
function anchorsOf(file) {
  let anchors = anchorsByFile.get(file);
  if (anchors !== undefined) return anchors;
  anchors = new Set();
  const seen = new Map();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const base = slug(heading[1].replace(/`/g, ''));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  anchorsByFile.set(file, anchors);
  return anchors;
}

/** The dead links of one file, as `file:line: message`. */
function deadLinks(file) {
  const problems = [];
  let fenced = false;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      if (fenced) return;
      // Inline code is not a link: `[a](b)` in backticks is an example.
      const text = line.replace(/`[^`]*`/g, '');
      for (const match of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = match[1];
        if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [pathPart, fragment] = target.split('#', 2);
        const where = `${relative(root, file)}:${index + 1}`;
        const targetFile = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
        if (!existsSync(targetFile)) {
          problems.push(`${where}: ${target}: no such file`);
          continue;
        }
        if (fragment === undefined || fragment === '') continue;
        if (statSync(targetFile).isDirectory() || !targetFile.endsWith('.md')) continue;
        if (!anchorsOf(targetFile).has(decodeURIComponent(fragment).toLowerCase())) {
          problems.push(`${where}: ${target}: no heading #${fragment} in ${relative(root, targetFile)}`);
        }
      }
    });
  return problems;
}

const files = markdownFiles();
const problems = files.flatMap(deadLinks);
for (const problem of problems) process.stderr.write(`${problem}\n`);
if (problems.length > 0) {
  process.stderr.write(
    `${problems.length} dead link(s) in ${files.length} Markdown file(s): fix the link or the heading\n`,
  );
  process.exit(1);
}
process.stdout.write(`${files.length} Markdown file(s): every relative link resolves\n`);
