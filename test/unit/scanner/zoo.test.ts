/**
 * Holds every project of the shape zoo (test/fixtures/scanner/zoo, see bench/zoo.ts) to its floor in
 * its batch's floors.json: at least `hits` of its hand-labelled calls found, at most `wrong` calls
 * reported that match no label. A project without a floor must find every label and report nothing
 * else. Floors are the figures of the last measured stop, raised as the pass improves, never lowered
 * to let a change through.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreZooProject, zooFloors, zooProjects } from '../../../bench/zoo';
import { patientScanning } from '../../support/patient-scanning';

const floors = zooFloors();

for (const name of zooProjects()) {
  test(`zoo project ${name} keeps its floor`, async () => {
    const { truth, score } = await scoreZooProject(name, patientScanning);
    const floor = floors[name] ?? { hits: truth.calls.length, wrong: 0 };
    const wrong = score.found.length - score.used.size;
    assert.ok(
      score.hits >= floor.hits,
      `${name}: ${score.hits}/${truth.calls.length} found, floor ${floor.hits}`,
    );
    assert.ok(wrong <= floor.wrong, `${name}: ${wrong} wrong reports, at most ${floor.wrong}`);
  });
}
