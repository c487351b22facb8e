/**
 * Guards the first round's guess of which trees to keep (`project/later-rounds.ts`). On each folder
 * of test/fixtures/scanner/later-rounds: the files its expected.yaml names as kept and not kept are
 * guessed so, and every file a later round scans again was kept. On those and every project
 * fixture: the project pass finds the same calls whether the first round keeps every tree, none, or
 * the guessed ones (the guess only decides what is parsed again).
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { listSourceFiles } from '../../../server/src/decision/scan';
import { createScanner, type ScanResult } from '../../../server/src/scanner';
import { type ScanJob, scanProject } from '../../../server/src/scanner/project/scan-project';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'scanner');
const folders = (group: string) =>
  readdirSync(path.join(FIXTURES, group))
    .sort()
    .map((name) => path.join(FIXTURES, group, name));

/** Runs the project pass, noting the first round's guesses and the files later rounds scan. */
async function run(root: string, firstRound: 'guess' | 'keep' | 'drop') {
  const scanner = createScanner();
  const files = listSourceFiles(root).map((file) => ({
    file: path.relative(root, file),
    read: () => readFileSync(file, 'utf8'),
  }));
  const guessed = new Map<string, boolean>();
  const later = new Set<string>();
  let round = 0;
  const results = await scanProject(scanner, files, {
    parallel: {
      async scanAll(jobs, _view, local: (job: ScanJob) => Promise<ScanResult>) {
        const scanned: ScanResult[] = [];
        for (const job of jobs) {
          if (round === 0) guessed.set(job.file, job.keep !== false);
          else later.add(job.file);
          const keep = round === 0 && firstRound !== 'guess' ? firstRound === 'keep' : job.keep;
          scanned.push(await local({ ...job, ...(keep === undefined ? {} : { keep }) }));
        }
        round++;
        return scanned;
      },
    },
  });
  return {
    guessed,
    later,
    calls: JSON.stringify([...results].map(([file, r]) => [file, r.calls, r.errors])),
  };
}

for (const root of folders('later-rounds')) {
  test(`the first round keeps the trees a later round uses: ${path.relative(FIXTURES, root)}`, async () => {
    const expected = parse(readFileSync(path.join(root, 'expected.yaml'), 'utf8')) as {
      kept: string[];
      'not-kept': string[];
    };
    const { guessed, later } = await run(root, 'guess');
    for (const file of expected.kept) assert.equal(guessed.get(file), true, `${file} kept`);
    for (const file of expected['not-kept']) assert.equal(guessed.get(file), false, `${file} not kept`);
    for (const file of later) assert.equal(guessed.get(file), true, `${file} is scanned again: kept`);
    assert.ok(later.size > 0, 'a later round scans a file again');
  });
}

for (const root of [...folders('later-rounds'), ...folders('project')]) {
  test(`the kept trees do not change the calls: ${path.relative(FIXTURES, root)}`, async () => {
    const guess = await run(root, 'guess');
    assert.equal(guess.calls, (await run(root, 'keep')).calls);
    assert.equal(guess.calls, (await run(root, 'drop')).calls);
  });
}
